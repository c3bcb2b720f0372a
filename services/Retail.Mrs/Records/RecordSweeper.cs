using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;

namespace Retail.Mrs.Records;

/// <summary>
/// Removes the bytes of doomed and expired uploaded records. The record stays (history, audit); only its payload
/// goes. Deleting bytes that are already gone is harmless, so a sweep can be repeated or interrupted.
/// </summary>
public sealed class RecordSweeper(IServiceProvider services, IBlobStore blobs, TimeProvider clock, IOptions<MrsOptions> options,
    ILogger<RecordSweeper> logger) : PeriodicSweep(clock, logger)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string Name => "Record sweep";

    protected override Task PassAsync(CancellationToken ct) => SweepOnceAsync(ct);

    /// <summary>
    /// One pass over the uploads whose payload is due for removal (doomed or expired), read from the index of due times;
    /// each removal is marked on its record, so the next pass does not see it again. Answers how many payloads were removed.
    /// </summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<RecordStore<MrsRecord>>();
        var now = Clock.GetUtcNow();
        var removed = 0;
        string? token = null;
        do
        {
            var page = await store.ListAcrossOrgsAsync([StateFilter.Below("sweep_at", now.ToUnixTimeMilliseconds(), inclusive: true)],
                Paging.MaxLimit, token, includeDoomed: true, ct: ct);
            foreach (var (orgcode, due) in page.Items)
            {
                await blobs.DeleteAsync(due.BlobKey(orgcode), ct);
                removed++;
                // A record changed meanwhile (restored TTL, a tag) is simply seen again on the next pass if still due.
                if (await store.GetAsync(orgcode, due.RecordGuid, includeDoomed: true, ct) is { } current && current.Record.Revision == due.Revision)
                {
                    await store.UpdateAsync(orgcode, current, current.Record with { PayloadRemovedAt = now }, "updated", ct: ct);
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        return removed;
    }
}
