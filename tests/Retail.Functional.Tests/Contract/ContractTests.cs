using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Contract;
using Retail.Shared.Contract.Idempotency;

namespace Retail.Functional.Tests.Contract;

/// <summary>The common contract (CONTRACT.md), provoked through the HTTP API: each error code and each rule.</summary>
public sealed partial class ContractTests : IAsyncLifetime
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
    public async Task a_claim_left_running_past_two_minutes_is_taken_over_by_a_retry_with_the_same_key()
    {
        // A process that crashed mid-request leaves its claim "running"; past AbandonedAfter a retry runs instead of a 409.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var host = await ContractHost.StartAsync(clock: clock);
        try
        {
            var client = host.Operator("acme");
            var gate = host.Services.GetRequiredService<ProbeGate>();
            var first = client.PostJsonAsync("/probe/slow", new { tag = "t" }, Key("k-abandoned"));
            await gate.Entered.Task.Within("the first write to enter its handler");

            var early = await client.PostJsonAsync("/probe/slow", new { tag = "t" }, Key("k-abandoned"));
            clock.Advance(IdempotencyFilter.AbandonedAfter + TimeSpan.FromSeconds(1));
            var retry = client.PostJsonAsync("/probe/slow", new { tag = "t" }, Key("k-abandoned"));
            await Waits.UntilAsync(() => Task.FromResult(Volatile.Read(ref gate.Entries) == 2), "the retry to take the claim over and run");
            gate.Release.SetResult();
            var retried = await retry;
            await first;

            Assert.Equal("idempotency_in_progress", await early.ProblemCodeAsync());
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
        }
        finally
        {
            await host.DisposeAsync();
            host.DeleteData();
        }
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
}
