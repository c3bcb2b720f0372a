using Retail.Shared.Blobs;
using Retail.Shared.OrgData;

namespace Retail.Mrs.Records;

/// <summary>
/// The org's uploaded payloads (blob keys <c>{orgcode}/{record_guid}</c>), for offboarding: exported with their bytes
/// (base64) beside the records that describe them, purged before the records (purge runs the parts in reverse order).
/// Registered only where the blob store can list its keys (the host's files).
/// </summary>
public sealed class BlobOrgData(IBlobStore blobs, IBlobListing listing) : IOrgDataPart
{
    // Payloads are up to MRS's upload limit each: pages stay small.
    private const int MaxExportPage = 20;

    public string Part => "blobs";

    public async Task<OrgExportPage> ExportAsync(string orgcode, string? token, int limit, CancellationToken ct)
    {
        var take = Math.Min(limit, MaxExportPage);
        var keys = await listing.ListAsync(orgcode + "/", token, take, ct);
        var items = new List<OrgDataItem>(keys.Count);
        foreach (var key in keys)
        {
            var bytes = await blobs.GetAsync(key, ct);
            if (bytes is not null)
            {
                items.Add(new OrgDataItem(Part, "blob", key,
                    System.Text.Json.JsonSerializer.SerializeToElement(new { key, size_bytes = bytes.LongLength, content_base64 = Convert.ToBase64String(bytes) })));
            }
        }
        return new OrgExportPage(items, keys.Count < take ? null : keys[^1]);
    }

    public async Task<OrgPurgeStep> PurgeAsync(string orgcode, int limit, CancellationToken ct)
    {
        var keys = await listing.ListAsync(orgcode + "/", null, limit, ct);
        foreach (var key in keys)
        {
            await blobs.DeleteAsync(key, ct);
        }
        return new OrgPurgeStep(keys.Count, keys.Count < limit);
    }

    public Task<long> CountAsync(string orgcode, CancellationToken ct) => listing.CountAsync(orgcode + "/", ct);
}
