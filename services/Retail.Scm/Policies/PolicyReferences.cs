using Retail.Shared.Invocation;

namespace Retail.Scm.Policies;

/// <summary>OFM's sales channel as SCM reads it: only its facility.</summary>
public sealed record OfmChannel(string ChannelCode, string? FacilityCode, string? Currency, string? Status);

/// <summary>
/// Checks of OFM codes a policy names, through the org directory (cached for seconds, cleared by OFM's events): the
/// same check the <c>x-channel-code</c> and <c>x-facility-code</c> headers get.
/// </summary>
public static class PolicyReferences
{
    /// <summary>
    /// The channel a request names in its body or by <c>x-channel-code</c> (both: they must agree), checked to be an
    /// active OFM sales channel: 400 when none or two differ, 422 <c>unknown_reference</c> when OFM has no such channel.
    /// </summary>
    public static async Task<(string? Channel, ProblemHttpResult? Problem)> ChannelAsync(IOrgDirectory directory, string orgcode, string? body,
        RequestContext context, CancellationToken ct)
    {
        var fromBody = string.IsNullOrWhiteSpace(body) ? null : Codes.Normalize(body);
        var fromHeader = string.IsNullOrWhiteSpace(context.ChannelCode) ? null : Codes.Normalize(context.ChannelCode);
        if (fromBody is not null && fromHeader is not null && fromBody != fromHeader)
        {
            return (null, ApiProblem.Create(StatusCodes.Status400BadRequest, ProblemCodes.ContextMismatch, "The body and the header disagree.",
                $"channel_code '{fromBody}' differs from x-channel-code '{fromHeader}'; send one, or the same in both."));
        }
        var channel = fromBody ?? fromHeader;
        if (channel is null)
        {
            return (null, ApiProblem.Validation("channel_code", "is required (or send the x-channel-code header)"));
        }
        return (channel, await CheckAsync(directory, orgcode, new ContextCodes(null, channel, null), "channel_code",
            $"No active sales channel '{channel}' in this org.", ct));
    }

    /// <summary>Null when <paramref name="facility"/> is an active logical facility of the org; else the 422 (or 503) naming <paramref name="field"/>.</summary>
    public static Task<ProblemHttpResult?> FacilityAsync(IOrgDirectory directory, string orgcode, string facility, string field, CancellationToken ct) =>
        CheckAsync(directory, orgcode, new ContextCodes(facility, null, null), field, $"No active logical facility '{facility}' in this org.", ct);

    private static async Task<ProblemHttpResult?> CheckAsync(IOrgDirectory directory, string orgcode, ContextCodes codes, string field, string detail,
        CancellationToken ct)
    {
        var check = await directory.CheckContextAsync(orgcode, codes, ct);
        if (check.Dependency is not null)
        {
            return ApiProblem.DependencyUnavailable(check.Dependency);
        }
        return check.IsValid ? null : ScmProblems.UnknownReference(field, detail);
    }

    /// <summary>
    /// The logical facility OFM names for a sales channel (<c>/sales-channel/get</c>), kept in the org directory's cache
    /// (seconds, cleared by OFM's events) so a run of orders asks OFM about once per TTL, not once per order.
    /// </summary>
    public static async Task<string?> ChannelFacilityAsync(IServiceInvoker invoker, OrgDirectoryCache cache, string orgcode, string channel,
        CancellationToken ct)
    {
        var key = $"scm.channel_facility|{channel}";
        if (cache.TryGet<ChannelFacility>(orgcode, key, out var cached))
        {
            return cached.FacilityCode;
        }
        var answer = await invoker.GetOrNullAsync<OfmChannel>("ofm", "/sales-channel/get", new { channel_code = channel }, new InvocationOptions(orgcode), ct);
        var facility = answer?.FacilityCode is { Length: > 0 } f ? Codes.Normalize(f) : null;
        cache.Set(orgcode, key, new ChannelFacility(facility));
        return facility;
    }

    private sealed record ChannelFacility(string? FacilityCode);
}
