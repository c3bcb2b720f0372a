using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-001's promise: quote (routing and availability, nothing held), reserve, allocate, commit and release over ICS holds.</summary>
public sealed class PromiseTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_001_create_place_then_allocate_and_commit_every_line_in_one_ics_step_each()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var (a, b) = (org.Variants[0], org.Variants[1]);
        var placed = await org.Placed(await org.NewOrder(OrderSteps.Line(a, 2), OrderSteps.Line(b, 1)));

        var allocated = await org.Step("/scm/order/promise/allocate", placed).Ok();
        Assert.All(allocated.GetProperty("lines").EnumerateArray(), l =>
            Assert.Equal(("allocated", "allocated", 1L), (l.Text("status"), l.GetProperty("hold").Text("stage"), l.GetProperty("hold").Revision())));
        Assert.Equal((8, 0, 2, 0), await org.StockOf(a));
        await org.Step("/scm/order/promise/allocate", allocated).Problem(HttpStatusCode.UnprocessableEntity, "nothing_to_do");

        var committed = await org.Step("/scm/order/promise/commit", allocated).Ok();
        Assert.All(committed.GetProperty("lines").EnumerateArray(), l => Assert.Equal("committed", l.GetProperty("hold").Text("stage")));
        Assert.Equal((8, 0, 0, 2), await org.StockOf(a));
        Assert.Equal((9, 0, 0, 1), await org.StockOf(b));
        Assert.Equal(2, (await org.HoldsOf(committed, "active")).Count);
        Assert.Single(host.Events(org, "promise.allocated"), e => e.Text("order_guid") == placed.Guid());
        var commitEvent = Assert.Single(host.Events(org, "promise.committed"), e => e.Text("order_guid") == placed.Guid());
        Assert.Equal(2, commitEvent.GetProperty("lines").GetArrayLength());

        // Committed stock is released by a cancel like any other hold.
        var cancelled = await org.Step("/scm/order/cancel", committed).Ok();
        Assert.Equal("cancelled", cancelled.Text("status"));
        Assert.Equal((10, 0, 0, 0), await org.StockOf(a));
    }

    [Fact]
    public async Task UC_SCM_001_a_quote_routes_and_reads_availability_without_holding_anything()
    {
        var org = await host.NewOrgAsync(stock: 4);
        await org.TaxPolicy();
        var (a, b) = (org.Variants[2], org.Variants[3]);
        var order = await org.NewOrder(OrderSteps.Line(a, 3), OrderSteps.Line(b, 5));

        var before = DateTimeOffset.UtcNow;
        var quote = await org.Step("/scm/order/promise/quote", order).Ok();
        var lines = quote.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(("store-1", 4L, true), (lines[0].Text("facility_code"), lines[0].GetProperty("available").GetInt64(), lines[0].GetProperty("promisable").GetBoolean()));
        Assert.Equal((4L, false), (lines[1].GetProperty("available").GetInt64(), lines[1].GetProperty("promisable").GetBoolean()));
        // The channel's default SLA is 48 hours.
        Assert.InRange(quote.GetProperty("ship_by").GetDateTimeOffset(), before.AddHours(48), before.AddHours(49));
        var quoted = quote.GetProperty("order");
        Assert.Equal(("created", 2L, "store-1"), (quoted.Text("status"), quoted.Revision(), quoted.LineNo(1).Text("facility_code")));
        Assert.Equal((4, 0, 0, 0), await org.StockOf(a));
        Assert.Single(host.Events(org, "promise.quoted"), e => e.Text("order_guid") == order.Guid());
        // Allocating needs a placed order.
        await org.Step("/scm/order/promise/allocate", quoted).Problem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task UC_SCM_001_reserve_holds_a_created_order_place_keeps_its_holds_and_release_gives_them_back()
    {
        var org = await host.NewOrgAsync(stock: 5);
        await org.TaxPolicy();
        var a = org.Variants[4];
        await org.Post("/scm/channel/policy/set", new { channel_code = "web", reservation_ttl_seconds = 600, sla_hours = 24 }).Ok();
        var order = await org.NewOrder(OrderSteps.Line(a, 2));

        var reserved = await org.Step("/scm/order/promise/reserve", order).Ok();
        Assert.Equal(("created", "reserved"), (reserved.Text("status"), reserved.LineNo(1).Text("status")));
        var holdGuid = reserved.LineNo(1).GetProperty("hold").Text("hold_guid");
        var hold = await org.Post("/ics/hold/get", new { hold_guid = holdGuid }).Ok();
        var ttl = hold.GetProperty("expires_at").GetDateTimeOffset() - hold.GetProperty("created_at").GetDateTimeOffset();
        Assert.InRange(ttl.TotalSeconds, 599, 601);
        Assert.Equal((3, 2, 0, 0), await org.StockOf(a));
        await org.Step("/scm/order/promise/reserve", reserved).Problem(HttpStatusCode.UnprocessableEntity, "nothing_to_do");

        var placed = await org.Placed(reserved);
        Assert.Equal(("placed", holdGuid), (placed.Text("status"), placed.LineNo(1).GetProperty("hold").Text("hold_guid")));
        Assert.Equal((3, 2, 0, 0), await org.StockOf(a));

        var released = await org.Step("/scm/order/promise/release", placed).Ok();
        Assert.Equal(("placed", "open"), (released.Text("status"), released.LineNo(1).Text("status")));
        Assert.Equal((5, 0, 0, 0), await org.StockOf(a));
        Assert.Single(host.Events(org, "promise.released"), e => e.Text("order_guid") == order.Guid());
        await org.Step("/scm/order/promise/allocate", released).Problem(HttpStatusCode.UnprocessableEntity, "not_reserved");

        var again = await org.Step("/scm/order/promise/reserve", released).Ok();
        Assert.Equal("reserved", again.LineNo(1).Text("status"));
        Assert.Equal((3, 2, 0, 0), await org.StockOf(a));
        Assert.Equal(2, host.Events(org, "promise.reserved").Count(e => e.Text("order_guid") == order.Guid()));
    }

    [Fact]
    public async Task UC_SCM_001_the_same_idempotency_key_places_an_order_once()
    {
        var org = await host.NewOrgAsync(stock: 5);
        await org.TaxPolicy();
        var a = org.Variants[5];
        var order = await org.NewOrder(OrderSteps.Line(a, 1));
        var headers = HttpJson.Headers(("Idempotency-Key", $"place-{order.Guid()}"), ("x-orgcode", org.Orgcode));
        var body = new { order_guid = order.Guid(), expected_revision = 1 };

        var first = await org.Clerk.Client.PostJsonAsync("/scm/order/place", body, headers).Ok();
        var again = await org.Clerk.Client.PostJsonAsync("/scm/order/place", body, headers).Ok();

        Assert.Equal(first.LineNo(1).GetProperty("hold").Text("hold_guid"), again.LineNo(1).GetProperty("hold").Text("hold_guid"));
        Assert.Equal((4, 1, 0, 0), await org.StockOf(a));
        Assert.Single(await org.HoldsOf(order));
    }
}
