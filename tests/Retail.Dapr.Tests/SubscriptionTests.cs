using System.Text.Json;

namespace Retail.Dapr.Tests;

/// <summary>What the sidecar reads from <c>/dapr/subscribe</c>: the same endpoint metadata the embedded bus delivers by.</summary>
public sealed class SubscriptionTests : IAsyncLifetime
{
    private DaprModeHost host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => host = await DaprModeHost.StartAsync("ipm", "subscription-test-key");

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task the_cdc_feed_and_the_catalog_projections_subscribe_in_bulk_and_other_subscribers_one_message_at_a_time()
    {
        var answer = await host.Client.GetAsync("/dapr/subscribe", Ct);
        answer.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
        var subscriptions = document.RootElement.EnumerateArray().ToList();

        var cdc = Assert.Single(subscriptions, s => s.GetProperty("topic").GetString() == "cdc"
            && Route(s).EndsWith("ipm/events/ipm-cdc", StringComparison.Ordinal));
        var bulk = cdc.GetProperty("bulkSubscribe");
        Assert.True(bulk.GetProperty("enabled").GetBoolean());
        Assert.Equal(Retail.Ipm.Cdc.CdcSubscriber.MaxBulkEntries, bulk.GetProperty("maxMessagesCount").GetInt32());
        // PVM's variant and style events, kept by ICS's and PPM's projections: a batch a commit.
        string[] catalog = ["pvm.variant.created", "pvm.variant.updated", "pvm.variant.status_changed", "pvm.style.changed"];
        var projections = subscriptions.Where(s => catalog.Contains(s.GetProperty("topic").GetString())).ToList();
        Assert.Equal(catalog.Order(StringComparer.Ordinal), projections.Select(s => s.GetProperty("topic").GetString()!).Distinct().Order(StringComparer.Ordinal));
        Assert.All(projections, s =>
        {
            Assert.Matches("^(ics|ppm)/events/pvm-(variant|style)$", Route(s));
            Assert.True(s.GetProperty("bulkSubscribe").GetProperty("enabled").GetBoolean());
            Assert.Equal(Retail.Shared.Events.OrgEventBatches.MaxEntries, s.GetProperty("bulkSubscribe").GetProperty("maxMessagesCount").GetInt32());
        });
        Assert.All(subscriptions.Where(s => s.GetProperty("topic").GetString() != "cdc" && !catalog.Contains(s.GetProperty("topic").GetString())), s =>
            Assert.False(s.TryGetProperty("bulkSubscribe", out var other) && other.ValueKind == JsonValueKind.Object
                && other.GetProperty("enabled").GetBoolean(), s.ToString()));
    }

    /// <summary>A subscription's route: <c>route</c>, or the default of its <c>routes</c> rules.</summary>
    private static string Route(JsonElement subscription) =>
        subscription.TryGetProperty("route", out var route) && route.ValueKind == JsonValueKind.String ? route.GetString()!
        : subscription.TryGetProperty("routes", out var routes) && routes.TryGetProperty("default", out var fallback) ? fallback.GetString() ?? ""
        : "";
}
