using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Accounting;

/// <summary>Lineage: from a usage record back to its request and trace, and from a cost centre to its usage.</summary>
public sealed class LineageTests(AccountingHost host) : IClassFixture<AccountingHost>
{
    [Fact]
    public async Task A_request_through_ofm_is_found_by_its_trace_and_by_its_request_id()
    {
        var org = OfmSteps.NewOrgcode("accl");
        var owner = host.Factory.NewUser("owner");
        await host.Operator.ActiveOrg(org, owner.UserGuid);
        var traceId = Guid.NewGuid().ToString("N");
        var requestId = "req-" + Guid.NewGuid().ToString("N");
        await owner.Client.PostJsonAsync("/ofm/cost-centre/list", new { },
            OfmSteps.Org(org, ("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"), ("x-request-id", requestId))).Ok();

        System.Text.Json.JsonElement record = default;
        await Waits.UntilAsync(async () =>
        {
            var page = await host.Operator.Post("/accounting/lineage/list", new { trace_id = traceId }, org).Ok();
            var items = page.GetProperty("items");
            if (items.GetArrayLength() == 0)
            {
                return false;
            }
            record = items[0];
            return true;
        }, "the request's usage was stored");
        Assert.Equal("ofm", record.GetProperty("app").GetString());
        Assert.Equal(traceId, record.GetProperty("trace_id").GetString());
        Assert.Equal(requestId, record.GetProperty("request_id").GetString());

        // Back from the request id; and the record itself by its event id.
        var byRequest = await host.Operator.Post("/accounting/lineage/list", new { request_id = requestId }, org).Ok();
        var eventId = Assert.Single(byRequest.GetProperty("items").EnumerateArray()).GetProperty("event_id").GetString();
        var got = await host.Operator.Post("/accounting/event/get", new { event_id = eventId }, org).Ok();
        Assert.Equal(traceId, got.GetProperty("trace_id").GetString());
        // Lineage is per org: another org has none of it.
        var elsewhere = await host.Operator.Post("/accounting/lineage/list", new { trace_id = traceId }, OfmSteps.NewOrgcode("accm")).Ok();
        Assert.Equal(0, elsewhere.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_cost_centre_leads_to_its_usage_over_a_day_range()
    {
        var org = OfmSteps.NewOrgcode("accc");
        var ids = UsageSteps.NewIds(4);
        var trace = Guid.NewGuid().ToString("N");
        await host.Operator.Post("/accounting/event/record", new
        {
            events = new[]
            {
                UsageSteps.Event(ids[0], org, "scm", "2026-11-20T10:00:00Z", cccode: "cc-a", traceId: trace),
                UsageSteps.Event(ids[1], org, "ics", "2026-11-21T10:00:00Z", cccode: "cc-a", traceId: trace),
                UsageSteps.Event(ids[2], org, "scm", "2026-11-25T10:00:00Z", cccode: "cc-a"),
                UsageSteps.Event(ids[3], org, "scm", "2026-11-21T10:00:00Z", cccode: "cc-b"),
            },
        }, org).Ok();
        var centre = await UsageSteps.ListAll(host.Operator, "/accounting/lineage/list", new { cccode = "cc-a", day_from = "2026-11-20", day_to = "2026-11-22" }, org);
        Assert.Equal(new[] { ids[0], ids[1] }.Order(), centre.Select(r => r.GetProperty("event_id").GetString()!).Order());
        var traced = await UsageSteps.ListAll(host.Operator, "/accounting/lineage/list", new { trace_id = trace }, org);
        Assert.Equal(["ics", "scm"], traced.Select(r => r.GetProperty("app").GetString()!).Order());
    }

    [Fact]
    public async Task Lineage_takes_exactly_one_of_trace_request_and_cost_centre()
    {
        var org = OfmSteps.NewOrgcode("acci");
        var trace = Guid.NewGuid().ToString("N");
        await host.Operator.Post("/accounting/lineage/list", new { }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/lineage/list", new { trace_id = trace, request_id = "r-1" }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/lineage/list", new { cccode = "cc-a" }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/lineage/list", new { trace_id = trace, day_from = "2026-11-20", day_to = "2026-11-20" }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/lineage/list", new { trace_id = trace.ToUpperInvariant() }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
