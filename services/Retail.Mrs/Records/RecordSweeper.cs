using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Json;

namespace Retail.Mrs.Records;

/// <summary>
/// Removes the bytes of doomed and expired uploaded records. The record stays (history, audit); only its payload
/// goes. Deleting bytes that are already gone is harmless, so a sweep can be repeated or interrupted.
/// </summary>
public sealed class RecordSweeper(IServiceProvider services, IBlobStore blobs, TimeProvider clock, IOptions<MrsOptions> options,
    ILogger<RecordSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Record sweep failed; it runs again in {Interval}", options.Value.SweepInterval);
            }
        }
    }

    /// <summary>One pass over every org's records; answers how many payloads were removed.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        var store = services.GetRequiredKeyedService<IStateStore>(MrsModule.Id);
        var now = clock.GetUtcNow();
        var removed = 0;
        string? token = null;
        do
        {
            var page = await store.QueryAsync(new StateQuery([StateFilter.Eq("entity", MrsRecord.Type.Entity)], [new StateSort("key")], Paging.MaxLimit, token), ct);
            foreach (var entry in page.Items)
            {
                using var stored = JsonDocument.Parse(entry.Value);
                var orgcode = stored.RootElement.GetProperty("orgcode").GetString()!;
                var record = stored.RootElement.GetProperty("data").Deserialize<MrsRecord>(RetailJson.Storage);
                if (record is { Kind: RecordKind.Upload } && !record.IsServedAt(now))
                {
                    await blobs.DeleteAsync(record.BlobKey(orgcode), ct);
                    removed++;
                }
            }
            token = page.Token;
        }
        while (token is not null);
        return removed;
    }
}
