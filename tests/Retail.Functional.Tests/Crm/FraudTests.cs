using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Crm.Merge;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-005: fraud assessments (each rule's contribution, the versioned policy) and the holds they place.</summary>
public sealed class FraudTests(CrmHost host) : IClassFixture<CrmHost>
{
    private static readonly string[] AllRules =
        ["order_velocity", "first_order_value", "address_mismatch", "disposable_email", "failed_payments", "recent_holds"];

    [Fact]
    public async Task UC_CRM_005_a_clean_customer_is_allowed_and_the_answer_lists_every_rule_and_signal()
    {
        var org = await host.NewOrgAsync();
        var customer = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "ada@example.com");

        var assessment = await org.Assessed(customer, FraudSteps.Order(1000, billing: FraudSteps.Address("DE", "10115"), shipping: FraudSteps.Address("DE", "10115")));

        Assert.Equal(0, assessment.FraudScore());
        Assert.Equal("allow", assessment.Decision());
        Assert.Equal(0, assessment.GetProperty("policy_version").GetInt64());
        Assert.Equal(AllRules, assessment.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("rule").GetString()));
        Assert.All(assessment.GetProperty("rules").EnumerateArray(), r => Assert.False(r.GetProperty("fired").GetBoolean()));
        var signals = assessment.GetProperty("signals");
        Assert.Equal("example.com", signals.GetProperty("email_domain").GetString());
        Assert.Equal(1, signals.GetProperty("orders_in_window").GetInt32());
        Assert.Equal(1000, signals.GetProperty("first_order_value_minor").GetInt64());
        Assert.False(assessment.GetProperty("hold_placed").GetBoolean());
        Assert.Empty(await org.Holds(customer));
        var events = host.Factory.OutboxEvents("crm", org.Orgcode, "fraud.assessed");
        Assert.Contains(events, e => e.GetProperty("assessment_guid").GetString() == assessment.GetProperty("assessment_guid").GetString());
    }

    [Fact]
    public async Task UC_CRM_005_each_rule_contributes_its_policy_weight_when_it_fires()
    {
        var org = await host.NewOrgAsync();
        // Distinct weights, thresholds out of reach: every rule is seen on its own.
        var policy = await org.Post("/crm/fraud/policy/set", new
        {
            weights = new { order_velocity = 11, first_order_value = 12, address_mismatch = 13, disposable_email = 14, failed_payments = 15, recent_holds = 16 },
            review_threshold = 99,
            hold_threshold = 100,
            velocity_limit = 3,
            first_order_limits_minor = new Dictionary<string, long> { ["EUR"] = 50_000 },
        }).Ok();
        Assert.Equal(1, policy.GetProperty("revision").GetInt64());
        var now = DateTimeOffset.UtcNow;

        var throwaway = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "x@mail.mailinator.com");
        var disposable = await org.Assessed(throwaway);
        Assert.Equal(14, disposable.Contribution("disposable_email"));
        Assert.Equal(14, disposable.FraudScore());
        Assert.Equal(1, disposable.GetProperty("policy_version").GetInt64());

        var customer = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "grace@example.com");
        var country = await org.Assessed(customer, FraudSteps.Order(billing: FraudSteps.Address("DE", "10115"), shipping: FraudSteps.Address("AT", "1010")));
        Assert.Equal(13, country.Contribution("address_mismatch"));
        var postcode = await org.Assessed(customer, FraudSteps.Order(billing: FraudSteps.Address("DE", "10115"), shipping: FraudSteps.Address("de", "80331")));
        Assert.Equal(7, postcode.Contribution("address_mismatch"));

        var failed = await org.Assessed(customer, null, [FraudSteps.Failed(now.AddMinutes(-30)), FraudSteps.Failed(now.AddMinutes(-1))]);
        Assert.Equal(15, failed.Contribution("failed_payments"));
        var oneOld = await org.Assessed(customer, null, [FraudSteps.Failed(now.AddDays(-3)), FraudSteps.Failed(now.AddMinutes(-1))]);
        Assert.Equal(0, oneOld.Contribution("failed_payments"));
        Assert.Equal(1, oneOld.GetProperty("signals").GetProperty("failed_payments").GetInt32());

        var big = await org.Assessed(customer, FraudSteps.Order(60_000));
        Assert.Equal(12, big.Contribution("first_order_value"));
        var small = await org.Assessed(customer, FraudSteps.Order(40_000));
        Assert.Equal(0, small.Contribution("first_order_value"));
        var unlisted = await org.Assessed(customer, FraudSteps.Order(90_000, "USD"));
        Assert.Equal(0, unlisted.Contribution("first_order_value"));

        // Orders from SCM's events: three in the window plus the assessed one is more than the limit of 3.
        for (var i = 0; i < 3; i++)
        {
            await host.Factory.ApplyOrderAsync(org.Orgcode, customer, Guid.CreateVersion7().ToString(), 2000, now.AddMinutes(-10 - i));
        }
        var velocity = await org.Assessed(customer, FraudSteps.Order(2000));
        Assert.Equal(4, velocity.GetProperty("signals").GetProperty("orders_in_window").GetInt32());
        Assert.Equal(11, velocity.Contribution("order_velocity"));
        Assert.Equal(0, velocity.Contribution("first_order_value")); // no longer a first order
        var withoutOrder = await org.Assessed(customer);
        Assert.Equal(0, withoutOrder.Contribution("order_velocity"));

        // A hold not released counts as recent; a released one does not.
        await org.Post("/crm/fraud/policy/set", new { hold_threshold = 10, review_threshold = 5, expected_revision = 1 }).Ok();
        var holding = await org.Assessed(throwaway);
        Assert.Equal("hold", holding.Decision());
        var again = await org.Assessed(throwaway);
        Assert.Equal(16, again.Contribution("recent_holds"));
        Assert.Equal(2, again.GetProperty("policy_version").GetInt64());
    }

    [Fact]
    public async Task The_order_projection_counts_an_order_once_and_a_cancelled_one_leaves_the_velocity()
    {
        var org = await host.NewOrgAsync();
        var customer = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "ada@example.com");
        var now = DateTimeOffset.UtcNow;
        var first = Guid.CreateVersion7().ToString();
        var second = Guid.CreateVersion7().ToString();
        await host.Factory.ApplyOrderAsync(org.Orgcode, customer, first, 70_000, now.AddMinutes(-20));
        await host.Factory.ApplyOrderAsync(org.Orgcode, customer, first, 70_000, now.AddMinutes(-20)); // redelivered
        var one = await org.Assessed(customer);
        Assert.Equal(1, one.GetProperty("signals").GetProperty("orders_placed").GetInt64());
        Assert.Equal(25, one.Contribution("first_order_value")); // 70 000 EUR above the default 50 000 on a first order

        // Assessing that very order again does not count it twice.
        var same = await org.Assessed(customer, FraudSteps.Order(70_000, orderRef: first));
        Assert.Equal(1, same.GetProperty("signals").GetProperty("orders_in_window").GetInt32());

        await host.Factory.ApplyOrderAsync(org.Orgcode, customer, second, 1000, now.AddMinutes(-5));
        await host.Factory.ApplyOrderAsync(org.Orgcode, customer, second, 1000, now.AddMinutes(-5), "cancelled", revision: 3);
        await host.Factory.ApplyOrderAsync(org.Orgcode, customer, second, 1000, now.AddMinutes(-5), "placed", revision: 2); // late
        var after = await org.Assessed(customer);
        Assert.Equal(2, after.GetProperty("signals").GetProperty("orders_placed").GetInt64());
        Assert.Equal(1, after.GetProperty("signals").GetProperty("orders_in_window").GetInt32());
        Assert.Equal(0, after.Contribution("first_order_value"));
    }

    [Fact]
    public async Task UC_CRM_005_at_the_hold_threshold_a_hold_is_placed_with_its_event_and_redemptions_see_it()
    {
        var org = await host.NewOrgAsync();
        var customer = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "fraud@yopmail.com");

        var assessment = await org.AssessedToHold(customer);

        Assert.Equal(75, assessment.FraudScore());
        Assert.Equal("hold", assessment.Decision());
        Assert.True(assessment.GetProperty("hold_placed").GetBoolean());
        var holdGuid = assessment.GetProperty("hold_guid").GetString()!;
        var hold = Assert.Single(await org.Holds(customer));
        Assert.Equal(holdGuid, hold.GetProperty("hold_guid").GetString());
        Assert.Equal("open", hold.GetProperty("status").GetString());
        Assert.Equal(["address_mismatch", "disposable_email", "failed_payments"], hold.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(holdGuid, await host.Factory.HoldInForceAsync(org.Orgcode, customer));
        var placed = Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "fraud.hold_placed"));
        Assert.Equal(customer, placed.GetProperty("customer_guid").GetString());
        Assert.True(placed.GetProperty("in_force").GetBoolean());
        var fetched = await org.Post(org.Viewer, "/crm/customer/hold/get", new { hold_guid = holdGuid }).Ok();
        Assert.Equal(assessment.GetProperty("assessment_guid").GetString(), fetched.GetProperty("assessment_guid").GetString());
    }

    [Fact]
    public async Task UC_CRM_005_a_customer_has_at_most_one_hold_in_force_even_when_assessments_race()
    {
        var org = await host.NewOrgAsync();
        var customer = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "race@guerrillamail.com");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => org.AssessedToHold(customer)));

        Assert.All(answers, a => Assert.Equal("hold", a.Decision()));
        Assert.Single(answers, a => a.GetProperty("hold_placed").GetBoolean());
        Assert.Single(answers.Select(a => a.GetProperty("hold_guid").GetString()).Distinct());
        Assert.Single(await org.Holds(customer));
        Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "fraud.hold_placed"), e => e.GetProperty("customer_guid").GetString() == customer);
        var listed = await org.Post(org.Viewer, "/crm/customer/fraud/list", new { customer_guid = customer, decision = "hold", limit = 5 }).Ok();
        Assert.Equal(5, listed.GetProperty("items").GetArrayLength());
        var guids = listed.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("assessment_guid").GetString()!).ToList();
        Assert.Equal(guids.OrderDescending(StringComparer.Ordinal), guids); // newest first
        Assert.NotNull(listed.GetProperty("next_token").GetString());
    }

    [Fact]
    public async Task UC_CRM_005_an_admin_releases_or_confirms_a_hold_with_a_reason()
    {
        var org = await host.NewOrgAsync();
        var customer = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "mule@trashmail.com");
        await org.AssessedToHold(customer);
        var hold = Assert.Single(await org.Holds(customer));

        await org.Resolve(hold, "confirm", user: org.Clerk).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Resolve(hold, "confirm", reason: null).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Resolve(hold, "refund").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/customer/hold/resolve", new { hold_guid = hold.GetProperty("hold_guid").GetString(), resolution = "release", reason = "x" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Resolve(hold, "release", expectedRevision: 7).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/crm/customer/hold/resolve", new { hold_guid = Guid.CreateVersion7().ToString(), resolution = "release", reason = "x", expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");

        var confirmed = await org.Resolve(hold, "confirm", "card owner reported the charge").Ok();
        Assert.Equal("confirmed", confirmed.GetProperty("status").GetString());
        Assert.Equal("card owner reported the charge", confirmed.GetProperty("resolution_reason").GetString());
        Assert.Equal(org.Owner.UserGuid, confirmed.GetProperty("resolved_by").GetString());
        // A confirmed hold stays in force: redemptions are still refused, and a new assessment places no second hold.
        Assert.Equal(hold.GetProperty("hold_guid").GetString(), await host.Factory.HoldInForceAsync(org.Orgcode, customer));
        await org.Resolve(confirmed, "confirm").Problem(HttpStatusCode.Conflict, "invalid_transition");
        var again = await org.AssessedToHold(customer);
        Assert.False(again.GetProperty("hold_placed").GetBoolean());
        Assert.Equal(hold.GetProperty("hold_guid").GetString(), again.GetProperty("hold_guid").GetString());
        Assert.Equal(40, again.Contribution("recent_holds"));

        var released = await org.Resolve(confirmed, "release", "chargeback withdrawn").Ok();
        Assert.Equal("released", released.GetProperty("status").GetString());
        Assert.Null(await host.Factory.HoldInForceAsync(org.Orgcode, customer));
        await org.Resolve(released, "release").Problem(HttpStatusCode.Conflict, "invalid_transition");
        var resolvedEvents = host.Factory.OutboxEvents("crm", org.Orgcode, "fraud.hold_resolved");
        Assert.Equal(["confirmed", "released"], resolvedEvents.Select(e => e.GetProperty("status").GetString()));
        Assert.Equal([true, false], resolvedEvents.Select(e => e.GetProperty("in_force").GetBoolean()));
        Assert.Single(await org.Holds(customer, "released"));
        Assert.Empty(await org.Holds(customer, "open"));

        // A released hold no longer counts; the next assessment at the threshold places a new hold.
        var next = await org.AssessedToHold(customer);
        Assert.Equal(0, next.Contribution("recent_holds"));
        Assert.True(next.GetProperty("hold_placed").GetBoolean());
        Assert.NotEqual(hold.GetProperty("hold_guid").GetString(), next.GetProperty("hold_guid").GetString());
    }

    [Fact]
    public async Task UC_CRM_005_a_viewer_cannot_assess_and_bad_requests_are_refused_with_their_codes()
    {
        var org = await host.NewOrgAsync();
        var customer = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "ada@example.com");

        await org.Assess(customer, user: org.Viewer).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/crm/customer/fraud/list", new { customer_guid = customer }).Ok();
        await org.Assess(Guid.CreateVersion7().ToString()).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Assess("not-a-guid").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Assess(customer, FraudSteps.Order(100, "EURO")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Assess(customer, FraudSteps.Order(-1)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Assess(customer, new { total_minor = 100 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Assess(customer, FraudSteps.Order(billing: FraudSteps.Address("Germany", "1"))).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/customer/fraud/assess", new { customer_guid = customer, scroe = 1 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/customer/fraud/assess", "{\"customer_guid\": 12}").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/customer/fraud/get", new { assessment_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");

        var survivor = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "survivor@example.com");
        var merged = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "merged@example.com", CustomerStatus.Merged, survivor);
        var problem = await org.Assess(merged).Problem(HttpStatusCode.Conflict, "customer_merged");
        Assert.Equal(survivor, problem.GetProperty("merged_into").GetString());
    }

    [Fact]
    public async Task The_fraud_policy_is_versioned_and_set_by_admins_only()
    {
        var org = await host.NewOrgAsync();

        var initial = await org.Post(org.Viewer, "/crm/fraud/policy/get", new { }).Ok();
        Assert.Equal(0, initial.GetProperty("revision").GetInt64());
        Assert.Equal(70, initial.GetProperty("hold_threshold").GetInt32());
        Assert.Contains("mailinator.com", initial.GetProperty("disposable_email_domains").EnumerateArray().Select(d => d.GetString()));

        await org.Post(org.Clerk, "/crm/fraud/policy/set", new { hold_threshold = 80 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/crm/fraud/policy/set", new { review_threshold = 90 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/fraud/policy/set", new { hold_threshold = 101 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/fraud/policy/set", new { disposable_email_domains = new[] { "not a domain" } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/fraud/policy/set", new { first_order_limits_minor = new Dictionary<string, long> { ["eur"] = 1 } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/fraud/policy/set", new { hold_threshold = 80, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");

        var v1 = await org.Post("/crm/fraud/policy/set", new { hold_threshold = 80, disposable_email_domains = new[] { "Burner.Example" } }).Ok();
        Assert.Equal(1, v1.GetProperty("revision").GetInt64());
        Assert.Equal(["burner.example"], v1.GetProperty("disposable_email_domains").EnumerateArray().Select(d => d.GetString()));
        await org.Post("/crm/fraud/policy/set", new { hold_threshold = 85 }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var v2 = await org.Post(org.Approver, "/crm/fraud/policy/set", new { hold_threshold = 85, expected_revision = 1 }).Ok();
        Assert.Equal(2, v2.GetProperty("revision").GetInt64());
        Assert.Equal("burner.example", v2.GetProperty("disposable_email_domains")[0].GetString());

        var first = await org.Post(org.Viewer, "/crm/fraud/policy/get", new { version = 1 }).Ok();
        Assert.Equal(80, first.GetProperty("hold_threshold").GetInt32());
        Assert.Equal(85, (await org.Post(org.Viewer, "/crm/fraud/policy/get", new { }).Ok()).GetProperty("hold_threshold").GetInt32());
        await org.Post(org.Viewer, "/crm/fraud/policy/get", new { version = 9 }).Problem(HttpStatusCode.NotFound, "not_found");

        var customer = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "someone@sub.burner.example");
        var assessment = await org.Assessed(customer);
        Assert.Equal(2, assessment.GetProperty("policy_version").GetInt64());
        Assert.Equal(30, assessment.Contribution("disposable_email"));
    }

    [Fact]
    public async Task A_merge_moves_holds_and_assessments_to_the_survivor_keeping_one_hold_in_force()
    {
        var org = await host.NewOrgAsync();
        var survivor = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "one@yopmail.com");
        var merged = await host.Factory.SeedFraudCustomerAsync(org.Orgcode, "two@yopmail.com");
        var survivorsHold = (await org.AssessedToHold(survivor)).GetProperty("hold_guid").GetString();
        await org.AssessedToHold(merged);
        var mergedHold = Assert.Single(await org.Holds(merged));
        await org.Resolve(mergedHold, "confirm").Ok();
        await host.Factory.ApplyOrderAsync(org.Orgcode, merged, Guid.CreateVersion7().ToString(), 1000, DateTimeOffset.UtcNow.AddMinutes(-1));

        // The merge area's batch, with only this participant's moves in it.
        using (var scope = host.Factory.Services.CreateScope())
        {
            var customers = scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>();
            var s = (await customers.GetAsync(org.Orgcode, survivor))!.Record;
            var m = (await customers.GetAsync(org.Orgcode, merged))!.Record;
            var fraud = scope.ServiceProvider.GetServices<ICustomerMergeParticipant>().Single(p => p.Name == "fraud");
            var batch = new RecordBatch();
            var moved = await fraud.StageAsync(org.Orgcode, s, m, batch, CancellationToken.None);
            Assert.NotNull(moved);
            Assert.True((await batch.CommitAsync()).Succeeded);
        }

        // The merged customer's confirmed hold wins over the survivor's open one.
        Assert.Equal(mergedHold.GetProperty("hold_guid").GetString(), await host.Factory.HoldInForceAsync(org.Orgcode, survivor));
        Assert.Null(await host.Factory.HoldInForceAsync(org.Orgcode, merged));
        var holds = await org.Holds(survivor);
        Assert.Equal(2, holds.Count);
        var superseded = holds.Single(h => h.GetProperty("hold_guid").GetString() == survivorsHold);
        Assert.Equal("superseded", superseded.GetProperty("status").GetString());
        Assert.Empty(await org.Holds(merged));
        var assessments = (await org.Post(org.Viewer, "/crm/customer/fraud/list", new { customer_guid = survivor }).Ok()).GetProperty("items");
        Assert.Equal(2, assessments.GetArrayLength());
        Assert.Contains(assessments.EnumerateArray(), a => a.GetProperty("moved_from").GetString() == merged);
        var moveEvent = Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "fraud.hold_moved"));
        Assert.Equal(merged, moveEvent.GetProperty("moved_from").GetString());
        var after = await org.Assessed(survivor);
        Assert.Equal(1, after.GetProperty("signals").GetProperty("orders_placed").GetInt64());
    }
}
