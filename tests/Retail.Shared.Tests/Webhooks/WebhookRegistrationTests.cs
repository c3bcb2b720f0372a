using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Retail.Shared.Contract;
using Retail.Shared.Records;
using Retail.Shared.State;
using Retail.Shared.Tests.Embedded;
using Retail.Shared.Webhooks;

namespace Retail.Shared.Tests.Webhooks;

/// <summary>The engine as a service mounts it: keyed by app id, one sweeper per app, options from <c>Retail:Webhooks</c>.</summary>
public sealed class WebhookRegistrationTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();

    [Fact]
    public async Task each_app_gets_its_own_engine_and_sweeper_and_the_sweeper_sends_what_is_due()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sender = new RecordingSender();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retail:PageTokenKey"] = "registration-test",
            ["Retail:Webhooks:RetrySchedule"] = "00:00:00,00:00:01",
            ["Retail:Webhooks:AllowedAddresses"] = "127.0.0.1",
        }).Build());
        services.AddSingleton<TimeProvider>(clock);
        services.AddScoped<RequestContext>();
        services.AddSingleton<IOperatorKeyProvider, NoOperatorKey>();
        services.AddSingleton<IWebhookSender>(sender);
        foreach (var app in new[] { "one", "two" })
        {
            services.AddKeyedSingleton<IStateStore>(StateStoreKeys.Records(app), (_, _) => _dir.OpenStore(app, clock));
            services.AddKeyedSingleton<IDeliveryDestinations>(app, (_, _) => new OneDestination());
            services.AddWebhookDeliveries(app);
        }
        await using var provider = services.BuildServiceProvider();
        foreach (var app in new[] { "one", "two" })
        {
            var store = provider.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(app));
            await store.EnsureIndexesAsync([.. RecordStore<Retail.Shared.Records.Record>.BuiltInIndexes, .. WebhookDeliveryRecord.Type.StateIndexes(),
                .. WebhookAttemptRecord.Type.StateIndexes()], Ct);
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            var engine = scope.ServiceProvider.GetRequiredKeyedService<IWebhookDeliveries>("one");
            var batch = new RecordBatch();
            engine.Enqueue(batch, "org1", new DestinationRef("webhook", "a"),
                new WebhookMessage("evt-1", "customer.created", Encoding.UTF8.GetBytes("{}"), clock.GetUtcNow()));
            Assert.True((await batch.CommitAsync(Ct)).Succeeded);
        }
        var sweepers = provider.GetServices<IHostedService>().OfType<WebhookDeliverySweeper>().ToList();
        foreach (var sweeper in sweepers)
        {
            await sweeper.SweepOnceAsync(Ct);
        }

        Assert.Equal(2, sweepers.Count);
        Assert.Equal("customer.created", Assert.Single(sender.Sent).EventType);
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookDeliveryOptions>>().Get("two");
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1)], options.Delays());
        Assert.True(options.AddressPolicy.Allows(System.Net.IPAddress.Loopback));
    }

    public void Dispose() => _dir.Dispose();

    private sealed class RecordingSender : IWebhookSender
    {
        private readonly ConcurrentQueue<WebhookDelivery> _sent = new();

        public IReadOnlyList<WebhookDelivery> Sent => [.. _sent];

        public Task<WebhookResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
        {
            _sent.Enqueue(delivery);
            return Task.FromResult(new WebhookResult(true, 204, null, 1));
        }
    }

    private sealed class OneDestination : IDeliveryDestinations
    {
        public Task<DeliveryDestination?> GetAsync(string orgcode, DestinationRef destination, CancellationToken ct = default) =>
            Task.FromResult<DeliveryDestination?>(new DeliveryDestination(new Uri("https://example.com/in"), "whsec_" + Convert.ToBase64String(new byte[24]), true));

        public Task OnAttemptAsync(string orgcode, DestinationRef destination, WebhookAttemptResult attempt, int consecutiveFailures, CancellationToken ct = default) =>
            Task.CompletedTask;
    }

    private sealed class NoOperatorKey : IOperatorKeyProvider
    {
        public ValueTask<string?> GetOperatorKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
    }
}
