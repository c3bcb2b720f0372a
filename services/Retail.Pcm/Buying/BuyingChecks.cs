using Retail.Pcm.Sources;

namespace Retail.Pcm.Buying;

/// <summary>
/// What buying checks against other services before it writes: the vendor (PVM, active), the ship-to facility (OFM, an
/// active logical facility, through the org directory as ICS and PMC check it) and the variants (PVM, known, not retired).
/// Each answers the problem a client sees, or null.
/// </summary>
public sealed class BuyingChecks(PcmSources sources, IOrgDirectory directory)
{
    /// <summary>At most this many variant reads to PVM at once for one request.</summary>
    public const int VariantReadsInFlight = 8;

    public async Task<(PvmVendor? Vendor, ProblemHttpResult? Problem)> ActiveVendorAsync(string orgcode, string? vendorGuid, string? vendorCode,
        CancellationToken ct)
    {
        var (vendor, problem) = await VendorAsync(orgcode, vendorGuid, vendorCode, ct);
        if (problem is not null)
        {
            return (null, problem);
        }
        return vendor!.IsActive
            ? (vendor, null)
            : (null, PcmProblems.VendorNotActive($"Vendor '{vendor.VendorCode}' is {vendor.Status}, not active.", vendorGuid is not null ? "vendor_guid" : "vendor_code"));
    }

    /// <summary>The vendor in any status, or 422 <c>unknown_reference</c>.</summary>
    public async Task<(PvmVendor? Vendor, ProblemHttpResult? Problem)> VendorAsync(string orgcode, string? vendorGuid, string? vendorCode,
        CancellationToken ct)
    {
        var field = vendorGuid is not null ? "vendor_guid" : "vendor_code";
        PvmVendor? vendor;
        try
        {
            vendor = await sources.VendorAsync(orgcode, vendorGuid is null ? null : PoRules.GuidKey(vendorGuid),
                vendorCode is null ? null : Codes.Normalize(vendorCode), ct);
        }
        catch (SourceUnavailableException)
        {
            return (null, ApiProblem.DependencyUnavailable(PcmSources.Pvm));
        }
        catch (SourceRefusedException)
        {
            vendor = null;
        }
        return vendor is null ? (null, PcmProblems.UnknownReference(field, $"No vendor '{vendorGuid ?? vendorCode}' in PVM.")) : (vendor, null);
    }

    public async Task<ProblemHttpResult?> FacilityProblemAsync(string orgcode, string facilityCode, string field, CancellationToken ct)
    {
        var check = await directory.CheckContextAsync(orgcode, new ContextCodes(facilityCode, null, null), ct);
        if (check.Dependency is not null)
        {
            return ApiProblem.DependencyUnavailable(check.Dependency);
        }
        return check.IsValid ? null : PcmProblems.UnknownReference(field, $"No active logical facility '{facilityCode}' in this org.");
    }

    /// <summary>
    /// The variants by guid (each read once), or the 422 <c>unknown_reference</c> naming the first line whose variant PVM
    /// does not know or has retired. <paramref name="fieldOf"/> names the field of the i-th guid (<c>lines[2].variant_guid</c>).
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, PvmVariant> Variants, ProblemHttpResult? Problem)> VariantsAsync(string orgcode,
        IReadOnlyList<string> variantGuids, Func<int, string> fieldOf, CancellationToken ct)
    {
        var distinct = variantGuids.Distinct(StringComparer.Ordinal).ToList();
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, PvmVariant>(StringComparer.Ordinal);
        try
        {
            await Parallel.ForEachAsync(distinct, new ParallelOptions { MaxDegreeOfParallelism = VariantReadsInFlight, CancellationToken = ct },
                async (guid, token) =>
                {
                    PvmVariant? variant;
                    try
                    {
                        variant = await sources.VariantAsync(orgcode, guid, token);
                    }
                    catch (SourceRefusedException)
                    {
                        variant = null;
                    }
                    if (variant is not null)
                    {
                        found[guid] = variant;
                    }
                });
        }
        catch (SourceUnavailableException)
        {
            return (found, ApiProblem.DependencyUnavailable(PcmSources.Pvm));
        }
        for (var i = 0; i < variantGuids.Count; i++)
        {
            if (!found.TryGetValue(variantGuids[i], out var variant))
            {
                return (found, PcmProblems.UnknownReference(fieldOf(i), $"Line {i + 1}: no variant '{variantGuids[i]}' in PVM."));
            }
            if (variant.Status == "retired")
            {
                return (found, PcmProblems.UnknownReference(fieldOf(i), $"Line {i + 1}: variant '{variant.VariantCode}' is retired."));
            }
        }
        return (found, null);
    }
}
