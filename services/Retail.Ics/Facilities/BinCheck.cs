namespace Retail.Ics.Facilities;

/// <summary>
/// Checks that a bin code names an active bin of a facility, for any area that puts stock into or takes it out of a
/// bin (the ledger itself does not check bins, so callers that take a <c>bin_code</c> ask here first).
/// </summary>
public sealed class BinCheck(RecordStore<Bin> bins)
{
    /// <summary>Null when <paramref name="binCode"/> is an active bin of the facility; else the 422 naming <paramref name="field"/>.</summary>
    public async Task<ProblemHttpResult?> ProblemAsync(string orgcode, string facilityCode, string binCode, string field, CancellationToken ct)
    {
        var code = FacilityCodes.Of(Codes.Normalize(facilityCode), Codes.Normalize(binCode));
        return await bins.FindAsync(orgcode, Bin.CodeName, code, ct) switch
        {
            null => IcsProblems.UnknownReference(field, $"No bin '{binCode}' at facility '{facilityCode}' in this org."),
            { Record.Status: not MasterStatus.Active } => IcsProblems.ReferenceNotActive(field, $"Bin '{binCode}' at facility '{facilityCode}' is not active."),
            _ => null,
        };
    }
}
