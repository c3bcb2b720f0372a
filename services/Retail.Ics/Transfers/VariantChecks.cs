using Retail.Ics.Catalog;

namespace Retail.Ics.Transfers;

/// <summary>The checks of the variants a request names, against ICS's projection of PVM.</summary>
public static class VariantChecks
{
    /// <summary>Null when every variant is known and active; else the 422 (<c>unknown_reference</c> or <c>reference_not_active</c>) naming <paramref name="field"/>.</summary>
    public static async Task<ProblemHttpResult?> ActiveAsync(VariantCatalog catalog, string orgcode, IEnumerable<string> variantGuids, string field,
        CancellationToken ct)
    {
        foreach (var guid in variantGuids.Distinct(StringComparer.Ordinal))
        {
            var variant = await catalog.GetAsync(orgcode, guid, ct);
            if (variant is null)
            {
                return IcsProblems.UnknownReference(field, $"No variant {guid} in this org.");
            }
            if (!variant.IsActive)
            {
                return IcsProblems.ReferenceNotActive(field, $"Variant {guid} is {variant.Status ?? "not active"}.");
            }
        }
        return null;
    }
}
