using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ipm;

/// <summary>
/// UC-IPM-001 on a host with a schedule of fractions of a second (Settings), so retries, the failure run and held
/// deliveries play out in a test: what the receiver gets and what the delivery log shows.
/// </summary>
public sealed class WebhookRetryTests : IAsyncLifetime
{
    private RetailHostFactory _factory = null!;
    private HttpClient _operator = null!;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync()
    {
        _factory = IpmHost.Start();
        _factory.Settings["Retail:Webhooks:RetrySchedule"] = "00:00:00,00:00:00.2,00:00:00.2,00:00:00.2,00:00:00.2,00:00:00.2";
        _factory.Settings["Retail:Webhooks:SweepInterval"] = "00:00:00.1";
        _factory.Settings["Retail:Webhooks:HeldRecheck"] = "00:00:00.2";
        _factory.Settings["Retail:Webhooks:DisableAfterFailures"] = "3";
        _operator = _factory.CreateOperatorClient();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _operator.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task UC_IPM_001_a_delivery_answered_500_is_retried_until_the_endpoint_answers_200()
    {
        var org = await IpmHost.NewOrgAsync(_factory, _operator, "whx");
        var guid = (await org.CreateWebhookAsync(_receiver.Url("/hooks/flaky"), "customer.created")).GetProperty("webhook").GetProperty("webhook_guid").GetString()!;
        var failures = 0;
        _receiver.Respond(r => r.PathAndQuery == "/hooks/flaky" && Interlocked.Increment(ref failures) == 1
            ? (HttpStatusCode.InternalServerError, "upstream exploded", TimeSpan.Zero)
            : (HttpStatusCode.OK, null, TimeSpan.Zero));

        var customer = await org.CustomerAsync();

        var requests = await _receiver.WaitForAsync(r => r.IsFor(customer), count: 2);
        Assert.Equal(requests[0].Headers["webhook-id"], requests[1].Headers["webhook-id"]);
        var delivery = Assert.Single(await org.DeliveriesAsync(guid, d => d.Any(x => x.Status() == "delivered"), "the retry delivered"));
        var attempts = delivery.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([500, 200], attempts.Select(a => a.GetProperty("status_code").GetInt32()));
        Assert.Equal("upstream exploded", attempts[0].GetProperty("response_excerpt").GetString());
        Assert.Equal("HTTP 500", attempts[0].GetProperty("error").GetString());
        Assert.Equal(2, delivery.GetProperty("attempt_count").GetInt32());
    }

    [Fact]
    public async Task UC_IPM_001_a_run_of_failures_disables_the_webhook_with_a_reason_and_an_event_and_re_enabling_sends_what_waited()
    {
        var org = await IpmHost.NewOrgAsync(_factory, _operator, "whf");
        var guid = (await org.CreateWebhookAsync(_receiver.Url("/hooks/down"), "customer.created")).GetProperty("webhook").GetProperty("webhook_guid").GetString()!;
        var down = true;
        _receiver.Respond(r => r.PathAndQuery == "/hooks/down" && Volatile.Read(ref down)
            ? (HttpStatusCode.ServiceUnavailable, null, TimeSpan.Zero)
            : (HttpStatusCode.OK, null, TimeSpan.Zero));

        var customer = await org.CustomerAsync();

        await Waits.UntilAsync(async () => (await org.WebhookAsync(guid)).Status() == "disabled", "the webhook is disabled");
        var webhook = await org.WebhookAsync(guid, deliveries: true);
        Assert.Contains("3 consecutive failed", webhook.GetProperty("disabled_reason").GetString());
        Assert.Equal(3, webhook.GetProperty("delivery_summary").GetProperty("consecutive_failures").GetInt32());
        var delivery = Assert.Single(webhook.GetProperty("deliveries").GetProperty("items").EnumerateArray());
        Assert.Equal("pending", delivery.Status());
        Assert.All(delivery.GetProperty("attempts").EnumerateArray(), a => Assert.Equal(503, a.GetProperty("status_code").GetInt32()));
        var disabled = Assert.Single(_factory.BusinessEvents(org.Orgcode, "webhook.disabled"));
        Assert.Equal(guid, disabled.GetProperty("webhook_guid").GetString());

        // The owner (by default the member who created it) finds an item about it in IPM's inbox, named by the event.
        var inbox = await org.Post("/ipm/inbox/list", new { assignee = new { kind = "member", id = org.Owner.UserGuid }, state = "open" }).Ok();
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(("webhook", guid, "high"), (item.Str("subject_entity"), item.Str("subject_key"), item.Str("priority")));
        Assert.Contains("3 consecutive failed", item.Str("body"), StringComparison.Ordinal);
        Assert.Equal(item.Str("inbox_item_guid"), disabled.GetProperty("inbox_item_guid").GetString());
        var seen = await org.Post("/ipm/inbox/state", new { inbox_item_guid = item.Str("inbox_item_guid"), state = "acknowledged", expected_revision = 1 }).Ok();
        Assert.Equal("acknowledged", seen.Str("state"));

        Volatile.Write(ref down, false);
        var active = await org.SetStatusAsync(guid, "active");

        Assert.Equal(JsonValueKindNull, active.GetProperty("disabled_reason").ValueKind);
        await _receiver.WaitForAsync(r => r.IsFor(customer), count: 4);
        await org.DeliveriesAsync(guid, d => d.Single().Status() == "delivered", "the waiting delivery went once re-enabled");
        Assert.Equal(0, (await org.WebhookAsync(guid)).GetProperty("delivery_summary").GetProperty("consecutive_failures").GetInt32());
    }

    [Fact]
    public async Task UC_IPM_001_a_paused_webhook_holds_its_deliveries_and_sends_them_when_active_again()
    {
        var org = await IpmHost.NewOrgAsync(_factory, _operator, "whp");
        var guid = (await org.CreateWebhookAsync(_receiver.Url("/hooks/paused"), "customer.created")).GetProperty("webhook").GetProperty("webhook_guid").GetString()!;
        await org.SetStatusAsync(guid, "paused");

        var customer = await org.CustomerAsync();

        var held = Assert.Single(await org.DeliveriesAsync(guid, d => d.Length == 1, "the event is queued for the paused webhook"));
        Assert.Equal(("pending", 0), (held.Status(), held.GetProperty("attempt_count").GetInt32()));
        Assert.DoesNotContain(_receiver.Received, r => r.IsFor(customer));

        await org.SetStatusAsync(guid, "active");

        await _receiver.WaitForAsync(r => r.IsFor(customer));
        await org.DeliveriesAsync(guid, d => d.Single().Status() == "delivered", "the held delivery was sent");
    }

    [Fact]
    public async Task UC_IPM_001_deleting_a_webhook_cancels_its_queued_deliveries()
    {
        var org = await IpmHost.NewOrgAsync(_factory, _operator, "whc");
        var guid = (await org.CreateWebhookAsync(_receiver.Url("/hooks/gone"), "customer.created")).GetProperty("webhook").GetProperty("webhook_guid").GetString()!;
        await org.SetStatusAsync(guid, "paused");
        var customer = await org.CustomerAsync();
        await org.DeliveriesAsync(guid, d => d.Length == 1, "the event is queued");

        await org.SetStatusAsync(guid, "deleted");

        await org.Post("/ipm/webhook/get", new { webhook_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain(_receiver.Received, r => r.IsFor(customer));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
