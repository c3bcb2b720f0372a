using Retail.Shared.OrgData;

namespace Retail.Pmc.Storefront;

/// <summary>
/// The storefront read model's rows of an org, for offboarding: purged with the org (a projection of its records, so
/// export leaves it out; the records it is built from are in the <c>state</c> part).
/// </summary>
public sealed class StorefrontOrgData(StorefrontIndex index) : IOrgDataPart
{
    public string Part => "storefront";

    public Task<OrgExportPage> ExportAsync(string orgcode, string? token, int limit, CancellationToken ct) =>
        Task.FromResult(new OrgExportPage([], null));

    public async Task<OrgPurgeStep> PurgeAsync(string orgcode, int limit, CancellationToken ct)
    {
        var removed = await index.PurgeOrgAsync(orgcode, limit, ct);
        return new OrgPurgeStep(removed, await index.CountOrgAsync(orgcode, ct) == 0);
    }

    public Task<long> CountAsync(string orgcode, CancellationToken ct) => index.CountOrgAsync(orgcode, ct);
}
