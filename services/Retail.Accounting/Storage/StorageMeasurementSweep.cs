using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;

namespace Retail.Accounting.Storage;

/// <summary>
/// The scheduled measurement (UC-ACC-003): every <see cref="StorageUsageOptions.MeasureInterval"/> (daily by default, on the
/// host's <see cref="TimeProvider"/>) it pages through OFM's orgs and records what each service stores for each, as
/// <c>scheduled</c> measurements. Each holds its slot (service and the start of the period), unique, so a pass repeated
/// within a period — after a crash, or by a second instance — records nothing twice; what a failed pass left out, the next
/// takes up.
/// </summary>
public sealed class StorageMeasurementSweep(IServiceScopeFactory scopes, IOptions<StorageUsageOptions> options, TimeProvider clock,
    ILogger<StorageMeasurementSweep> logger) : PeriodicSweep(clock, logger)
{
    protected override TimeSpan Interval { get; } = options.Value.MeasureInterval;

    protected override string Name => "Storage measurement";

    protected override async Task PassAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var services = scope.ServiceProvider;
        var invoker = services.GetRequiredService<IServiceInvoker>();
        var measurer = services.GetRequiredService<StorageMeasurer>();
        var usages = services.GetRequiredService<RecordStore<StorageUsage>>();
        var slot = SlotOf(Clock.GetUtcNow(), Interval);
        var recorded = 0;
        string? token = null;
        do
        {
            var orgs = await invoker.SendAsync<OrgPage>("ofm", "/org/list", new { limit = Paging.MaxLimit, next_token = token }, new InvocationOptions(), ct);
            foreach (var org in orgs.Items)
            {
                foreach (var service in measurer.Services)
                {
                    recorded += await MeasureAsync(usages, measurer, org.Orgcode, service, slot, ct) ? 1 : 0;
                }
            }
            token = orgs.NextToken;
        }
        while (token is not null);
        logger.LogInformation("{Sweep} recorded {Count} measurements for the period from {Slot:O}", Name, recorded, slot);
    }

    private async Task<bool> MeasureAsync(RecordStore<StorageUsage> usages, StorageMeasurer measurer, string orgcode, string service,
        DateTimeOffset slot, CancellationToken ct)
    {
        var key = $"{service}|{slot.ToUnixTimeMilliseconds()}";
        if (await usages.FindAsync(orgcode, "slot", key, ct) is not null)
        {
            return false;
        }
        var measured = await measurer.MeasureAsync(service, orgcode, ct);
        var usage = new StorageUsage
        {
            StorageUsageGuid = Ids.New(),
            Service = service,
            Bytes = measured.Bytes,
            Records = measured.Records,
            Parts = measured.Parts,
            MeasuredAt = measured.MeasuredAt,
            Source = StorageSource.Scheduled,
            Slot = key,
            RecordedBy = "service:" + AccountingModule.Id,
        };
        // A duplicate slot is a pass that ran beside this one: it recorded the period already.
        return (await usages.CreateAsync(orgcode, usage, [StorageUsageApi.Recorded(orgcode, usage)], ct)).Succeeded;
    }

    /// <summary>The start of the measurement period <paramref name="now"/> falls in (periods counted from the Unix epoch).</summary>
    public static DateTimeOffset SlotOf(DateTimeOffset now, TimeSpan interval)
    {
        var ticks = interval.Ticks <= 0 ? TimeSpan.TicksPerDay : interval.Ticks;
        var since = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(since - since % ticks);
    }

    private sealed record OrgRef(string Orgcode);

    private sealed record OrgPage(IReadOnlyList<OrgRef> Items, string? NextToken);
}
