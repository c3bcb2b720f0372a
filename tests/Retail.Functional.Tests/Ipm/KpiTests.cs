using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ipm;

/// <summary>UC-IPM-004: KPI values with dimensions, aggregates over a window, and alerts that fire once per crossing.</summary>
public sealed class KpiTests(IpmHost host) : IClassFixture<IpmHost>
{
    private static readonly DateTimeOffset Ten = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task UC_IPM_004_values_with_dimensions_are_summed_averaged_and_counted_per_hour_grouped_by_a_dimension()
    {
        var org = await host.NewOrgAsync("kpi");
        foreach (var (minutes, channel, value, facility) in new[] { (5, "web", 10.0, "f2"), (30, "web", 20.0, "f2"), (45, "pos", 5.0, "f2"), (75, "web", 30.0, "f2"), (80, "pos", 7.0, "f1") })
        {
            await org.Record("orders_placed", value, new() { ["channel_code"] = channel, ["facility_code"] = facility }, Ten.AddMinutes(minutes));
        }
        // Outside the window: the hour before and the hour after.
        await org.Record("orders_placed", 1000, new() { ["channel_code"] = "web" }, Ten.AddMinutes(-1));
        await org.Record("orders_placed", 1000, new() { ["channel_code"] = "web" }, Ten.AddHours(2));

        var sums = await org.Query(new { name = "orders_placed", from = Ten, to = Ten.AddHours(2), group_by = "channel_code", interval = "hour", aggregate = "sum" });
        Assert.Equal(
            [new B("pos", Ten, 5.0, 1L), new B("pos", Ten.AddHours(1), 7.0, 1L), new B("web", Ten, 30.0, 2L), new B("web", Ten.AddHours(1), 30.0, 1L)],
            Buckets(sums));
        var averages = await org.Query(new { name = "orders_placed", from = Ten, to = Ten.AddHours(2), group_by = "channel_code", interval = "hour", aggregate = "avg" });
        Assert.Contains(new B("web", Ten, 15.0, 2), Buckets(averages));

        var counts = await org.Query(new { name = "orders_placed", from = Ten, to = Ten.AddHours(2), interval = "hour", aggregate = "count" });
        Assert.Equal([new B(null, Ten, 3.0, 3L), new B(null, Ten.AddHours(1), 2.0, 2L)], Buckets(counts));

        var f1Daily = await org.Query(new { name = "orders_placed", from = Ten, to = Ten.AddHours(2), dimensions = new { facility_code = "f1" }, interval = "day", aggregate = "max" });
        Assert.Equal([new B(null, Ten.AddHours(-10), 7.0, 1)], Buckets(f1Daily));

        // A window that does not start on the hour reads minute rollups; buckets stay on the hour.
        var partial = await org.Query(new { name = "orders_placed", from = Ten.AddMinutes(30), to = Ten.AddMinutes(46), interval = "hour", aggregate = "min" });
        Assert.Equal([new B(null, Ten, 5.0, 2L)], Buckets(partial));
        var byMinute = await org.Query(new { name = "orders_placed", from = Ten, to = Ten.AddMinutes(31), group_by = "channel_code", interval = "minute", aggregate = "sum" });
        Assert.Equal([new B("web", Ten.AddMinutes(5), 10.0, 1L), new B("web", Ten.AddMinutes(30), 20.0, 1L)], Buckets(byMinute));
    }

    [Fact]
    public async Task UC_IPM_004_a_value_recorded_again_with_the_same_idempotency_key_counts_once()
    {
        var org = await host.NewOrgAsync("kpii");
        var body = new { name = "refunds", value = 3.5, observed_at = Ten.AddMinutes(1) };
        var first = await org.Clerk.Client.PostJsonAsync("/ipm/kpi/record", body, HttpJson.Headers(("x-orgcode", org.Orgcode), ("Idempotency-Key", "rec-1"))).Ok(HttpStatusCode.Created);
        var again = await org.Clerk.Client.PostJsonAsync("/ipm/kpi/record", body, HttpJson.Headers(("x-orgcode", org.Orgcode), ("Idempotency-Key", "rec-1"))).Ok(HttpStatusCode.Created);
        Assert.Equal(first.Str("kpi_value_guid"), again.Str("kpi_value_guid"));
        var count = await org.Query(new { name = "refunds", from = Ten, to = Ten.AddHours(1), interval = "hour", aggregate = "count" });
        Assert.Equal([new B(null, Ten, 1.0, 1L)], Buckets(count));
    }

    [Fact]
    public async Task UC_IPM_004_an_alert_fires_once_when_its_aggregate_crosses_the_threshold_and_resolves_when_it_crosses_back()
    {
        var org = await host.NewOrgAsync("kpia");
        var rule = await org.Post("/ipm/kpi/alert", new
        {
            kpi = "basket_value", code = "high_avg", condition = "above", threshold = 100, window_minutes = 60, aggregate = "avg",
            dimensions = new { channel_code = "web" },
        }).Ok(HttpStatusCode.Created);
        Assert.Equal(("ok", 1L), (rule.Str("state"), rule.GetProperty("revision").GetInt64()));

        await org.Record("basket_value", 50, new() { ["channel_code"] = "web" });
        Assert.Equal("ok", (await org.Alert("high_avg")).Str("state"));
        await org.Record("basket_value", 500, new() { ["channel_code"] = "pos" }); // another channel: not this alert's values
        Assert.Equal("ok", (await org.Alert("high_avg")).Str("state"));

        await org.Record("basket_value", 200, new() { ["channel_code"] = "web" });
        var firing = await org.Alert("high_avg");
        Assert.Equal(("firing", 125.0), (firing.Str("state"), firing.GetProperty("last_value").GetDouble()));
        await org.Record("basket_value", 300, new() { ["channel_code"] = "web" });
        Assert.Equal("firing", (await org.Alert("high_avg")).Str("state"));
        var fired = host.Factory.OutboxEvents("ipm", org.Orgcode, "kpi.alert_fired");
        Assert.Equal(("high_avg", 125.0), (Assert.Single(fired).Str("code"), fired[0].GetProperty("value").GetDouble()));
        // Firing puts an item in the owner's IPM inbox (the creator by default), in the same transaction as the event.
        var items = (await org.Post("/ipm/inbox/list", new { subject_entity = "kpi_alert", subject_key = rule.Str("alert_guid") }).Ok())
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Equal((org.Owner.UserGuid, fired[0].Str("inbox_item_guid")), (Assert.Single(items).GetProperty("assignee").Str("id"), items[0].Str("inbox_item_guid")));
        Assert.Contains("125", items[0].Str("body"), StringComparison.Ordinal);

        foreach (var _ in Enumerable.Range(0, 3))
        {
            await org.Record("basket_value", 0, new() { ["channel_code"] = "web" });
        }
        var resolved = await org.Alert("high_avg");
        Assert.Equal("ok", resolved.Str("state"));
        Assert.Equal(550.0 / 6, resolved.GetProperty("last_value").GetDouble(), 6);
        Assert.Equal("ok", Assert.Single(host.Factory.OutboxEvents("ipm", org.Orgcode, "kpi.alert_resolved")).Str("state"));
        Assert.Single(host.Factory.OutboxEvents("ipm", org.Orgcode, "kpi.alert_fired"));

        // Changing the rule names the revision it is based on; the list answers every rule of the KPI with its state.
        await org.Post("/ipm/kpi/alert", new { kpi = "basket_value", code = "high_avg", condition = "above", threshold = 50, window_minutes = 60, aggregate = "avg" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var changed = await org.Post("/ipm/kpi/alert", new
        {
            kpi = "basket_value", code = "high_avg", condition = "above", threshold = 50, window_minutes = 60, aggregate = "avg", expected_revision = resolved.GetProperty("revision").GetInt64(),
        }).Ok();
        Assert.Equal(50.0, changed.GetProperty("threshold").GetDouble());
        Assert.Equal("firing", changed.Str("state")); // 91.7 is above the new threshold: a crossing, fired once more
        Assert.Equal(2, host.Factory.OutboxEvents("ipm", org.Orgcode, "kpi.alert_fired").Count);
        var listed = await org.Post("/ipm/kpi/alert", new { kpi = "basket_value" }).Ok();
        Assert.Equal("high_avg", Assert.Single(listed.GetProperty("items").EnumerateArray()).Str("code"));
        await org.Post(org.Clerk, "/ipm/kpi/alert", new { kpi = "basket_value" }).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UC_IPM_004_an_alert_names_a_team_or_member_of_the_org_as_its_owner_and_an_api_key_must_name_one()
    {
        var org = await host.NewOrgAsync("kpio");
        var rule = new { kpi = "returns", code = "many", condition = "above", threshold = 5, window_minutes = 60, aggregate = "count" };
        await org.Post("/ipm/kpi/alert", new { rule.kpi, rule.code, rule.condition, rule.threshold, rule.window_minutes, rule.aggregate,
            owner = new { kind = "member", id = Guid.NewGuid() } }).Problem(HttpStatusCode.UnprocessableEntity, "assignee_not_found");
        await org.Post("/ipm/kpi/alert", new { rule.kpi, rule.code, rule.condition, rule.threshold, rule.window_minutes, rule.aggregate,
            owner = new { kind = "member" } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var created = await org.Post("/ipm/kpi/alert", new { rule.kpi, rule.code, rule.condition, rule.threshold, rule.window_minutes, rule.aggregate,
            owner = new { kind = "member", id = org.Clerk.UserGuid } }).Ok(HttpStatusCode.Created);
        Assert.Equal(org.Clerk.UserGuid, created.GetProperty("owner").Str("id"));

        // The operator acts for nobody in the org: a webhook or alert it creates names its owner.
        await host.Operator.Post("/ipm/kpi/alert", new { rule.kpi, code = "many2", rule.condition, rule.threshold, rule.window_minutes, rule.aggregate }, org.Orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "owner_required");
        await host.Operator.Post("/ipm/webhook/create", new { url = "https://hooks.example.com/in", event_types = new[] { "*" } }, org.Orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "owner_required");
    }

    [Fact]
    public async Task UC_IPM_004_bad_names_values_windows_and_rules_are_refused_with_codes()
    {
        var org = await host.NewOrgAsync("kpiv");
        await org.Post(org.Clerk, "/ipm/kpi/record", new { name = "Bad Name!", value = 1 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/ipm/kpi/record", new { name = "sales" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        foreach (var raw in new[] { """{"name":"sales","value":"NaN"}""", """{"name":"sales","value":1e999}""", """{"name":"sales","value":"Infinity"}""" })
        {
            using var refused = await org.Clerk.Client.PostJsonAsync("/ipm/kpi/record", raw, HttpJson.Headers(("x-orgcode", org.Orgcode)));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull(await refused.ProblemCodeAsync());
        }
        await org.Post(org.Clerk, "/ipm/kpi/record", new { name = "sales", value = 1, dimensions = new Dictionary<string, string> { ["Not A Code"] = "x" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/ipm/kpi/record", new { name = "sales", value = 1 }).Problem(HttpStatusCode.Forbidden, "forbidden");

        await org.Post(org.Viewer, "/ipm/kpi/query", new { name = "sales", from = Ten.AddHours(1), to = Ten, interval = "hour", aggregate = "sum" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/ipm/kpi/query", new { name = "sales", from = Ten.AddSeconds(10), to = Ten.AddHours(1), interval = "hour", aggregate = "sum" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/ipm/kpi/query", new { name = "sales", from = Ten, to = Ten.AddHours(1), interval = "week", aggregate = "median" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/ipm/kpi/query", new { name = "sales", from = Ten, to = Ten.AddDays(3), interval = "minute", aggregate = "sum" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        await org.Post("/ipm/kpi/alert", new { kpi = "sales", code = "x1", condition = "sideways", threshold = 1, window_minutes = 0, aggregate = "sum" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ipm/kpi/alert", new { kpi = "sales", code = "missing" }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_IPM_004_an_org_never_sees_another_orgs_values_or_alerts()
    {
        var first = await host.NewOrgAsync("kpio");
        var second = await host.NewOrgAsync("kpip");
        await first.Record("visits", 42, new() { ["channel_code"] = "web" }, Ten.AddMinutes(3));
        await first.Post("/ipm/kpi/alert", new { kpi = "visits", code = "busy", condition = "above", threshold = 10, window_minutes = 5, aggregate = "sum" })
            .Ok(HttpStatusCode.Created);

        Assert.Equal([new B(null, Ten, 42.0, 1L)], Buckets(await first.Query(new { name = "visits", from = Ten, to = Ten.AddHours(1), interval = "hour", aggregate = "sum" })));
        Assert.Empty(Buckets(await second.Query(new { name = "visits", from = Ten, to = Ten.AddHours(1), interval = "hour", aggregate = "sum" })));
        Assert.Empty((await second.Post("/ipm/kpi/alert", new { kpi = "visits" }).Ok()).GetProperty("items").EnumerateArray());
    }

    private sealed record B(string? Group, DateTimeOffset Start, double? Value, long Count);

    private static List<B> Buckets(JsonElement result) =>
        [.. result.GetProperty("series").EnumerateArray().SelectMany(s => s.GetProperty("buckets").EnumerateArray().Select(b => new B(
            s.GetProperty("group").ValueKind == JsonValueKind.Null ? null : s.GetProperty("group").GetString(),
            b.GetProperty("start").GetDateTimeOffset(),
            b.GetProperty("value").ValueKind == JsonValueKind.Null ? (double?)null : b.GetProperty("value").GetDouble(),
            b.GetProperty("count").GetInt64())))];
}

internal static class KpiSteps
{
    public static Task<JsonElement> Record(this IpmOrg org, string name, double value, Dictionary<string, string> dimensions, DateTimeOffset? observedAt = null) =>
        org.Post(org.Clerk, "/ipm/kpi/record", new { name, value, dimensions, observed_at = observedAt }).Ok(HttpStatusCode.Created);

    public static Task<JsonElement> Query(this IpmOrg org, object body) => org.Post(org.Viewer, "/ipm/kpi/query", body).Ok();

    public static async Task<JsonElement> Alert(this IpmOrg org, string code) =>
        (await org.Post("/ipm/kpi/alert", new { kpi = "basket_value", code }).Ok()).GetProperty("items")[0];
}
