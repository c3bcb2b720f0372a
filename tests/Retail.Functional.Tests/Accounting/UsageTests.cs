using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Accounting.Usage;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Accounting;

/// <summary>Usage events (issue 20, UC-ACC-001): recorded in batches by id, stored once, read back; operator-only; bad input is 4xx.</summary>
public sealed class UsageTests(AccountingHost host) : IClassFixture<AccountingHost>
{
    [Fact]
    public async Task UC_ACC_001_recorded_events_are_stored_once_by_id_and_read_back_by_get_and_list()
    {
        var org = OfmSteps.NewOrgcode("accu");
        var ids = UsageSteps.NewIds(3);
        var events = new object[]
        {
            UsageSteps.Event(ids[0], org, "pvm", "2026-11-30T10:00:00Z", cccode: "cc-web", requestBytes: 100, responseBytes: 400),
            UsageSteps.Event(ids[1], org, "scm", "2026-11-30T11:00:00Z", status: 422),
            UsageSteps.Event(ids[2], org, "pvm", "2026-12-01T09:00:00Z", cccode: "cc-web"),
            UsageSteps.Event(ids[0], org, "pvm", "2026-11-30T10:00:00Z", cccode: "cc-web", requestBytes: 100, responseBytes: 400),
        };
        var first = await host.Operator.Post("/accounting/event/record", new { events }, org).Ok();
        Assert.Equal((3, 1), (first.GetProperty("recorded").GetInt32(), first.GetProperty("duplicates").GetInt32()));
        var again = await host.Operator.Post("/accounting/event/record", new { events = events[..3] }, org).Ok();
        Assert.Equal((0, 3), (again.GetProperty("recorded").GetInt32(), again.GetProperty("duplicates").GetInt32()));

        var got = await host.Operator.Post("/accounting/event/get", new { event_id = ids[0] }, org).Ok();
        Assert.Equal("pvm", got.GetProperty("app").GetString());
        Assert.Equal("cc-web", got.GetProperty("cccode").GetString());
        Assert.Equal("2026-11-30", got.GetProperty("day").GetString());
        Assert.Equal(400, got.GetProperty("response_bytes").GetInt64());
        Assert.Equal(1, got.GetProperty("revision").GetInt64());

        Assert.Equal(3, (await UsageSteps.ListAll(host.Operator, "/accounting/event/list", new { day_from = "2026-11-30", day_to = "2026-12-01" }, org)).Count);
        Assert.Equal(new[] { ids[0], ids[2] }.Order(), (await UsageSteps.ListAll(host.Operator, "/accounting/event/list",
            new { day_from = "2026-11-30", day_to = "2026-12-01", app = "pvm" }, org)).Select(e => e.GetProperty("event_id").GetString()!).Order());
        Assert.Equal([ids[0]], (await UsageSteps.ListAll(host.Operator, "/accounting/event/list",
            new { day_from = "2026-11-30", day_to = "2026-11-30", cccode = "cc-web" }, org)).Select(e => e.GetProperty("event_id").GetString()!));
        var paged = await host.Operator.Post("/accounting/event/list", new { day_from = "2026-11-30", day_to = "2026-12-01", limit = 2 }, org).Ok();
        Assert.Equal(2, paged.GetProperty("items").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, paged.GetProperty("next_token").ValueKind);

        // Tenant isolation: another org does not see them.
        await host.Operator.Post("/accounting/event/get", new { event_id = ids[0] }, OfmSteps.NewOrgcode("accx")).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_ACC_001_an_apps_list_pages_one_by_one_through_the_other_apps_events_in_day_and_id_order()
    {
        var org = OfmSteps.NewOrgcode("acca");
        var ids = UsageSteps.NewIds(9);
        string[] apps = ["crm", "pvm", "scm"];
        string[] days = ["2026-11-28", "2026-11-29", "2026-11-30"];
        // Every day holds each app's events, so the day index interleaves them: crm, pvm and scm entries side by side.
        var events = Enumerable.Range(0, 9).Select(i => UsageSteps.Event(ids[i], org, apps[i % 3], $"{days[i / 3]}T1{i % 3}:00:00Z")).ToArray();
        await host.Operator.Post("/accounting/event/record", new { events }, org).Ok();

        var pvm = await UsageSteps.ListAll(host.Operator, "/accounting/event/list", new { day_from = "2026-11-28", day_to = "2026-11-30", app = "pvm", limit = 1 }, org);
        Assert.Equal([ids[1], ids[4], ids[7]], pvm.Select(e => e.GetProperty("event_id").GetString()!));
        Assert.All(pvm, e => Assert.Equal("pvm", e.GetProperty("app").GetString()));
        var lastTwoDays = await UsageSteps.ListAll(host.Operator, "/accounting/event/list", new { day_from = "2026-11-29", day_to = "2026-11-30", app = "scm", limit = 1 }, org);
        Assert.Equal([ids[5], ids[8]], lastTwoDays.Select(e => e.GetProperty("event_id").GetString()!));
        var all = await UsageSteps.ListAll(host.Operator, "/accounting/event/list", new { day_from = "2026-11-28", day_to = "2026-11-30", limit = 2 }, org);
        Assert.Equal(ids, all.Select(e => e.GetProperty("event_id").GetString()!));
    }

    [Fact]
    public async Task UC_ACC_001_concurrent_writers_with_overlapping_ids_store_each_once_and_the_rollups_count_exactly_those()
    {
        var org = OfmSteps.NewOrgcode("accc");
        var ids = UsageSteps.NewIds(240);
        // Eight writers at once, every id in two of them: each write is committed with others in one group commit, so
        // some duplicates meet in the same batch and some find the id stored by an earlier one.
        object EventOf(int i) => UsageSteps.Event(ids[i], org, i % 2 == 0 ? "pvm" : "scm", i % 3 == 0 ? "2026-11-20T10:00:00Z" : "2026-11-21T10:00:00Z",
            requestBytes: 10);
        var writes = Enumerable.Range(0, 8).Select(w => Enumerable.Range(0, 60).Select(j => (w * 30 + j) % 240).Select(EventOf).ToArray()).ToList();
        var answers = await Task.WhenAll(writes.Select(events => host.Operator.Post("/accounting/event/record", new { events }, org).Ok()));
        Assert.Equal(240, answers.Sum(a => a.GetProperty("recorded").GetInt32()));
        Assert.Equal(240, answers.Sum(a => a.GetProperty("duplicates").GetInt32()));

        var stored = await UsageSteps.ListAll(host.Operator, "/accounting/event/list", new { day_from = "2026-11-20", day_to = "2026-11-21" }, org);
        Assert.Equal(ids.Order(), stored.Select(e => e.GetProperty("event_id").GetString()!).Order());
        foreach (var (day, app) in new[] { ("2026-11-20", "pvm"), ("2026-11-20", "scm"), ("2026-11-21", "pvm"), ("2026-11-21", "scm") })
        {
            var expected = Enumerable.Range(0, 240).Count(i => (i % 2 == 0 ? "pvm" : "scm") == app && (i % 3 == 0 ? "2026-11-20" : "2026-11-21") == day);
            var rollup = await host.Operator.Post("/accounting/usage/rollup/get", new { day, app }, org).Ok();
            Assert.Equal((expected, expected * 10L), (rollup.GetProperty("count").GetInt64(), rollup.GetProperty("bytes").GetInt64()));
        }
    }

    [Fact]
    public async Task UC_ACC_001_a_rollup_changed_behind_the_writer_is_added_to_not_overwritten_with_the_writers_older_copy()
    {
        var org = OfmSteps.NewOrgcode("acco");
        var ids = UsageSteps.NewIds(3);
        await host.Operator.Post("/accounting/event/record", new { events = new[] { UsageSteps.Event(ids[0], org, "ics", "2026-11-22T10:00:00Z") } }, org).Ok();
        await host.Operator.Post("/accounting/event/record", new { events = new[] { UsageSteps.Event(ids[1], org, "ics", "2026-11-22T11:00:00Z") } }, org).Ok();
        await using (var scope = host.Factory.Services.CreateAsyncScope())
        {
            // Another writer (a recompute, another replica) changes the rollup the writer last committed.
            var rollups = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRollup>>();
            var loaded = (await rollups.GetAsync(org, UsageRollup.KeyOf("2026-11-22", "ics", null)))!;
            Assert.Equal(2, loaded.Record.Count);
            Assert.True((await rollups.UpdateAsync(org, loaded, loaded.Record with { Count = 40 })).Succeeded);
        }
        await host.Operator.Post("/accounting/event/record", new { events = new[] { UsageSteps.Event(ids[2], org, "ics", "2026-11-22T12:00:00Z") } }, org).Ok();
        var rollup = await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-11-22", app = "ics" }, org).Ok();
        Assert.Equal(41, rollup.GetProperty("count").GetInt64());
        Assert.Equal(4, rollup.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task UC_ACC_001_a_redelivered_topic_event_is_stored_and_counted_once()
    {
        var org = OfmSteps.NewOrgcode("accr");
        var id = Guid.CreateVersion7().ToString();
        var usage = new
        {
            service = "crm", operation = "/customer/get", orgcode = org, principal_id = "u-1", principal_kind = "user", cccode = (string?)null,
            status = 200, duration_ms = 3.5, request_bytes = 12, at = "2026-11-29T08:00:00Z", id,
        };
        // The subscriber as the bus calls it, twice with the same event (the operator may call internal endpoints).
        for (var i = 0; i < 2; i++)
        {
            await host.Operator.PostJsonAsync("/accounting/events/usage", usage).Ok();
        }
        var rollup = await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-11-29", app = "crm" }, org).Ok();
        Assert.Equal(1, rollup.GetProperty("count").GetInt64());
        Assert.Equal(12, rollup.GetProperty("bytes").GetInt64());

        // Usage with no org is the operator's: read without x-orgcode.
        var none = Guid.CreateVersion7().ToString();
        await host.Operator.PostJsonAsync("/accounting/events/usage", usage with { orgcode = (string)null!, id = none }).Ok();
        var stored = await host.Operator.PostJsonAsync("/accounting/event/get", new { event_id = none }).Ok();
        Assert.Equal("crm", stored.GetProperty("app").GetString());
        await host.Operator.Post("/accounting/event/get", new { event_id = none }, org).Problem(HttpStatusCode.NotFound, "not_found");

        // A body that is no usage event is refused (400: dead-lettered, not retried for ever).
        using var bad = await host.Operator.PostJsonAsync("/accounting/events/usage", new { hello = "world" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task UC_ACC_001_a_batch_message_spanning_orgs_is_stored_per_org_once_and_an_unreadable_event_is_left_out()
    {
        var (a, b) = (OfmSteps.NewOrgcode("acba"), OfmSteps.NewOrgcode("acbb"));
        object Event(string org, string id, int bytes) => new
        {
            service = "pvm", operation = "/variant/get", orgcode = org, principal_id = "u-1", principal_kind = "user", cccode = "cc-web",
            status = 200, duration_ms = 2.0, request_bytes = bytes, at = "2026-11-28T08:00:00Z", id,
        };
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7().ToString()).ToArray();
        // What a service's usage recorder publishes: one message, events of several orgs; one event has no id.
        var batch = new { events = new object[] { Event(a, ids[0], 10), Event(a, ids[1], 20), Event(b, ids[2], 5), new { service = "pvm" } } };

        // Delivered twice (a redelivery after a crash): the second stores nothing.
        var first = await host.Operator.PostJsonAsync("/accounting/events/usage", batch).Ok();
        Assert.Equal(3, first.GetProperty("recorded").GetInt32());
        var again = await host.Operator.PostJsonAsync("/accounting/events/usage", batch).Ok();
        Assert.Equal(0, again.GetProperty("recorded").GetInt32());
        Assert.Equal(3, again.GetProperty("duplicates").GetInt32());

        var inA = await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-11-28", app = "pvm", cccode = "cc-web" }, a).Ok();
        Assert.Equal(2, inA.GetProperty("count").GetInt64());
        Assert.Equal(30, inA.GetProperty("bytes").GetInt64());
        var inB = await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-11-28", app = "pvm", cccode = "cc-web" }, b).Ok();
        Assert.Equal(1, inB.GetProperty("count").GetInt64());
        await host.Operator.Post("/accounting/event/get", new { event_id = ids[2] }, a).Problem(HttpStatusCode.NotFound, "not_found");

        // A batch of nothing readable is refused (dead-lettered).
        using var bad = await host.Operator.PostJsonAsync("/accounting/events/usage", new { events = new[] { new { hello = "world" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Only_the_operator_reaches_accounting_an_org_owner_gets_403()
    {
        var org = OfmSteps.NewOrgcode("acco");
        var owner = host.Factory.NewUser("owner");
        await host.Operator.ActiveOrg(org, owner.UserGuid);
        var calls = new (string Path, object Body)[]
        {
            ("/accounting/event/record", new { events = new[] { UsageSteps.Event(Guid.NewGuid().ToString(), org, "pvm", "2026-11-30T10:00:00Z") } }),
            ("/accounting/event/get", new { event_id = "x" }),
            ("/accounting/event/list", new { day_from = "2026-11-30", day_to = "2026-11-30" }),
            ("/accounting/lineage/list", new { request_id = "r-1" }),
            ("/accounting/usage/rollup/get", new { day = "2026-11-30", app = "pvm" }),
            ("/accounting/usage/rollup/list", new { day_from = "2026-11-30", day_to = "2026-11-30" }),
            ("/accounting/usage/rollup/recompute", new { day = "2026-11-30" }),
            ("/accounting/reconcile/report", new { day_from = "2026-11-30", day_to = "2026-11-30" }),
        };
        using var anonymous = host.Factory.CreateClient();
        foreach (var (path, body) in calls)
        {
            await owner.Client.Post(path, body, org).Problem(HttpStatusCode.Forbidden, "forbidden");
            await anonymous.Post(path, body, org).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        }
        await owner.Client.Post("/accounting/events/usage", new { }, org).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Bad_input_is_a_4xx_problem_with_a_stable_code()
    {
        var org = OfmSteps.NewOrgcode("accb");
        var ok = UsageSteps.Event(Guid.NewGuid().ToString(), org, "pvm", "2026-11-30T10:00:00Z");
        await host.Operator.Post("/accounting/event/record", new { events = Array.Empty<object>() }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/record", new { events = Enumerable.Range(0, 1001).Select(_ => ok).ToArray() }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/record", new { }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/record", new { events = new[] { new { service = "pvm" } } }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/record",
            new { events = new[] { UsageSteps.Event("a|b", org, "pvm", "2026-11-30T10:00:00Z") } }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/record",
            new { events = new[] { UsageSteps.Event(Guid.NewGuid().ToString(), org, "pvm", "2026-11-30T10:00:00Z", traceId: "not-a-trace") } }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/record", new { events = new[] { ok }, extra = 1 }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/record", "{\"events\": [", org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/record", new { events = new[] { ok } }, OfmSteps.NewOrgcode("accz"))
            .Problem(HttpStatusCode.BadRequest, "context_mismatch");

        await host.Operator.Post("/accounting/event/get", new { }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/get", new { event_id = Guid.NewGuid().ToString() }, org).Problem(HttpStatusCode.NotFound, "not_found");
        await host.Operator.Post("/accounting/event/list", new { day_from = "2026-11-31", day_to = "2026-12-01" }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/list", new { day_from = "2026-12-02", day_to = "2026-12-01" }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/list", new { day_from = "2026-12-01" }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/list", new { day_from = "2026-12-01", day_to = "2026-12-01", limit = 501 }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/event/list", new { day_from = "2026-12-01", day_to = "2026-12-01", next_token = "garbage" }, org)
            .Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-12-01" }, org).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-12-01", app = "Not A Code!" }, org)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Operator.Post("/accounting/usage/rollup/get", new { day = "2026-12-01", app = "pvm" }, org).Problem(HttpStatusCode.NotFound, "not_found");
        await host.Operator.Post("/accounting/event/get", new { event_id = "x" }, "Bad Org!").Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}

/// <summary>Usage events as an importer writes them, and the read-all of a paged list.</summary>
internal static class UsageSteps
{
    public static string[] NewIds(int count) => Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7().ToString()).ToArray();

    public static object Event(string id, string? orgcode, string service, string at, string? cccode = null, int status = 200,
        double durationMs = 2.5, long requestBytes = 0, long responseBytes = 0, string? traceId = null, string? requestId = null) => new
        {
            id,
            service,
            operation = "/thing/get",
            orgcode,
            principal_id = "user-1",
            principal_kind = "user",
            cccode,
            status,
            duration_ms = durationMs,
            request_bytes = requestBytes,
            response_bytes = responseBytes,
            trace_id = traceId,
            request_id = requestId,
            at,
        };

    public static async Task<List<JsonElement>> ListAll(HttpClient client, string path, object filters, string? orgcode)
    {
        var all = new List<JsonElement>();
        string? token = null;
        do
        {
            var body = JsonSerializer.SerializeToElement(filters, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
            var withToken = body.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
            if (token is not null)
            {
                withToken["next_token"] = token;
            }
            var page = orgcode is null ? await client.PostJsonAsync(path, withToken).Ok() : await client.Post(path, withToken, orgcode).Ok();
            all.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.GetProperty("next_token").GetString();
        }
        while (token is not null);
        return all;
    }
}
