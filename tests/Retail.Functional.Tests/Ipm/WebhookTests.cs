using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Retail.Functional.Tests.Infrastructure;
using StandardWebhooks;

namespace Retail.Functional.Tests.Ipm;

/// <summary>UC-IPM-001 on a host with the default schedule: signed deliveries, the delivery log, replay, validation, isolation.</summary>
public sealed class WebhookTests(IpmHost host) : IClassFixture<IpmHost>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task UC_IPM_001_a_customer_created_in_crm_reaches_the_webhook_signed_with_the_secret_shown_once()
    {
        var org = await host.NewOrgAsync("whk");
        var created = await org.CreateWebhookAsync(_receiver.Url("/hooks/crm"), "customer.created");
        var secret = created.GetProperty("secret").GetString()!;
        var webhook = created.GetProperty("webhook");
        var guid = webhook.GetProperty("webhook_guid").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(24, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Equal("active", webhook.Status());

        var customer = await org.CustomerAsync();

        var request = (await _receiver.WaitForAsync(r => r.IsFor(customer))).Single();
        var headers = new HeaderDictionary();
        foreach (var (name, value) in request.Headers)
        {
            headers[name] = value;
        }
        new StandardWebhook(secret).Verify(request.Text, headers);
        Assert.Equal("/hooks/crm", request.PathAndQuery);
        var cloudEvent = request.Event();
        Assert.Equal(("1.0", "customer.created", "application/json"),
            (cloudEvent.GetProperty("specversion").GetString(), cloudEvent.GetProperty("type").GetString(), cloudEvent.GetProperty("datacontenttype").GetString()));
        Assert.Equal(customer, cloudEvent.GetProperty("data").GetProperty("customer_guid").GetString());
        Assert.False(string.IsNullOrEmpty(cloudEvent.GetProperty("id").GetString()));

        // The delivery log: one delivered delivery of that event, its attempt with status and latency.
        var deliveries = await org.DeliveriesAsync(guid, d => d.Any(x => x.Status() == "delivered"), "the delivery is logged as delivered");
        var delivery = Assert.Single(deliveries);
        Assert.Equal((cloudEvent.GetProperty("id").GetString(), "customer.created"),
            (delivery.GetProperty("event_id").GetString(), delivery.GetProperty("event_type").GetString()));
        var attempt = Assert.Single(delivery.GetProperty("attempts").EnumerateArray());
        Assert.Equal((true, 200), (attempt.GetProperty("delivered").GetBoolean(), attempt.GetProperty("status_code").GetInt32()));
        Assert.True(attempt.GetProperty("latency_ms").GetInt64() >= 0);
        var summary = (await org.WebhookAsync(guid)).GetProperty("delivery_summary");
        Assert.Equal(0, summary.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(JsonValueKind.String, summary.GetProperty("last_delivered_at").ValueKind);
    }

    [Fact]
    public async Task UC_IPM_001_the_secret_is_never_answered_again_by_get_or_list()
    {
        var org = await host.NewOrgAsync("whs");
        var created = await org.CreateWebhookAsync(_receiver.Url("/hooks/s"), "customer.*");
        var secret = created.GetProperty("secret").GetString()!;
        var guid = created.GetProperty("webhook").GetProperty("webhook_guid").GetString()!;

        using var get = await org.Post("/ipm/webhook/get", new { webhook_guid = guid, include_deliveries = true });
        using var list = await org.Post("/ipm/webhook/list", new { });

        var texts = new[] { await get.Content.ReadAsStringAsync(), await list.Content.ReadAsStringAsync() };
        Assert.All(texts, t => Assert.DoesNotContain(secret["whsec_".Length..], t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("\"secret\"", t, StringComparison.Ordinal));
        Assert.Contains(guid, texts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UC_IPM_001_only_matching_event_types_are_delivered()
    {
        var org = await host.NewOrgAsync("whm");
        var other = await org.CreateWebhookAsync(_receiver.Url("/hooks/orders"), "order.*");
        var all = await org.CreateWebhookAsync(_receiver.Url("/hooks/all"), "*");

        var customer = await org.CustomerAsync();

        await _receiver.WaitForAsync(r => r.IsFor(customer) && r.PathAndQuery == "/hooks/all");
        var otherGuid = other.GetProperty("webhook").GetProperty("webhook_guid").GetString()!;
        var allGuid = all.GetProperty("webhook").GetProperty("webhook_guid").GetString()!;
        await org.DeliveriesAsync(allGuid, d => d.Any(x => x.GetProperty("event_type").GetString() == "customer.created"), "the * webhook got it");
        Assert.Empty((await org.WebhookAsync(otherGuid, deliveries: true)).GetProperty("deliveries").GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(_receiver.Received, r => r.PathAndQuery == "/hooks/orders");
    }

    [Fact]
    public async Task UC_IPM_001_replay_sends_a_window_again_and_refuses_one_beyond_the_limit()
    {
        var org = await host.NewOrgAsync("whr");
        var created = await org.CreateWebhookAsync(_receiver.Url("/hooks/replay"), "customer.created");
        var guid = created.GetProperty("webhook").GetProperty("webhook_guid").GetString()!;
        var from = DateTimeOffset.UtcNow.AddMinutes(-5);
        var customer = await org.CustomerAsync();
        var first = (await _receiver.WaitForAsync(r => r.IsFor(customer))).Single();
        await org.DeliveriesAsync(guid, d => d.Length == 1 && d[0].Status() == "delivered", "the first delivery settled");

        var replay = await org.Post("/ipm/webhook/replay", new { webhook_guid = guid, from, to = DateTimeOffset.UtcNow.AddMinutes(1) }).Ok();

        Assert.Equal(1, replay.GetProperty("replayed").GetInt32());
        var again = await _receiver.WaitForAsync(r => r.IsFor(customer), count: 2);
        Assert.Equal(first.Headers["webhook-id"], again[1].Headers["webhook-id"]);
        Assert.Equal(first.Text, again[1].Text);
        var deliveries = await org.DeliveriesAsync(guid, d => d.Length == 2 && d.All(x => x.Status() == "delivered"), "the replay is logged");
        Assert.Equal(deliveries[1].GetProperty("delivery_guid").GetString(), deliveries[0].GetProperty("replay_of").GetString());

        await org.Post("/ipm/webhook/replay", new { webhook_guid = guid, from = DateTimeOffset.UtcNow.AddHours(-73), to = DateTimeOffset.UtcNow })
            .Problem(HttpStatusCode.UnprocessableEntity, "replay_window_exceeded");
    }

    [Fact]
    public async Task UC_IPM_001_bad_urls_and_unknown_event_types_are_refused_with_codes()
    {
        var org = await host.NewOrgAsync("whv");

        await org.Post("/ipm/webhook/create", new { url = "http://hooks.example.com/in", event_types = new[] { "customer.created" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "webhook_url_https_required");
        await org.Post("/ipm/webhook/create", new { url = "https://user:pw@hooks.example.com/in", event_types = new[] { "customer.created" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "webhook_url_credentials");
        await org.Post("/ipm/webhook/create", new { url = "https://169.254.169.254/latest/meta-data", event_types = new[] { "customer.created" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "webhook_url_address_refused");
        await org.Post("/ipm/webhook/create", new { url = "not a url", event_types = new[] { "customer.created" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "webhook_url_invalid");
        await org.Post("/ipm/webhook/create", new { url = "https://hooks.example.com/in", event_types = new[] { "customer.exploded" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_event_type");
        await org.Post("/ipm/webhook/create", new { url = "https://hooks.example.com/in", event_types = new[] { "nosuchservice.*" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_event_type");
        await org.Post("/ipm/webhook/create", new { url = "https://hooks.example.com/in", event_types = Array.Empty<string>() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/ipm/webhook/create", new { url = "https://hooks.example.com/in", event_types = new[] { "*" } })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UC_IPM_001_another_org_can_neither_see_nor_replay_nor_change_a_webhook()
    {
        var org = await host.NewOrgAsync("wha");
        var stranger = await host.NewOrgAsync("whb");
        var created = await org.CreateWebhookAsync(_receiver.Url("/hooks/a"), "customer.created");
        var guid = created.GetProperty("webhook").GetProperty("webhook_guid").GetString()!;

        await stranger.Post("/ipm/webhook/get", new { webhook_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
        await stranger.Post("/ipm/webhook/replay", new { webhook_guid = guid, from = DateTimeOffset.UtcNow.AddHours(-1), to = DateTimeOffset.UtcNow })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await stranger.Post("/ipm/webhook/status/set", new { webhook_guid = guid, status = "paused", expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
        var list = await stranger.Post("/ipm/webhook/list", new { }).Ok();
        Assert.Empty(list.GetProperty("items").EnumerateArray());

        // Nor does a stranger's customer reach it.
        var strangers = await stranger.CustomerAsync();
        var mine = await org.CustomerAsync();
        await _receiver.WaitForAsync(r => r.IsFor(mine));
        Assert.DoesNotContain(_receiver.Received, r => r.IsFor(strangers));
    }

    [Fact]
    public async Task UC_IPM_001_deleting_a_webhook_hides_it_and_moves_are_checked()
    {
        var org = await host.NewOrgAsync("whd");
        var guid = (await org.CreateWebhookAsync(_receiver.Url("/hooks/d"), "customer.created")).GetProperty("webhook").GetProperty("webhook_guid").GetString()!;

        await org.Post("/ipm/webhook/status/set", new { webhook_guid = guid, status = "disabled", expected_revision = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ipm/webhook/status/set", new { webhook_guid = guid, status = "paused" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var paused = await org.SetStatusAsync(guid, "paused");
        Assert.Equal("paused", paused.Status());
        var deleted = await org.SetStatusAsync(guid, "deleted");
        Assert.Equal("deleted", deleted.Status());

        await org.Post("/ipm/webhook/get", new { webhook_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Single(host.Factory.BusinessEvents(org.Orgcode, "webhook.created"));
        Assert.Equal(2, host.Factory.BusinessEvents(org.Orgcode, "webhook.status_changed").Count);
    }
}
