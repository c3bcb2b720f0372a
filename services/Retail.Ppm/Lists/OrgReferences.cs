namespace Retail.Ppm.Lists;

/// <summary>
/// Checks a sales channel or logical facility code against OFM's master data through the org directory (cached for
/// seconds, cleared by OFM's events): the same check the <c>x-channel-code</c> and <c>x-facility-code</c> headers get.
/// </summary>
public static class OrgReferences
{
    /// <summary>Null when <paramref name="channelCode"/> is an active sales channel of the org; else the 422 (or 503) naming <paramref name="field"/>.</summary>
    public static Task<ProblemHttpResult?> ChannelProblemAsync(IOrgDirectory directory, string orgcode, string channelCode, string field,
        CancellationToken ct) =>
        ProblemAsync(directory, orgcode, new ContextCodes(null, channelCode, null), field, $"No active sales channel '{channelCode}' in this org.", ct);

    /// <summary>Null when <paramref name="facilityCode"/> is an active logical facility of the org; else the 422 (or 503) naming <paramref name="field"/>.</summary>
    public static Task<ProblemHttpResult?> FacilityProblemAsync(IOrgDirectory directory, string orgcode, string facilityCode, string field,
        CancellationToken ct) =>
        ProblemAsync(directory, orgcode, new ContextCodes(facilityCode, null, null), field, $"No active logical facility '{facilityCode}' in this org.", ct);

    private static async Task<ProblemHttpResult?> ProblemAsync(IOrgDirectory directory, string orgcode, ContextCodes codes, string field, string detail,
        CancellationToken ct)
    {
        var check = await directory.CheckContextAsync(orgcode, codes, ct);
        if (check.Dependency is not null)
        {
            return ApiProblem.DependencyUnavailable(check.Dependency);
        }
        return check.IsValid ? null : PpmProblems.UnknownReference(field, detail);
    }

    /// <summary>
    /// The code a request names in its body or in its context header (the header already checked by the contract
    /// middleware): null and a 400 when it names none, or two that differ (<c>context_mismatch</c>).
    /// </summary>
    public static (string? Code, bool FromHeader, ProblemHttpResult? Problem) BodyOrHeader(string? body, string? header, string field, string headerName)
    {
        var fromBody = string.IsNullOrWhiteSpace(body) ? null : Codes.Normalize(body);
        var fromHeader = string.IsNullOrWhiteSpace(header) ? null : Codes.Normalize(header);
        if (fromBody is not null && fromHeader is not null && fromBody != fromHeader)
        {
            return (null, false, ApiProblem.Create(StatusCodes.Status400BadRequest, ProblemCodes.ContextMismatch, "The body and the header disagree.",
                $"{field} '{fromBody}' differs from {headerName} '{fromHeader}'; send one, or the same in both."));
        }
        if (fromBody is null && fromHeader is null)
        {
            return (null, false, ApiProblem.Validation(field, $"is required (or send the {headerName} header)"));
        }
        return (fromBody ?? fromHeader, fromBody is null, null);
    }
}
