using Retail.Shared.Hosting;

namespace Retail.Mrs.Records;

/// <summary>
/// The <c>blobs</c> part of MRS's storage for Accounting (UC-ACC-003): the bytes of the org's uploads held in the blob store —
/// completed uploads whose payload the sweeper has not removed yet (a doomed or expired one keeps its bytes until then) —
/// read page by page through the records' kind and status index. Inline JSON lives in the record, so the state part counts it.
/// </summary>
public sealed class BlobStorageMeter(RecordStore<MrsRecord> records) : IStorageMeter
{
    public string Part => "blobs";

    public async Task<StorageMeasure> MeasureAsync(string orgcode, CancellationToken ct)
    {
        long bytes = 0, count = 0;
        string? token = null;
        IReadOnlyList<StateFilter> uploaded = [StateFilter.Eq("kind", RecordKind.Upload), StateFilter.Eq("status", RecordStatus.Ready)];
        do
        {
            var page = await records.ListAsync(orgcode, uploaded, Paging.MaxLimit, token, includeDoomed: true, ct: ct);
            foreach (var record in page.Items.Where(r => r.PayloadRemovedAt is null))
            {
                bytes += record.SizeBytes;
                count++;
            }
            token = page.NextToken;
        }
        while (token is not null);
        return new StorageMeasure(bytes, count);
    }
}
