using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Accounting.Usage;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Accounting;

/// <summary>UC-ACC-001: daily rollups per org × app × cost centre, kept as usage arrives, in the org's local day.</summary>
public sealed class RollupTests(AccountingHost host) : IClassFixture<AccountingHost>
{
    [Fact]
    public async Task UC_ACC_001_requests_made_through_ofm_appear_in_the_rollup_with_their_org_app_and_cost_centre()
    {
        var org = OfmSteps.NewOrgcode("accf");
        var owner = host.Factory.NewUser("owner");
        await host.Operator.ActiveOrg(org, owner.UserGuid);
        await owner.Client.Post("/ofm/cost-centre/create", new { cccode = "cc-web", name = "Web shop" }, org).Ok(HttpStatusCode.Created);
        for (var i = 0; i < 3; i++)
        {
            await owner.Client.PostJsonAsync("/ofm/cost-centre/list", new { }, OfmSteps.Org(org, ("x-cccode", "cc-web"))).Ok();
        }
        // The org has no time zone in OFM: its days are UTC days.
        var day = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        long count = 0;
        await Waits.UntilAsync(async () =>
        {
            using var answer = await host.Operator.Post("/accounting/usage/rollup/get", new { day, app = "ofm", cccode = "cc-web" }, org);
            count = answer.StatusCode == HttpStatusCode.OK ? (await answer.JsonAsync()).GetProperty("count").GetInt64() : 0;
            return count >= 3;
        }, "the three requests with x-cccode were counted");
        Assert.Equal(3, count);

        var rollups = await UsageSteps.ListAll(host.Operator, "/accounting/usage/rollup/list", new { day_from = day, day_to = day, app = "ofm" }, org);
        var web = Assert.Single(rollups, r => r.GetProperty("cccode").GetString() == "cc-web");
        Assert.Equal(0, web.GetProperty("error_count").GetInt64());
        Assert.True(web.GetProperty("duration_ms").GetDouble() > 0);
        // The create (no cost centre header) is in the org's rollup without a cost centre.
        Assert.Contains(rollups, r => r.GetProperty("cccode").ValueKind == System.Text.Json.JsonValueKind.Null && r.GetProperty("count").GetInt64() >= 1);

        var records = await UsageSteps.ListAll(host.Operator, "/accounting/event/list", new { day_from = day, day_to = day, cccode = "cc-web" }, org);
        Assert.Equal(3, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal("ofm", r.GetProperty("app").GetString());
            Assert.Equal(owner.UserGuid, r.GetProperty("principal_id").GetString());
            Assert.EndsWith("/cost-centre/list", r.GetProperty("operation").GetString());
            Assert.False(string.IsNullOrEmpty(r.GetProperty("request_id").GetString()));
        });
    }

    [Fact]
    public async Task UC_ACC_001_a_rollup_sums_count_bytes_duration_and_errors_of_its_day_app_and_cost_centre()
    {
        var org = OfmSteps.NewOrgcode("accs");
        var ids = UsageSteps.NewIds(4);
        await host.Operator.Post("/accounting/event/record", new
        {
            events = new[]
            {
                UsageSteps.Event(ids[0], org, "scm", "2026-11-28T10:00:00Z", cccode: "cc-pos", durationMs: 10, requestBytes: 100, responseBytes: 1000),
                UsageSteps.Event(ids[1], org, "scm", "2026-11-28T11:00:00Z", cccode: "cc-pos", status: 409, durationMs: 5, requestBytes: 50),
                UsageSteps.Event(ids[2], org, "scm", "2026-11-28T12:00:00Z", durationMs: 1),
                UsageSteps.Event(ids[3], org, "pvm", "2026-11-29T12:00:00Z", cccode: "cc-pos", status: 500),
            },
        }, org).Ok();
        // A second write to the same rollup adds to it.
        await host.Operator.Post("/accounting/event/record", new
        {
            events = new[] { UsageSteps.Event(Guid.CreateVersion7().ToString(), org, "scm", "2026-11-28T13:00:00Z", cccode: "cc-pos", durationMs: 2.5) },
        }, org).Ok();

        var pos = await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-11-28", app = "scm", cccode = "cc-pos" }, org).Ok();
        Assert.Equal((3L, 1150L, 1L, 17.5), (pos.GetProperty("count").GetInt64(), pos.GetProperty("bytes").GetInt64(),
            pos.GetProperty("error_count").GetInt64(), pos.GetProperty("duration_ms").GetDouble()));
        Assert.Equal(2, pos.GetProperty("revision").GetInt64());
        var none = await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-11-28", app = "scm" }, org).Ok();
        Assert.Equal(1, none.GetProperty("count").GetInt64());

        var both = await UsageSteps.ListAll(host.Operator, "/accounting/usage/rollup/list", new { day_from = "2026-11-28", day_to = "2026-11-29" }, org);
        Assert.Equal(3, both.Count);
        var byCentre = await UsageSteps.ListAll(host.Operator, "/accounting/usage/rollup/list",
            new { day_from = "2026-11-28", day_to = "2026-11-29", cccode = "cc-pos" }, org);
        Assert.Equal(["2026-11-28:scm:cc-pos", "2026-11-29:pvm:cc-pos"], byCentre.Select(r => r.GetProperty("rollup_key").GetString()!).Order());
        var pvm = await UsageSteps.ListAll(host.Operator, "/accounting/usage/rollup/list", new { day_from = "2026-11-28", day_to = "2026-11-29", app = "pvm" }, org);
        Assert.Equal(1, Assert.Single(pvm).GetProperty("error_count").GetInt64());
    }

    [Fact]
    public async Task UC_ACC_001_usage_counts_in_the_local_day_of_the_time_zone_the_org_keeps_in_ofm()
    {
        var berlin = OfmSteps.NewOrgcode("accz");
        var owner = host.Factory.NewUser("owner");
        await host.Operator.PostJsonAsync("/ofm/org/create", new { orgcode = berlin, legal_name = "Berlin GmbH", owner_user_guid = owner.UserGuid, time_zone = "Mars/Olympus" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var created = await host.Operator.PostJsonAsync("/ofm/org/create",
            new { orgcode = berlin, legal_name = "Berlin GmbH", owner_user_guid = owner.UserGuid, time_zone = "Europe/Berlin" }).Ok(HttpStatusCode.Created);
        Assert.Equal("Europe/Berlin", created.GetProperty("time_zone").GetString());
        var active = await host.Operator.SetOrgStatus(berlin, "active", created.GetProperty("revision").GetInt64()).Ok();

        var utc = OfmSteps.NewOrgcode("accu");
        // 23:30 UTC on 1 December is 00:30 on 2 December in Berlin; an org without a zone counts it on the 1st.
        var late = "2026-12-01T23:30:00Z";
        await host.Operator.PostJsonAsync("/accounting/event/record", new
        {
            events = new[] { UsageSteps.Event(Guid.CreateVersion7().ToString(), berlin, "pvm", late), UsageSteps.Event(Guid.CreateVersion7().ToString(), utc, "pvm", late) },
        }).Ok();
        await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-12-02", app = "pvm" }, berlin).Ok();
        await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-12-01", app = "pvm" }, berlin).Problem(HttpStatusCode.NotFound, "not_found");
        await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-12-01", app = "pvm" }, utc).Ok();

        // The owner moves the org to another zone: OFM keeps it and says so in org.updated.
        await owner.Client.Post("/ofm/org/update", new { time_zone = "Windows/Nowhere", expected_revision = active.GetProperty("revision").GetInt64() }, berlin)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var moved = await owner.Client.Post("/ofm/org/update", new { time_zone = "Pacific/Auckland", expected_revision = active.GetProperty("revision").GetInt64() }, berlin).Ok();
        Assert.Equal("Pacific/Auckland", moved.GetProperty("time_zone").GetString());
        // The org lives outside any org scope, so its events are too; the data names the org.
        Assert.Contains(host.Factory.UnscopedOutboxEvents("ofm", "org.updated"),
            e => e.GetRawText().Contains(berlin, StringComparison.Ordinal) && e.GetRawText().Contains("Pacific/Auckland", StringComparison.Ordinal));
        // Accounting had the Berlin zone cached (for 15 minutes); org.updated makes it ask again, so usage moves to Auckland's day at once.
        var zones = host.Factory.Services.GetRequiredService<IOrgTimeZones>();
        await Waits.UntilAsync(async () => (await zones.OfAsync(berlin, default)).Id == "Pacific/Auckland", "Accounting to learn the new zone");
        // 11:30 UTC on 1 December is 00:30 on 2 December in Auckland (UTC+13), still the 1st in Berlin.
        await host.Operator.PostJsonAsync("/accounting/event/record",
            new { events = new[] { UsageSteps.Event(Guid.CreateVersion7().ToString(), berlin, "scm", "2026-12-01T11:30:00Z") } }).Ok();
        await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-12-02", app = "scm" }, berlin).Ok();
    }
}
