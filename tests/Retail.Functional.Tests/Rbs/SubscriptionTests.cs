using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Rbs.Subscriptions;
using Retail.Shared.Webhooks;

namespace Retail.Functional.Tests.Rbs;

/// <summary>
/// RBS subscriptions over HTTP (UC-RBS-001, UC-RBS-002) against the real delivery engine and a real partner endpoint on the
/// loopback address: challenge verification, signed test events, CRM events fanned out by topic and filter, a new URL
/// verified again, pause holding deliveries, unregister cancelling them, tenant isolation and the validation codes.
/// </summary>
public sealed class SubscriptionTests(RbsHost host) : IClassFixture<RbsHost>
{
    private static object Filter(string field, string value) => new { field, value };

    [Fact]
    public async Task UC_RBS_001_a_verified_subscription_gets_a_signed_test_event_and_only_the_crm_events_its_filters_match()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.EchoChallenges();
        var org = await host.NewOrgAsync();

        var registered = await org.Register(receiver.Url("/lovelace"), ["customer.*"], [Filter("family_name", "Lovelace")]).Ok(HttpStatusCode.Created);
        var secret = registered.Str("secret");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var pending = registered.GetProperty("subscription");
        Assert.Equal(("pending_verification", 1L), (pending.Str("status"), pending.Long("revision")));
        // The bus fans this org's events out to RBS from now on; an org without a subscription costs RBS no delivery.
        var interest = host.Factory.Services.GetRequiredService<SubscriptionInterest>();
        await Waits.UntilAsync(() => interest.Loaded, "the orgs holding subscriptions are read at start");
        Assert.True(interest.Wants(org.Orgcode));
        Assert.False(interest.Wants((await host.NewOrgAsync()).Orgcode));
        await org.Post("/rbs/subscription/test", new { subscription_guid = pending.Str("subscription_guid") })
            .Problem(HttpStatusCode.UnprocessableEntity, "subscription_not_verified");

        var lovelace = await org.Verify(pending).Ok();
        Assert.Equal("active", lovelace.Str("status"));
        Assert.NotEqual(JsonValueKind.Null, lovelace.GetProperty("verified_at").ValueKind);
        var challenge = Assert.Single(receiver.Received, r => SubscriptionSteps.Type(r) == "rbs.subscription.verification");
        SubscriptionSteps.VerifySignature(challenge, secret);

        // The secret is answered once: never by get or list.
        var read = await org.Post(org.Viewer, "/rbs/subscription/get", new { subscription_guid = lovelace.Str("subscription_guid") });
        Assert.DoesNotContain(secret, await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var listed = await org.Post(org.Viewer, "/rbs/subscription/list", new { status = "active" });
        Assert.DoesNotContain(secret, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var test = await org.Post("/rbs/subscription/test", new { subscription_guid = lovelace.Str("subscription_guid") }).Ok();
        Assert.True(test.GetProperty("delivered").GetBoolean());
        Assert.Equal(200, test.GetProperty("status_code").GetInt32());
        Assert.True(test.GetProperty("latency_ms").GetInt64() >= 0);
        var testEvent = Assert.Single(receiver.Received, r => SubscriptionSteps.Type(r) == "rbs.subscription.test");
        SubscriptionSteps.VerifySignature(testEvent, secret);
        Assert.ThrowsAny<Exception>(() => SubscriptionSteps.VerifySignature(testEvent, "whsec_" + Convert.ToBase64String(new byte[32])));

        var (hopper, hopperSecret) = await org.Active(receiver.Url("/hopper"), ["customer.created"], [Filter("family_name", "Hopper")]);

        var ada = await org.Post(org.Clerk, "/crm/customer/create", new { email = "ada@example.com", given_name = "Ada", family_name = "Lovelace" })
            .Ok(HttpStatusCode.Created);
        var grace = await org.Post(org.Clerk, "/crm/customer/create", new { email = "grace@example.com", given_name = "Grace", family_name = "Hopper" })
            .Ok(HttpStatusCode.Created);

        var toLovelace = (await receiver.WaitForAsync(r => r.PathAndQuery == "/lovelace" && SubscriptionSteps.Type(r) == "customer.created")).Single();
        var toHopper = (await receiver.WaitForAsync(r => r.PathAndQuery == "/hopper" && SubscriptionSteps.Type(r) == "customer.created")).Single();
        SubscriptionSteps.VerifySignature(toLovelace, secret);
        SubscriptionSteps.VerifySignature(toHopper, hopperSecret);
        var cloudEvent = SubscriptionSteps.Json(toLovelace);
        Assert.Equal(("1.0", org.Orgcode), (cloudEvent.Str("specversion"), cloudEvent.Str("orgcode")));
        Assert.Equal(ada.Str("customer_guid"), cloudEvent.GetProperty("data").Str("customer_guid"));
        Assert.Equal(grace.Str("customer_guid"), SubscriptionSteps.Json(toHopper).GetProperty("data").Str("customer_guid"));

        // Each event is fanned out once, to every matching subscription in one batch: Grace's event staged nothing for
        // the Lovelace filter, and Ada's nothing for the Hopper one.
        Assert.Single(await host.DeliveriesAsync(org.Orgcode, lovelace), d => d.EventType == "customer.created");
        Assert.Single(await host.DeliveriesAsync(org.Orgcode, hopper), d => d.EventType == "customer.created");

        var state = await org.Get(lovelace);
        Assert.Equal(0, state.GetProperty("consecutive_failures").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, state.GetProperty("last_delivered_at").ValueKind);
        Assert.Single(host.Factory.OutboxEvents("rbs", org.Orgcode, "subscription.verified"), e => e.Str("subscription_guid") == lovelace.Str("subscription_guid"));
    }

    [Fact]
    public async Task UC_RBS_001_a_wrong_echo_or_a_500_leaves_the_subscription_pending_with_the_reason_and_nothing_is_delivered_to_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var org = await host.NewOrgAsync();
        var registered = await org.Register(receiver.Url("/p"), ["customer.created"]).Ok(HttpStatusCode.Created);
        var pending = registered.GetProperty("subscription");

        receiver.Respond(HttpStatusCode.OK, """{"challenge":"not-it"}""");
        var wrong = await org.Verify(pending).Problem(HttpStatusCode.UnprocessableEntity, "verification_failed");
        Assert.Equal("wrong_echo", wrong.Str("reason"));
        var afterWrong = await org.Get(pending);
        Assert.Equal(("pending_verification", "wrong_echo"), (afterWrong.Str("status"), afterWrong.GetProperty("last_verification").Str("reason")));

        receiver.Respond(r => (HttpStatusCode.InternalServerError, SubscriptionSteps.Challenge(r), TimeSpan.Zero));
        var failed = await org.Verify(afterWrong).Problem(HttpStatusCode.UnprocessableEntity, "verification_failed");
        Assert.Equal(("http_500", 500), (failed.Str("reason"), failed.GetProperty("status_code").GetInt32()));

        // Pending: a CRM event stages nothing for it.
        await org.Post(org.Clerk, "/crm/customer/create", new { email = "p1@example.com", given_name = "Pat", family_name = "Pending" }).Ok(HttpStatusCode.Created);

        receiver.Respond(r => (HttpStatusCode.OK, SubscriptionSteps.Challenge(r), TimeSpan.Zero)); // the plain value is an echo too
        var active = await org.Verify(await org.Get(pending)).Ok();
        Assert.Equal("active", active.Str("status"));
        Assert.DoesNotContain(await host.DeliveriesAsync(org.Orgcode, active), d => d.EventType == "customer.created");
        await org.Verify(active).Problem(HttpStatusCode.UnprocessableEntity, "already_verified");
    }

    [Fact]
    public async Task UC_RBS_002_a_new_url_is_verified_again_pause_holds_deliveries_until_resumed_and_unregister_cancels_what_is_queued()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.EchoChallenges();
        var org = await host.NewOrgAsync();
        var (subscription, _) = await org.Active(receiver.Url("/old"), ["customer.created"]);

        var moved = await org.Post("/rbs/subscription/update", new
        {
            subscription_guid = subscription.Str("subscription_guid"),
            expected_revision = subscription.Long("revision"),
            url = receiver.Url("/new").ToString(),
            description = "moved",
        }).Ok();
        Assert.Equal(("pending_verification", JsonValueKind.Null), (moved.Str("status"), moved.GetProperty("verified_at").ValueKind));
        await org.SetStatus(moved, "paused").Problem(HttpStatusCode.UnprocessableEntity, "subscription_not_verified");
        var active = await org.Verify(moved).Ok();
        Assert.Single(receiver.Received, r => r.PathAndQuery == "/new" && SubscriptionSteps.Type(r) == "rbs.subscription.verification");

        var paused = await org.SetStatus(active, "paused").Ok();
        Assert.Equal("paused", paused.Str("status"));
        var held = await org.Post(org.Clerk, "/crm/customer/create", new { email = "held@example.com", given_name = "Hal", family_name = "Held" })
            .Ok(HttpStatusCode.Created);
        var staged = await host.StagedAsync(org.Orgcode, paused, "customer.created");
        Assert.Equal(DeliveryStatus.Pending, staged.Status);
        Assert.DoesNotContain(receiver.Received, r => SubscriptionSteps.Type(r) == "customer.created");

        await org.SetStatus(await org.Get(paused), "active").Ok();
        var delivered = (await receiver.WaitForAsync(r => r.PathAndQuery == "/new" && SubscriptionSteps.Type(r) == "customer.created",
            timeout: TimeSpan.FromSeconds(60))).Single();
        Assert.Equal(held.Str("customer_guid"), SubscriptionSteps.Json(delivered).GetProperty("data").Str("customer_guid"));

        var pausedAgain = await org.SetStatus(await org.Get(active), "paused").Ok();
        await org.Post(org.Clerk, "/crm/customer/create", new { email = "queued@example.com", given_name = "Quinn", family_name = "Queued" })
            .Ok(HttpStatusCode.Created);
        var queued = await host.StagedAsync(org.Orgcode, pausedAgain, "customer.created", d => d.Status == DeliveryStatus.Pending);
        var gone = await org.Post("/rbs/subscription/unregister", new
        {
            subscription_guid = pausedAgain.Str("subscription_guid"),
            expected_revision = pausedAgain.Long("revision"),
        }).Ok();
        Assert.Equal("unregistered", gone.Str("status"));
        Assert.Equal(DeliveryStatus.Cancelled, (await host.DeliveriesAsync(org.Orgcode, gone)).Single(d => d.DeliveryGuid == queued.DeliveryGuid).Status);
        await org.Post("/rbs/subscription/test", new { subscription_guid = gone.Str("subscription_guid") })
            .Problem(HttpStatusCode.UnprocessableEntity, "subscription_unregistered");
        await org.SetStatus(gone, "active").Problem(HttpStatusCode.UnprocessableEntity, "subscription_unregistered");
        Assert.Equal("unregistered", (await org.Get(gone)).Str("status"));
    }

    [Fact]
    public async Task another_org_cannot_see_or_change_a_subscription()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.EchoChallenges();
        var mine = await host.NewOrgAsync();
        var theirs = await host.NewOrgAsync("other");
        var (subscription, _) = await mine.Active(receiver.Url("/mine"), ["customer.created"]);
        var guid = subscription.Str("subscription_guid");

        await theirs.Post(theirs.Viewer, "/rbs/subscription/get", new { subscription_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
        await theirs.Post("/rbs/subscription/test", new { subscription_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
        await theirs.SetStatus(subscription, "paused").Problem(HttpStatusCode.NotFound, "not_found");
        await theirs.Post("/rbs/subscription/unregister", new { subscription_guid = guid, expected_revision = subscription.Long("revision") })
            .Problem(HttpStatusCode.NotFound, "not_found");
        var list = await theirs.Post(theirs.Viewer, "/rbs/subscription/list", new { }).Ok();
        Assert.Empty(list.GetProperty("items").EnumerateArray());

        // Their customers' events never reach my subscription.
        await theirs.Post(theirs.Clerk, "/crm/customer/create", new { email = "x@example.com", given_name = "Xia", family_name = "Other" }).Ok(HttpStatusCode.Created);
        var own = await mine.Post(mine.Clerk, "/crm/customer/create", new { email = "m@example.com", given_name = "Mia", family_name = "Mine" }).Ok(HttpStatusCode.Created);
        var received = await receiver.WaitForAsync(r => SubscriptionSteps.Type(r) == "customer.created");
        Assert.Equal(own.Str("customer_guid"), SubscriptionSteps.Json(received.Single()).GetProperty("data").Str("customer_guid"));
        Assert.Single(await host.DeliveriesAsync(mine.Orgcode, subscription), d => d.EventType == "customer.created");
    }

    [Fact]
    public async Task bad_input_answers_stable_codes_and_only_admins_change_subscriptions()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.EchoChallenges();
        var org = await host.NewOrgAsync();
        var url = receiver.Url("/v");

        var unknown = await org.Register(url, ["customer.exploded"]).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("customer.exploded", unknown.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        await org.Register(url, []).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Register(url, ["customer.created"], [Filter("Not A Field", "x")]).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Register(new Uri("http://partner.example/hooks"), ["customer.created"]).Problem(HttpStatusCode.UnprocessableEntity, WebhookUrls.HttpsRequired);
        await org.Register(new Uri("https://10.0.0.5/hooks"), ["customer.created"]).Problem(HttpStatusCode.UnprocessableEntity, WebhookUrls.AddressRefused);
        await org.Post("/rbs/subscription/register", new { url = "https://partner.example/hooks", topics = new[] { "customer.created" }, colour = "red" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/rbs/subscription/register", new { url = url.ToString(), topics = new[] { "customer.created" } })
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var (subscription, _) = await org.Active(url, ["order.*", "customer.created"]);
        Assert.Equal(["order.*", "customer.created"], subscription.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!));
        var guid = subscription.Str("subscription_guid");
        await org.Post("/rbs/subscription/status/set", new { subscription_guid = guid, status = "paused" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.SetStatus(subscription, "disabled").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.SetStatus(subscription, "active").Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/rbs/subscription/update", new { subscription_guid = guid, expected_revision = subscription.Long("revision") + 5, description = "x" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/rbs/subscription/update", new { subscription_guid = guid, expected_revision = subscription.Long("revision"), url = "http://partner.example/x" })
            .Problem(HttpStatusCode.UnprocessableEntity, WebhookUrls.HttpsRequired);
        await org.Post(org.Viewer, "/rbs/subscription/test", new { subscription_guid = guid }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/rbs/subscription/get", new { subscription_guid = Guid.NewGuid().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Viewer, "/rbs/subscription/get", new { subscription_guid = "nope" }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var updated = await org.Post("/rbs/subscription/update", new
        {
            subscription_guid = guid,
            expected_revision = subscription.Long("revision"),
            topics = new[] { "loyalty.*" },
            filters = new[] { Filter("channel_code", "web") },
        }).Ok();
        Assert.Equal(("active", "loyalty.*"), (updated.Str("status"), updated.GetProperty("topics")[0].GetString()));
        Assert.Equal("channel_code", updated.GetProperty("filters")[0].Str("field"));
    }
}
