using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Scm.Orders;
using Retail.Scm.Policies;

namespace Retail.Functional.Tests.Scm;

public sealed class RoutingPolicyTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task An_admin_sets_a_channels_routing_policy_and_fields_left_out_keep_their_value()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post(org.Clerk, "/scm/routing/policy/get", new { channel_code = "web" }).Problem(HttpStatusCode.NotFound, "not_found");
        var first = await org.Post("/scm/routing/policy/set", new { channel_code = "web", candidates = new[] { "Store-2", "store-1" } }).Ok();
        Assert.Equal(1, first.Revision());
        Assert.Equal(["store-2", "store-1"], first.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()));
        Assert.False(first.GetProperty("split_allowed").GetBoolean());
        Assert.True(first.GetProperty("prefer_whole_order").GetBoolean());
        Assert.Equal("first_candidate", first.Text("mode"));

        var second = await org.Post("/scm/routing/policy/set", new { channel_code = "web", split_allowed = true, expected_revision = 1 }).Ok();
        Assert.Equal(["store-2", "store-1"], second.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()));
        Assert.True(second.GetProperty("split_allowed").GetBoolean());
        var read = await org.Post(org.Clerk, "/scm/routing/policy/get", new { channel_code = "web" }).Ok();
        Assert.Equal(2, read.Revision());
        await org.Post("/scm/routing/policy/set", new { channel_code = "pos", candidates = new[] { "store-1" } }).Ok();
        var list = await org.Post(org.Clerk, "/scm/routing/policy/list", new { }).Ok();
        Assert.Equal(["pos", "web"], list.GetProperty("items").EnumerateArray().Select(p => p.Text("channel_code")));
    }

    [Fact]
    public async Task A_routing_policy_names_known_channels_and_facilities_and_only_an_admin_sets_it()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var facility = await org.Post("/scm/routing/policy/set", new { channel_code = "web", candidates = new[] { "store-1", "moon-base" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("candidates", facility.GetProperty("field").GetString());
        await org.Post("/scm/routing/policy/set", new { channel_code = "nowhere", candidates = new[] { "store-1" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/scm/routing/policy/set", new { channel_code = "web", split_allowed = true }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/scm/routing/policy/set", new { channel_code = "web", candidates = new[] { "store-1", "STORE-1" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/scm/routing/policy/set", new { channel_code = "web", candidates = Array.Empty<string>() }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/scm/routing/policy/set", new { channel_code = "web", candidates = new[] { "store-1" }, mode = "cheapest" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/routing/policy/set", new { channel_code = "web", candidates = new[] { "store-1" } })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/scm/routing/policy/set", "{\"channel_code\":\"web\",\"candidates\":[null]}").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/routing/plan/create", "{\"channel_code\":\"web\",\"lines\":[null]}").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/routing/plan/create", new { channel_code = "web" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_plan_splits_lines_over_two_facilities_only_when_the_policy_allows_it()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Inventory.Receive("store-1", org.Variants[0], 5);
        await org.Inventory.Receive("store-2", org.Variants[0], 1);
        await org.Inventory.Receive("store-2", org.Variants[1], 5);
        var lines = new[] { new { line_no = 1, variant_guid = org.Variants[0], quantity = 3 }, new { line_no = 2, variant_guid = org.Variants[1], quantity = 3 } };
        await org.Post("/scm/routing/policy/set", new { channel_code = "web", candidates = new[] { "store-1", "store-2" }, split_allowed = false }).Ok();

        // No split: the facility holding the most of the order (store-2: 1 + 3 of 6 units) takes it all, short.
        var whole = await org.Post(org.Clerk, "/scm/routing/plan/create", new { channel_code = "web", lines }).Ok(HttpStatusCode.Created);
        Assert.Equal(["store-2", "store-2"], Facilities(whole));
        Assert.False(whole.GetProperty("split").GetBoolean());
        Assert.False(whole.GetProperty("fulfillable").GetBoolean());
        Assert.Equal(2, whole.GetProperty("lines")[0].GetProperty("shortfall").GetInt64());
        Assert.Contains(whole.GetProperty("reasoning").EnumerateArray(), r => r.GetString()!.Contains("not allowed", StringComparison.Ordinal));

        // A split: each line from the first candidate holding all of it.
        await org.Post("/scm/routing/policy/set", new { channel_code = "web", split_allowed = true, expected_revision = 1 }).Ok();
        var split = await org.Post(org.Clerk, "/scm/routing/plan/create", new { channel_code = "web", lines }).Ok(HttpStatusCode.Created);
        Assert.Equal(["store-1", "store-2"], Facilities(split));
        Assert.True(split.GetProperty("split").GetBoolean());
        Assert.True(split.GetProperty("fulfillable").GetBoolean());
        Assert.Equal(2, split.GetProperty("policy_revision").GetInt64());

        // Once one facility holds the whole order, whole-order fill prefers it over the split.
        await org.Inventory.Receive("store-2", org.Variants[0], 4);
        var filled = await org.Post(org.Clerk, "/scm/routing/plan/create", new { channel_code = "web", lines }).Ok(HttpStatusCode.Created);
        Assert.Equal(["store-2", "store-2"], Facilities(filled));
        Assert.True(filled.GetProperty("fulfillable").GetBoolean());

        var read = await org.Post(org.Clerk, "/scm/routing/plan/get", new { plan_guid = split.Text("plan_guid") }).Ok();
        Assert.Equal(["store-1", "store-2"], Facilities(read));
        var list = await org.Post(org.Clerk, "/scm/routing/plan/list", new { channel_code = "web" }).Ok();
        Assert.Equal([filled.Text("plan_guid"), split.Text("plan_guid"), whole.Text("plan_guid")],
            list.GetProperty("items").EnumerateArray().Select(p => p.Text("plan_guid")));
    }

    [Fact]
    public async Task An_orders_plan_covers_its_open_lines_and_the_router_follows_it()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Inventory.Receive("store-1", org.Variants[0], 5);
        await org.Inventory.Receive("store-2", org.Variants[1], 5);
        await org.Post("/scm/routing/policy/set", new { channel_code = "web", candidates = new[] { "store-1", "store-2" }, split_allowed = true }).Ok();
        var order = await PolicySteps.StoreOrder(host.Factory, org, PolicySteps.OrderOf(org, [(1, 0, 1000L, null), (2, 1, 1100L, null)], OrderStatus.Placed, [2, 2]));

        var plan = await org.Post(org.Clerk, "/scm/routing/plan/create", new { order_guid = order.OrderGuid }).Ok(HttpStatusCode.Created);
        Assert.Equal(order.OrderGuid, plan.Text("order_guid"));
        Assert.Equal("web", plan.Text("channel_code"));
        Assert.Equal(["store-1", "store-2"], Facilities(plan));
        var listed = await org.Post(org.Clerk, "/scm/routing/plan/list", new { order_guid = order.OrderGuid }).Ok();
        Assert.Single(listed.GetProperty("items").EnumerateArray());

        var routed = await Route(org, new RouteInput("web", null, null, "DE", [new(1, org.Variants[0], 2), new(2, org.Variants[1], 2)], order.OrderGuid));
        Assert.Equal("store-1", routed!.FacilityByLine[1]);
        Assert.Equal("store-2", routed.FacilityByLine[2]);
        Assert.Equal(plan.Text("plan_guid"), routed.PlanGuid);

        var cancelled = await PolicySteps.StoreOrder(host.Factory, org, PolicySteps.OrderOf(org, [(1, 0, 1000L, null)], OrderStatus.Cancelled));
        await org.Post(org.Clerk, "/scm/routing/plan/create", new { order_guid = cancelled.OrderGuid }).Problem(HttpStatusCode.Conflict, "order_cancelled");
        await org.Post(org.Clerk, "/scm/routing/plan/create", new { order_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Clerk, "/scm/routing/plan/get", new { plan_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_router_takes_the_orders_facility_then_pickup_then_the_policy_then_the_channels_OFM_facility()
    {
        var org = await host.NewOrgAsync(stock: 0);
        IReadOnlyList<RouteLineInput> lines = [new(1, org.Variants[0], 1), new(2, org.Variants[1], 1)];

        // No routing policy: OFM's facility of the channel (store-1 for web).
        Assert.Equal("store-1", (await Route(org, new RouteInput("web", null, null, "DE", lines)))!.FacilityByLine[2]);
        Assert.Equal("store-2", (await Route(org, new RouteInput("web", "store-2", null, "DE", lines)))!.FacilityByLine[1]);
        Assert.Equal("store-2", (await Route(org, new RouteInput("web", null, "store-2", "DE", lines)))!.FacilityByLine[1]);

        await org.Post("/scm/routing/policy/set", new { channel_code = "web", candidates = new[] { "store-2", "store-1" } }).Ok();
        var policy = await Route(org, new RouteInput("web", null, null, "DE", lines));
        Assert.All(policy!.FacilityByLine.Values, f => Assert.Equal("store-2", f));
        Assert.Null(policy.PlanGuid);

        // Availability mode plans from ICS on the way: store-1 holds the whole order.
        await org.Inventory.Receive("store-1", org.Variants[0], 1);
        await org.Inventory.Receive("store-1", org.Variants[1], 1);
        await org.Post("/scm/routing/policy/set", new { channel_code = "web", mode = "availability", expected_revision = 1 }).Ok();
        var available = await Route(org, new RouteInput("web", null, null, "DE", lines));
        Assert.All(available!.FacilityByLine.Values, f => Assert.Equal("store-1", f));
    }

    private async Task<RouteAnswer?> Route(ScmOrg org, RouteInput input)
    {
        using var scope = host.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IOrderRouter>().RouteAsync(org.Orgcode, input, CancellationToken.None);
    }

    private static IReadOnlyList<string?> Facilities(JsonElement plan) =>
        plan.GetProperty("lines").EnumerateArray().Select(l => l.Text("facility_code")).ToList();
}
