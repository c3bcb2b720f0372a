using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared.Hosting;
using Retail.Shared.State;

namespace Retail.Shared.Webhooks;

/// <summary>
/// One app's sender of due deliveries, from the deliveries' <c>due_ms</c> index across orgs: each pass reads what is due,
/// groups it by destination and sends each destination's deliveries oldest first, several destinations at a time. A
/// delivery is claimed with an ETag-checked write before it is sent, so two sweepers never send the same attempt.
/// </summary>
public sealed class WebhookDeliverySweeper(string appId, IServiceProvider services, WebhookDeliveryOptions options, TimeProvider clock,
    ILogger<WebhookDeliverySweeper> logger) : PeriodicSweep(clock, logger)
{
    /// <summary>Rounds of <see cref="WebhookDeliveryOptions.BatchSize"/> a pass takes at most; the rest waits for the next pass.</summary>
    public const int MaxRounds = 20;

    protected override TimeSpan Interval => options.SweepInterval;

    protected override string Name => $"Webhook delivery sweep ({appId})";

    protected override Task PassAsync(CancellationToken ct) => SweepOnceAsync(ct);

    /// <summary>One pass over the deliveries due now. Answers how many were looked at.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        var seen = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            IReadOnlyList<(string Orgcode, WebhookDeliveryRecord Record)> due;
            await using (var scope = services.CreateAsyncScope())
            {
                var store = Store(scope.ServiceProvider);
                due = (await store.ListAcrossOrgsAsync([StateFilter.Below("due_ms", Clock.GetUtcNow().ToUnixTimeMilliseconds(), inclusive: true)],
                    options.BatchSize, ct: ct)).Items;
            }
            if (due.Count == 0)
            {
                break;
            }
            seen += due.Count;
            var groups = due.GroupBy(d => (d.Orgcode, d.Record.Destination))
                .Select(g => (g.Key.Orgcode, g.Key.Destination, Guids: g.Select(d => d.Record.DeliveryGuid).Order(StringComparer.Ordinal).ToList()))
                .ToList();
            await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelDestinations, CancellationToken = ct },
                async (group, token) =>
                {
                    await using var scope = services.CreateAsyncScope();
                    var engine = (WebhookDeliveryEngine)scope.ServiceProvider.GetRequiredKeyedService<IWebhookDeliveries>(appId);
                    try
                    {
                        await engine.DeliverDueAsync(group.Orgcode, group.Destination, group.Guids, token);
                    }
                    catch (Exception ex) when (!token.IsCancellationRequested)
                    {
                        // One destination's trouble (its owner's lookup failing) does not hold up the others.
                        logger.LogWarning(ex, "Webhook deliveries to {Destination} of {Orgcode} failed this pass", group.Destination, group.Orgcode);
                    }
                });
            if (due.Count < options.BatchSize)
            {
                break;
            }
        }
        return seen;
    }

    private Records.RecordStore<WebhookDeliveryRecord> Store(IServiceProvider sp) =>
        new(sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(appId)), WebhookDeliveryRecord.Type, Clock,
            sp.GetRequiredService<Contract.RequestContext>(), sp.GetRequiredService<Records.PageTokens>());
}
