using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Contract;

/// <summary>Revisions, idempotency, events and usage of writes.</summary>
public sealed partial class ContractTests
{
    [Fact]
    public async Task changes_need_the_expected_revision_and_a_stale_one_is_409_with_the_current_revision()
    {
        var client = _host.Operator("acme");
        var item = await CreateItem(client, "rev");
        var guid = item.GetProperty("item_guid").GetString();
        Assert.Equal(1, item.GetProperty("revision").GetInt64());

        var missing = await client.PostJsonAsync("/probe/item/update", new { item_guid = guid, name = "x" });
        var ok = await client.PostJsonAsync("/probe/item/update", new { item_guid = guid, name = "rev2", expected_revision = 1 });
        var stale = await client.PostJsonAsync("/probe/item/update", new { item_guid = guid, name = "rev3", expected_revision = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("expected_revision_required", await missing.ProblemCodeAsync());
        Assert.Equal(2, (await ok.JsonAsync()).GetProperty("revision").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await stale.JsonAsync();
        Assert.Equal("revision_mismatch", problem.GetProperty("code").GetString());
        Assert.Equal(2, problem.GetProperty("current_revision").GetInt64());
    }

    [Fact]
    public async Task concurrent_updates_from_one_revision_have_exactly_one_winner()
    {
        var client = _host.Operator("acme");
        var guid = (await CreateItem(client, "contended")).GetProperty("item_guid").GetString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => client.PostJsonAsync("/probe/item/update", new { item_guid = guid, name = $"writer-{i}", expected_revision = 1 })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var current = await (await client.PostJsonAsync("/probe/item/get", new { item_guid = guid })).JsonAsync();
        Assert.Equal(2, current.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task a_move_the_state_machine_does_not_allow_is_409_invalid_transition_listing_the_allowed_moves()
    {
        var client = _host.Operator("acme");
        var guid = (await CreateItem(client, "lifecycle")).GetProperty("item_guid").GetString();

        var refused = await client.PostJsonAsync("/probe/item/status", new { item_guid = guid, status = "retired", expected_revision = 1 });
        var allowed = await client.PostJsonAsync("/probe/item/status", new { item_guid = guid, status = "active", expected_revision = 1 });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.JsonAsync();
        Assert.Equal("invalid_transition", problem.GetProperty("code").GetString());
        Assert.Equal(["active"], problem.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal("active", (await allowed.JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task a_duplicate_code_is_409_and_doom_frees_it_while_keeping_history()
    {
        var client = _host.Operator("acme");
        var item = await CreateItem(client, "unique-name");
        var guid = item.GetProperty("item_guid").GetString();

        var duplicate = await client.PostJsonAsync("/probe/item/create", new { name = "unique-name", count = 2 });
        var doomed = await client.PostJsonAsync("/probe/item/doom", new { item_guid = guid, expected_revision = 1 });
        var reused = await client.PostJsonAsync("/probe/item/create", new { name = "unique-name", count = 3 });
        var getDoomed = await client.PostJsonAsync("/probe/item/get", new { item_guid = guid });
        var live = await (await client.PostJsonAsync("/probe/item/list", new { })).JsonAsync();
        var all = await (await client.PostJsonAsync("/probe/item/list", new { include_doomed = true })).JsonAsync();
        var history = await (await client.PostJsonAsync("/probe/item/history", new { item_guid = guid })).JsonAsync();

        Assert.Equal("duplicate", await duplicate.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.OK, doomed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, reused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, getDoomed.StatusCode);
        Assert.Equal(1, live.GetProperty("items").GetArrayLength());
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());
        var entries = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["created", "doomed"], entries.Select(e => e.GetProperty("op").GetString()!).ToArray());
        Assert.Equal([1L, 2L], entries.Select(e => e.GetProperty("revision").GetInt64()).ToArray());
        Assert.Contains("doomed_at", entries[1].GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("operator", entries[1].GetProperty("principal_id").GetString());
    }

    [Fact]
    public async Task lists_page_with_next_token_in_a_stable_order_without_gaps_or_repeats()
    {
        var client = _host.Operator("acme");
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await CreateItem(client, $"page-{i}")).GetProperty("item_guid").GetString()!);
        }

        var (first, pages) = await Traverse(client);
        var (second, _) = await Traverse(client);

        Assert.Equal(3, pages);
        Assert.Equal(created.Order(StringComparer.Ordinal), first.Order(StringComparer.Ordinal));
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.Equal(first, second);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync("/probe/item/list", new { limit = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync("/probe/item/list", new { limit = 501 })).StatusCode);
    }

    [Fact]
    public async Task every_committed_change_publishes_one_cdc_event_and_its_business_event_reaches_subscribers()
    {
        var client = _host.Operator("acme");
        var guid = (await CreateItem(client, "evented")).GetProperty("item_guid").GetString();
        await client.PostJsonAsync("/probe/item/update", new { item_guid = guid, name = "evented-2", expected_revision = 1 });
        await client.PostJsonAsync("/probe/item/update", new { item_guid = guid, name = "evented-3", expected_revision = 1 });

        var received = _host.Services.GetRequiredService<ReceivedEvents>();
        var cdc = await Eventually(() => received.All.Where(e => e.Type.StartsWith("probe.item.", StringComparison.Ordinal)
            && e.Data.GetProperty("key").GetString() == guid).ToList(), l => l.Count >= 2);

        Assert.Equal(["probe.item.created", "probe.item.updated"], cdc.Select(e => e.Type).ToArray());
        Assert.Equal("acme", cdc[1].Data.GetProperty("orgcode").GetString());
        Assert.Equal(2, cdc[1].Data.GetProperty("revision").GetInt64());
        Assert.Equal("evented-2", cdc[1].Data.GetProperty("record").GetProperty("name").GetString());
        Assert.Equal(cdc.Count, cdc.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task authenticated_requests_publish_usage_events()
    {
        var client = _host.Account("acme", Role.Viewer);
        await client.PostJsonAsync("/probe/item/list", new { }, HttpJson.Headers(("x-cccode", "marketing")));

        var received = _host.Services.GetRequiredService<ReceivedEvents>();
        // Usage travels in batches (one message per flush of the recorder), each event with its own id.
        var usage = await Eventually(() => received.All.Where(e => e.Type == "usage.batch")
            .SelectMany(e => e.Data.GetProperty("events").EnumerateArray())
            .Where(e => e.GetProperty("principal_id").GetString() == "sa-acme-viewer").ToList(), l => l.Count >= 1);

        var data = usage[0];
        Assert.False(string.IsNullOrEmpty(data.GetProperty("id").GetString()));
        Assert.Equal("probe", data.GetProperty("service").GetString());
        Assert.Equal("/probe/item/list", data.GetProperty("operation").GetString());
        Assert.Equal("acme", data.GetProperty("orgcode").GetString());
        Assert.Equal("marketing", data.GetProperty("cccode").GetString());
        Assert.Equal(200, data.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task the_request_id_is_echoed_or_made()
    {
        var echoed = await _host.Client().PostJsonAsync("/uas/user/get", new { }, HttpJson.Headers(("x-request-id", "req-123")));
        var made = await _host.Client().GetAsync("/uas/stat");

        Assert.Equal("req-123", echoed.Headers.GetValues("x-request-id").Single());
        Assert.Equal("req-123", (await echoed.JsonAsync()).GetProperty("request_id").GetString());
        Assert.False(string.IsNullOrEmpty(made.Headers.GetValues("x-request-id").Single()));
    }

    [Fact]
    public async Task unknown_operations_and_wrong_methods_are_problems_too()
    {
        var unknown = await _host.Client().PostJsonAsync("/uas/nothing/here", new { });
        var wrongMethod = await _host.Client().GetAsync("/uas/user/create");
        var wrongType = await _host.Client().PostAsync("/uas/user/create", new StringContent("email=a", Encoding.UTF8, "text/plain"));

        Assert.Equal("not_found", await unknown.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("method_not_allowed", await wrongMethod.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal("unsupported_media_type", await wrongType.ProblemCodeAsync());
    }

    [Fact]
    public async Task stat_answers_health_openly_and_the_caller_with_credentials()
    {
        var open = await (await _host.Client().GetAsync("/probe/stat")).JsonAsync();
        var known = await (await _host.Account("acme", Role.Admin).GetAsync("/probe/stat")).JsonAsync();

        Assert.Equal("probe", open.GetProperty("service").GetString());
        Assert.Equal("ok", open.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, open.GetProperty("caller").ValueKind);
        Assert.Equal("sa-acme-admin", known.GetProperty("caller").GetProperty("principal").GetString());
        Assert.Equal("service_account", known.GetProperty("caller").GetProperty("kind").GetString());
        Assert.Contains(known.GetProperty("dependencies").EnumerateArray(), d => d.GetProperty("status").GetString() == "healthy");
    }

    [Fact]
    public async Task health_and_liveness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Client().GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client().GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task each_operation_documents_its_minimum_role_and_its_problems()
    {
        var document = await (await _host.Client().GetAsync("/openapi/probe.json")).JsonAsync();
        var create = document.GetProperty("paths").GetProperty("/probe/item/create").GetProperty("post");
        var status = document.GetProperty("paths").GetProperty("/probe/item/status").GetProperty("post");

        Assert.Equal("member", create.GetProperty("x-min-role").GetString());
        Assert.Equal("admin", status.GetProperty("x-min-role").GetString());
        var responses = create.GetProperty("responses");
        foreach (var code in new[] { "201", "400", "401", "403", "404", "409", "413", "422" })
        {
            Assert.True(responses.TryGetProperty(code, out _), $"missing {code}");
        }
        Assert.Contains(create.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
    }

    private static async Task<(List<string> Keys, int Pages)> Traverse(HttpClient client)
    {
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await (await client.PostJsonAsync("/probe/item/list", new { limit = 3, next_token = token })).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("item_guid").GetString()!));
            token = page.GetProperty("next_token").GetString();
            pages++;
        }
        while (token is not null && pages < 10);
        return (seen, pages);
    }

    private static async Task<T> Eventually<T>(Func<T> read, Func<T, bool> done)
    {
        var value = read();
        await Waits.UntilAsync(() => done(value = read()), "the expected events arrive");
        return value;
    }
}
