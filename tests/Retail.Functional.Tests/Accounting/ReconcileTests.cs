using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Accounting.Usage;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Accounting;

/// <summary>The reconcile report (usage records against rollups) finds a planted mismatch; the recompute repairs the day.</summary>
public sealed class ReconcileTests(AccountingHost host) : IClassFixture<AccountingHost>
{
    [Fact]
    public async Task UC_ACC_001_the_report_is_clean_normally_finds_a_rollup_written_wrong_and_the_recompute_repairs_it()
    {
        var org = OfmSteps.NewOrgcode("accq");
        var ids = UsageSteps.NewIds(5);
        await host.Operator.Post("/accounting/event/record", new
        {
            events = new[]
            {
                UsageSteps.Event(ids[0], org, "scm", "2026-11-10T10:00:00Z", cccode: "cc-a"),
                UsageSteps.Event(ids[1], org, "scm", "2026-11-10T11:00:00Z", cccode: "cc-a", status: 500),
                UsageSteps.Event(ids[2], org, "pvm", "2026-11-10T12:00:00Z"),
                UsageSteps.Event(ids[3], org, "pvm", "2026-11-11T12:00:00Z"),
                UsageSteps.Event(ids[4], org, "pvm", "2026-11-11T13:00:00Z", requestBytes: 7),
            },
        }, org).Ok();
        var clean = await Report(org, "2026-11-10", "2026-11-11");
        Assert.Equal((5L, 5L, 3), (clean.GetProperty("record_count").GetInt64(), clean.GetProperty("rollup_count").GetInt64(), clean.GetProperty("groups").GetInt32()));
        Assert.Equal(0, clean.GetProperty("mismatches").GetArrayLength());

        // Plant two faults through the store: a rollup counted wrong, and a rollup with no records behind it.
        await using (var scope = host.Factory.Services.CreateAsyncScope())
        {
            var rollups = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRollup>>();
            var loaded = (await rollups.GetAsync(org, UsageRollup.KeyOf("2026-11-10", "scm", "cc-a")))!;
            Assert.True((await rollups.UpdateAsync(org, loaded, loaded.Record with { Count = 9 })).Succeeded);
            Assert.True((await rollups.CreateAsync(org, new UsageRollup
            {
                RollupKey = UsageRollup.KeyOf("2026-11-11", "ghost", null), Day = "2026-11-11", App = "ghost", Count = 4,
            })).Succeeded);
        }
        var found = await Report(org, "2026-11-10", "2026-11-11");
        var mismatches = found.GetProperty("mismatches").EnumerateArray().ToList();
        Assert.Equal(2, mismatches.Count);
        var scm = Assert.Single(mismatches, m => m.GetProperty("app").GetString() == "scm");
        Assert.Equal(("2026-11-10", "cc-a", 2L, 9L), (scm.GetProperty("day").GetString(), scm.GetProperty("cccode").GetString(),
            scm.GetProperty("record_count").GetInt64(), scm.GetProperty("rollup_count").GetInt64()));
        var ghost = Assert.Single(mismatches, m => m.GetProperty("app").GetString() == "ghost");
        Assert.Equal((0L, 4L), (ghost.GetProperty("record_count").GetInt64(), ghost.GetProperty("rollup_count").GetInt64()));
        // A range that leaves the faulty days out is clean.
        Assert.Equal(0, (await Report(org, "2026-11-12", "2026-11-12")).GetProperty("mismatches").GetArrayLength());

        foreach (var day in new[] { "2026-11-10", "2026-11-11" })
        {
            var rebuilt = await host.Operator.Post("/accounting/usage/rollup/recompute", new { day }, org).Ok();
            Assert.Equal(day, rebuilt.GetProperty("day").GetString());
        }
        Assert.Equal(0, (await Report(org, "2026-11-10", "2026-11-11")).GetProperty("mismatches").GetArrayLength());
        var repaired = await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-11-10", app = "scm", cccode = "cc-a" }, org).Ok();
        Assert.Equal((2L, 1L), (repaired.GetProperty("count").GetInt64(), repaired.GetProperty("error_count").GetInt64()));
        Assert.Equal(0, (await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-11-11", app = "ghost" }, org).Ok())
            .GetProperty("count").GetInt64());
        Assert.Equal(2, host.Factory.OutboxEvents("accounting", org, "usage.rollup_recomputed").Count);

        // A recompute of a day that is right changes nothing and publishes nothing.
        await host.Operator.Post("/accounting/usage/rollup/recompute", new { day = "2026-11-10" }, org).Ok();
        Assert.Equal(2, host.Factory.OutboxEvents("accounting", org, "usage.rollup_recomputed").Count);
    }

    [Fact]
    public async Task The_report_takes_a_range_of_at_most_31_days()
    {
        var org = OfmSteps.NewOrgcode("accv");
        await host.Operator.Post("/accounting/reconcile/report", new { day_from = "2026-10-01", day_to = "2026-11-01" }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/reconcile/report", new { day_from = "2026-10-01" }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/usage/rollup/recompute", new { day = "yesterday" }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var empty = await Report(org, "2026-10-01", "2026-10-31");
        Assert.Equal((0L, 0), (empty.GetProperty("record_count").GetInt64(), empty.GetProperty("mismatches").GetArrayLength()));
    }

    private Task<System.Text.Json.JsonElement> Report(string org, string from, string to) =>
        host.Operator.Post("/accounting/reconcile/report", new { day_from = from, day_to = to }, org).Ok();
}
