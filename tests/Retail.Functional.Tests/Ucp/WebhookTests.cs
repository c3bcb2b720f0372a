using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// UC-UCP-005/006 on a host with a retry schedule of fractions of a second: a platform's order webhook is set, tested and
/// receives its orders' SCM events signed (HMAC header, Content-Digest, detached ES256 JWS with the published key), is
/// paused after 10 failures in a row and re-enabled, and stops when its platform is revoked.
/// </summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private RetailHostFactory _factory = null!;
    private HttpClient _operator = null!;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync()
    {
        _factory = ServiceHost.Start([.. RetailHostFactory.Orgs, "ucp"]);
        _factory.Settings["Retail:Webhooks:RetrySchedule"] = string.Join(',', Enumerable.Repeat("00:00:00.05", 14));
        _factory.Settings["Retail:Webhooks:Jitter"] = "0";
        _factory.Settings["Retail:Webhooks:SweepInterval"] = "00:00:00.05";
        _factory.Settings["Retail:Webhooks:HeldRecheck"] = "00:00:00.1";
        _operator = _factory.CreateOperatorClient();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _operator.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<(string Orgcode, TestUser Admin, TestUser Viewer, string PlatformGuid)> PlatformAsync(string prefix)
    {
        var (orgcode, owner, _, viewer) = await _factory.StaffedOrg(_operator, prefix);
        var platformGuid = await UcpWebhookPlatforms.RegisterAsync(_factory, owner, orgcode);
        return (orgcode, owner, viewer, platformGuid);
    }

    [Fact]
    public async Task UC_UCP_005_config_set_then_test_delivery_arrives_signed_with_the_hmac_secret_the_digest_and_the_published_key()
    {
        var (orgcode, admin, viewer, platform) = await PlatformAsync("uwh");
        var set = await admin.SetWebhookAsync(orgcode, platform, _receiver.Url("/ucp/test"), ["order.placed", "fulfillment.delivered"]);
        var secret = set.GetProperty("secret").GetString()!;
        var config = set.GetProperty("config");
        Assert.Equal("active", config.GetProperty("status").GetString());
        Assert.Equal(1, config.GetProperty("revision").GetInt64());
        Assert.StartsWith(config.GetProperty("secret_hint").GetString()!.TrimEnd('…'), secret);

        var test = await admin.Client.Post("/ucp/webhook/test", new { platform_guid = platform }, orgcode).Ok();
        Assert.True(test.GetProperty("delivered").GetBoolean());
        Assert.Equal(200, test.GetProperty("status_code").GetInt32());

        var received = Assert.Single(await _receiver.WaitForAsync(r => r.PathAndQuery == "/ucp/test"));
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("webhook.test", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(test.GetProperty("event_id").GetString(), body.RootElement.GetProperty("id").GetString());
        WebhookSteps.AssertSigned(received, secret, await UcpWebhookPlatforms.JwksAsync(_factory, orgcode));

        // The secret is answered once: neither a read nor a later set carries it.
        var read = await viewer.WebhookAsync(orgcode, platform);
        Assert.False(read.TryGetProperty("secret", out _));
        Assert.Equal(0, read.GetProperty("delivery_summary").GetProperty("consecutive_failures").GetInt32());
        var again = await admin.SetWebhookAsync(orgcode, platform, _receiver.Url("/ucp/test2"), ["order.placed"], expectedRevision: 1);
        Assert.Equal(JsonValueKind.Null, again.GetProperty("secret").ValueKind);
        Assert.Equal(2, again.GetProperty("config").GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task UC_UCP_005_config_set_refuses_what_it_cannot_take()
    {
        var (orgcode, admin, viewer, platform) = await PlatformAsync("uwv");
        var url = _receiver.Url("/ucp/v").ToString();
        await admin.Client.Post("/ucp/webhook/config/set", new { platform_guid = platform, url, event_types = new[] { "customer.created" } }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_event_type");
        await admin.Client.Post("/ucp/webhook/config/set", new { platform_guid = platform, url, event_types = Array.Empty<string>() }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await admin.Client.Post("/ucp/webhook/config/set", new { platform_guid = Guid.NewGuid().ToString(), url, event_types = new[] { "order.placed" } }, orgcode)
            .Problem(HttpStatusCode.NotFound, "not_found");
        await viewer.Client.Post("/ucp/webhook/config/set", new { platform_guid = platform, url, event_types = new[] { "order.placed" } }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await admin.SetWebhookAsync(orgcode, platform, new Uri(url), ["order.placed"]);
        await admin.Client.Post("/ucp/webhook/config/set", new { platform_guid = platform, url, event_types = new[] { "order.placed" } }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await admin.Client.Post("/ucp/webhook/config/set", new { platform_guid = platform, url, event_types = new[] { "order.placed" }, expected_revision = 7 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
    }

    [Fact]
    public async Task UC_UCP_005_an_event_of_an_order_placed_through_the_platform_is_delivered_signed_and_only_its_types_and_orders()
    {
        var (orgcode, admin, _, platform) = await PlatformAsync("uwo");
        var secret = (await admin.SetWebhookAsync(orgcode, platform, _receiver.Url("/ucp/orders"), ["order.placed"])).GetProperty("secret").GetString()!;
        var ours = Guid.NewGuid().ToString();
        var notOurs = Guid.NewGuid().ToString();
        await _factory.LinkOrderAsync(orgcode, ours, platform);

        await _factory.PublishOrderEventAsync(orgcode, "order.placed", notOurs);
        await _factory.PublishOrderEventAsync(orgcode, "order.created", ours); // a type the config does not receive
        var eventId = await _factory.PublishOrderEventAsync(orgcode, "order.placed", ours);
        await _factory.PublishOrderEventAsync(orgcode, "order.placed", ours, eventId); // redelivered: still one delivery

        var received = Assert.Single(await _receiver.WaitForAsync(r => r.PathAndQuery == "/ucp/orders"));
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("order.placed", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(eventId, body.RootElement.GetProperty("id").GetString());
        Assert.Equal(ours, body.RootElement.GetProperty("data").GetProperty("order_guid").GetString());
        WebhookSteps.AssertSigned(received, secret, await UcpWebhookPlatforms.JwksAsync(_factory, orgcode));

        // A later event of our order arrives after the earlier ones were handled: nothing else was sent in between.
        var marker = await _factory.PublishOrderEventAsync(orgcode, "order.placed", ours);
        await _receiver.WaitForAsync(r => r.PathAndQuery == "/ucp/orders" && r.Text.Contains(marker), 1);
        Assert.Equal(2, _receiver.Received.Count(r => r.PathAndQuery == "/ucp/orders"));
    }

    [Fact]
    public async Task UC_UCP_006_ten_failures_in_a_row_pause_the_webhook_and_re_enabling_sends_what_waited()
    {
        var (orgcode, admin, viewer, platform) = await PlatformAsync("uwp");
        var down = true;
        _receiver.Respond(r => r.PathAndQuery == "/ucp/down" && Volatile.Read(ref down)
            ? (HttpStatusCode.ServiceUnavailable, "down", TimeSpan.Zero)
            : (HttpStatusCode.OK, null, TimeSpan.Zero));
        await admin.SetWebhookAsync(orgcode, platform, _receiver.Url("/ucp/down"), ["order.placed"]);
        var order = Guid.NewGuid().ToString();
        await _factory.LinkOrderAsync(orgcode, order, platform);
        var eventId = await _factory.PublishOrderEventAsync(orgcode, "order.placed", order);

        await Waits.UntilAsync(async () => (await viewer.WebhookAsync(orgcode, platform)).GetProperty("status").GetString() == "paused",
            "the webhook is paused after its failures");
        var paused = await viewer.WebhookAsync(orgcode, platform);
        Assert.Contains("10 failed deliveries in a row", paused.GetProperty("status_reason").GetString());
        Assert.Equal(10, paused.GetProperty("delivery_summary").GetProperty("consecutive_failures").GetInt32());
        var attempts = _receiver.Received.Count(r => r.PathAndQuery == "/ucp/down");
        Assert.Equal(10, attempts);
        Assert.All(_receiver.Received.Where(r => r.PathAndQuery == "/ucp/down"), r => Assert.Contains(eventId, r.Text));

        Volatile.Write(ref down, false);
        var resumed = await admin.SetWebhookAsync(orgcode, platform, _receiver.Url("/ucp/down"), ["order.placed"],
            paused.GetProperty("revision").GetInt64(), "active");
        Assert.Equal("active", resumed.GetProperty("config").GetProperty("status").GetString());
        await _receiver.WaitForAsync(r => r.PathAndQuery == "/ucp/down", attempts + 1);
        await Waits.UntilAsync(async () => (await viewer.WebhookAsync(orgcode, platform)).GetProperty("delivery_summary")
            .GetProperty("consecutive_failures").GetInt32() == 0, "the delivery went through after re-enabling");
    }

    [Fact]
    public async Task UC_UCP_005_a_revoked_platform_gets_no_more_deliveries()
    {
        var (orgcode, admin, viewer, platform) = await PlatformAsync("uwr");
        _receiver.Respond(r => r.PathAndQuery == "/ucp/revoked" ? (HttpStatusCode.ServiceUnavailable, null, TimeSpan.Zero) : (HttpStatusCode.OK, null, TimeSpan.Zero));
        await admin.SetWebhookAsync(orgcode, platform, _receiver.Url("/ucp/revoked"), ["order.placed"]);
        var order = Guid.NewGuid().ToString();
        await _factory.LinkOrderAsync(orgcode, order, platform);
        await _factory.PublishOrderEventAsync(orgcode, "order.placed", order);
        // Its endpoint keeps failing until the webhook pauses: the delivery waits, pending.
        await Waits.UntilAsync(async () => (await viewer.WebhookAsync(orgcode, platform)).GetProperty("status").GetString() == "paused",
            "the webhook is paused with a delivery waiting");
        Assert.Equal(["pending"], await WebhookSteps.DeliveriesAsync(_factory, orgcode, platform));

        await UcpWebhookPlatforms.RevokeAsync(_factory, admin, orgcode, platform);

        await Waits.UntilAsync(async () => (await viewer.WebhookAsync(orgcode, platform)).GetProperty("status").GetString() == "revoked",
            "the webhook stops with its platform");
        // The waiting delivery is cancelled, and an event after the revocation stages nothing.
        await Waits.UntilAsync(async () => (await WebhookSteps.DeliveriesAsync(_factory, orgcode, platform)).All(d => d == "cancelled"),
            "the pending delivery is cancelled");
        await _factory.PublishOrderEventAsync(orgcode, "order.placed", order);
        await WebhookSteps.DrainedAsync(_factory);
        Assert.Equal(["cancelled"], await WebhookSteps.DeliveriesAsync(_factory, orgcode, platform));
        await admin.Client.Post("/ucp/webhook/test", new { platform_guid = platform }, orgcode).Problem(HttpStatusCode.UnprocessableEntity, "platform_revoked");
    }
}
