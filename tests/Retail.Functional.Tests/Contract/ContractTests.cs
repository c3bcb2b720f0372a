using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Contract;

/// <summary>The common contract (CONTRACT.md), provoked through the HTTP API: each error code and each rule.</summary>
public sealed class ContractTests : IAsyncLifetime
{
    private ContractHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ContractHost.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _host.DeleteData();
    }

    private static Dictionary<string, string> Key(string key) => HttpJson.Headers(("Idempotency-Key", key));

    private async Task<JsonElement> CreateItem(HttpClient client, string name)
    {
        var response = await client.PostJsonAsync("/probe/item/create", new { name, count = 1 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    [Theory]
    [InlineData("""{"name":"a","count":1,"typo":true}""", "typo")]
    [InlineData("""{"name":"a","count":"many"}""", "count")]
    [InlineData("""{"name":"a","count":99999999999999999999}""", "count")]
    [InlineData("""{"name":"a","count":1.5}""", "count")]
    [InlineData("""{"name":"a",""", null)]
    [InlineData("""[1,2,3]""", null)]
    [InlineData("", null)]
    public async Task bad_input_is_a_400_validation_problem_never_a_500(string body, string? field)
    {
        var response = await _host.Operator("acme").PostJsonAsync("/probe/item/create", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("request_id").GetString()));
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task validator_failures_name_the_snake_case_field()
    {
        var response = await _host.Operator("acme").PostJsonAsync("/probe/item/create", new { name = new string('x', 5000), count = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("count", out _));
    }

    [Fact]
    public async Task a_body_over_the_limit_is_413_payload_too_large_with_or_without_a_content_length()
    {
        var client = _host.Operator("acme");
        var big = "{\"name\":\"" + new string('x', 1024 * 1024 + 10) + "\",\"count\":1}";
        var sized = await client.PostJsonAsync("/probe/item/create", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.StatusCode);
        Assert.Equal("payload_too_large", await sized.ProblemCodeAsync());

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/probe/item/create")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        var streamed = await client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal("payload_too_large", await streamed.ProblemCodeAsync());
    }

    [Fact]
    public async Task missing_or_unknown_credentials_are_401_unauthenticated()
    {
        var none = await _host.Client(orgcode: "acme").PostJsonAsync("/probe/item/list", new { });
        var unknown = await _host.Client("not-a-key", "acme").PostJsonAsync("/probe/item/list", new { });
        var badSession = await _host.Client(orgcode: "acme").PostJsonAsync("/uas/payment-method/list", new { user_guid = "x" },
            HttpJson.Headers(("x-session-guid", Guid.NewGuid().ToString())));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("unauthenticated", await none.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badSession.StatusCode);
    }

    [Fact]
    public async Task authentication_is_checked_before_the_body_is_read()
    {
        var response = await _host.Client(orgcode: "acme").PostJsonAsync("/probe/item/create", "{not json");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task a_role_below_the_minimum_is_403_forbidden()
    {
        var viewer = _host.Account("acme", Role.Viewer);
        var member = _host.Account("acme", Role.Member);

        var write = await viewer.PostJsonAsync("/probe/item/create", new { name = "a", count = 1 });
        var read = await viewer.PostJsonAsync("/probe/item/list", new { });
        var item = await CreateItem(member, "b");
        var adminOnly = await member.PostJsonAsync("/probe/item/status",
            new { item_guid = item.GetProperty("item_guid").GetString(), status = "active", expected_revision = 1 });
        var operatorOnly = await member.PostJsonAsync("/probe/operator-only", new { });

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("forbidden", await write.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, adminOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, operatorOnly.StatusCode);
    }

    [Fact]
    public async Task a_key_of_one_org_cannot_act_in_another_and_existence_does_not_leak()
    {
        var acme = _host.Account("acme", Role.Admin);
        var item = await CreateItem(acme, "secret");
        var guid = item.GetProperty("item_guid").GetString();

        var otherOrg = await acme.PostJsonAsync("/probe/item/get", new { item_guid = guid }, HttpJson.Headers(("x-orgcode", "globex")));
        var globex = await _host.Account("globex", Role.Admin).PostJsonAsync("/probe/item/get", new { item_guid = guid });
        var defaulted = await acme.PostJsonAsync("/probe/item/get", new { item_guid = guid });

        Assert.Equal(HttpStatusCode.NotFound, otherOrg.StatusCode);
        Assert.Equal("not_found", await otherOrg.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.NotFound, globex.StatusCode);
        Assert.Equal(HttpStatusCode.OK, defaulted.StatusCode);
    }

    [Fact]
    public async Task only_an_active_org_takes_writes_but_reads_stay_allowed()
    {
        var member = _host.Account("sleepy", Role.Member);
        await CreateItem(member, "before");
        _host.Orgs.Statuses["sleepy"] = OrgStatus.Suspended;

        var write = await member.PostJsonAsync("/probe/item/create", new { name = "after", count = 1 });
        var read = await member.PostJsonAsync("/probe/item/list", new { });

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("org_not_active", await write.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(1, (await read.JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task a_body_orgcode_that_differs_from_the_header_is_400_context_mismatch()
    {
        var client = _host.Operator("acme");

        var mismatch = await client.PostJsonAsync("/probe/item/create", new { name = "a", count = 1, orgcode = "globex" });
        var matching = await client.PostJsonAsync("/probe/item/create", new { name = "a", count = 1, orgcode = " ACME " });

        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal("context_mismatch", await mismatch.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Created, matching.StatusCode);
    }

    [Theory]
    [InlineData("x-orgcode", "Not A Code!")]
    [InlineData("x-facility-code", "-bad")]
    [InlineData("x-channel-code", "a")]
    public async Task malformed_context_headers_are_400(string header, string value)
    {
        var response = await _host.Operator("acme").PostJsonAsync("/probe/item/list", new { }, HttpJson.Headers((header, value)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", await response.ProblemCodeAsync());
    }

    [Fact]
    public async Task an_org_scoped_operation_without_an_org_is_400()
    {
        var response = await _host.Operator().PostJsonAsync("/probe/item/list", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("x-orgcode", out _));
    }

    [Fact]
    public async Task the_same_idempotency_key_and_request_replays_the_first_answer_and_runs_once()
    {
        var client = _host.Operator("acme");
        var first = await client.PostJsonAsync("/probe/item/create", new { name = "once", count = 1 }, Key("k-1"));
        var second = await client.PostJsonAsync("/probe/item/create", new { name = "once", count = 1 }, Key("k-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var list = await (await client.PostJsonAsync("/probe/item/list", new { })).JsonAsync();
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task the_same_key_with_a_different_request_is_422_idempotency_key_reused()
    {
        var client = _host.Operator("acme");
        await client.PostJsonAsync("/probe/item/create", new { name = "one", count = 1 }, Key("k-2"));

        var reused = await client.PostJsonAsync("/probe/item/create", new { name = "two", count = 1 }, Key("k-2"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", await reused.ProblemCodeAsync());
    }

    [Fact]
    public async Task keys_are_scoped_to_the_caller_so_another_principal_may_use_the_same_key()
    {
        var a = await _host.Account("acme", Role.Member).PostJsonAsync("/probe/item/create", new { name = "a1", count = 1 }, Key("shared"));
        var b = await _host.Account("acme", Role.Admin).PostJsonAsync("/probe/item/create", new { name = "b1", count = 1 }, Key("shared"));

        Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        Assert.Equal(HttpStatusCode.Created, b.StatusCode);
        Assert.False(b.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task a_400_is_not_kept_so_a_corrected_retry_may_reuse_the_key()
    {
        var client = _host.Operator("acme");
        var invalid = await client.PostJsonAsync("/probe/item/create", new { name = "", count = 1 }, Key("k-3"));
        var corrected = await client.PostJsonAsync("/probe/item/create", new { name = "fixed", count = 1 }, Key("k-3"));

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
    }

    [Fact]
    public async Task a_key_whose_first_request_is_still_running_is_409_idempotency_in_progress()
    {
        var client = _host.Operator("acme");
        var gate = _host.Services.GetRequiredService<ProbeGate>();
        var first = client.PostJsonAsync("/probe/slow", new { tag = "t" }, Key("k-4"));
        await gate.Entered.Task.Within("the slow write to enter its handler");

        var second = await client.PostJsonAsync("/probe/slow", new { tag = "t" }, Key("k-4"));
        gate.Release.SetResult();
        var firstResponse = await first;
        var third = await client.PostJsonAsync("/probe/slow", new { tag = "t" }, Key("k-4"));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("idempotency_in_progress", await second.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal("true", third.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task concurrent_identical_requests_with_one_key_create_exactly_one_record()
    {
        var client = _host.Operator("acme");
        var responses = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(_ => client.PostJsonAsync("/probe/item/create", new { name = "raced", count = 1 }, Key("k-race"))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Content.ReadAsStringAsync().Result).Distinct();
        Assert.Single(created);
        var list = await (await client.PostJsonAsync("/probe/item/list", new { })).JsonAsync();
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    public async Task a_malformed_idempotency_key_is_400(string key)
    {
        var response = await _host.Operator("acme").PostJsonAsync("/probe/item/create", new { name = "k", count = 1 },
            HttpJson.Headers(("Idempotency-Key", key.Length == 0 ? new string('k', 256) : key)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

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
        var usage = await Eventually(() => received.All.Where(e => e.Type == "usage.recorded"
            && e.Data.GetProperty("principal_id").GetString() == "sa-acme-viewer").ToList(), l => l.Count >= 1);

        var data = usage[0].Data;
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
