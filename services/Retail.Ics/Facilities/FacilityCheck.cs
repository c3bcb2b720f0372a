namespace Retail.Ics.Facilities;

/// <summary>
/// Checks that a logical facility code names an active facility of the org, through the org directory (OFM's master
/// data, cached for seconds and cleared by its events): the same check the <c>x-facility-code</c> header gets.
/// </summary>
public sealed class FacilityCheck(IOrgDirectory directory)
{
    /// <summary>Null when <paramref name="facilityCode"/> is an active logical facility of the org; else the 422 naming <paramref name="field"/>.</summary>
    public async Task<ProblemHttpResult?> ProblemAsync(string orgcode, string facilityCode, string field, CancellationToken ct)
    {
        var check = await directory.CheckContextAsync(orgcode, new ContextCodes(facilityCode, null, null), ct);
        if (check.Dependency is not null)
        {
            return ApiProblem.DependencyUnavailable(check.Dependency);
        }
        return check.IsValid ? null : IcsProblems.UnknownReference(field, $"No active logical facility '{facilityCode}' in this org.");
    }
}
