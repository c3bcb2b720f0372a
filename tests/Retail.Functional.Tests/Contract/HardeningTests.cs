using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;
using Retail.Functional.Tests.Usm;
using Serilog.Core;
using Serilog.Events;

namespace Retail.Functional.Tests.Contract;

/// <summary>What a hostile client and a new user found (issue 9), each provoked over HTTP against the whole host.</summary>
public sealed class HardeningTests : IAsyncLifetime
{
    private readonly LogCapture _log = new();
    private RetailHostFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new RetailHostFactory { ConfigureServices = s => s.AddSingleton<ILogEventSink>(_log) };
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("""{"email":"a@example.com",""")]
    [InlineData("""{"email":17}""")]
    [InlineData("{\"email\":\"a@example.com\r\"}")]
    public async Task a_client_error_is_logged_as_a_warning_without_a_stack_trace_not_as_a_500(string body)
    {
        var response = await _factory.CreateClient().PostJsonAsync("/uas/user/create", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", await response.ProblemCodeAsync());
        // The request log is written when the response completes; the client has its answer by then.
        // This host served only this request, so its request-log entry is the one for /uas/user/create.
        var entry = await _log.WaitForAsync(e => e.Properties.TryGetValue("RequestPath", out var path) && path.ToString() == "\"/uas/user/create\""
            && e.Properties.ContainsKey("StatusCode"));
        Assert.Equal("400", entry.Properties["StatusCode"].ToString());
        Assert.Equal(LogEventLevel.Warning, entry.Level);
        Assert.Null(entry.Exception);
        Assert.DoesNotContain(_log.Events, e => e.Level >= LogEventLevel.Error);
    }

    [Fact]
    public async Task a_json_field_given_twice_is_refused_with_400_not_last_one_wins()
    {
        var response = await _factory.CreateClient().PostJsonAsync("/uas/user/create",
            """{"email":"first@example.com","email":"second@example.com"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Contains("Duplicate", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_control_character_in_a_string_is_named_as_such()
    {
        var response = await _factory.CreateClient().PostJsonAsync("/uas/user/verify", "{\"email\":\"a@example.com\",\"token\":\"abc\r\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.JsonAsync()).GetProperty("errors").GetProperty("token")[0].GetString();
        Assert.Contains("control character in string", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task a_bad_api_key_beside_a_good_session_is_401()
    {
        var anonymous = _factory.CreateClient();
        var email = UasSteps.NewEmail();
        await _factory.Onboard(anonymous, email);
        var (session, _) = await anonymous.NewSession(email);
        var user = _factory.WithSession(session);

        var alone = await user.PostJsonAsync("/uas/user/get", new { email });
        var withBadKey = await user.PostJsonAsync("/uas/user/get", new { email }, HttpJson.Headers(("x-api-key", "not-a-key")));
        var withForgedKey = await user.PostJsonAsync("/uas/user/get", new { email },
            HttpJson.Headers(("x-api-key", "rk_abcdefghijkm_" + new string('A', 43))));

        Assert.Equal(HttpStatusCode.OK, alone.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withBadKey.StatusCode);
        Assert.Equal("unauthenticated", await withBadKey.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, withForgedKey.StatusCode);
    }

    [Fact]
    public async Task a_bad_session_beside_the_operator_key_is_401()
    {
        var response = await _factory.CreateOperatorClient().PostJsonAsync("/ofm/org/list", new { },
            HttpJson.Headers(("x-session-guid", "rs_" + new string('A', 43))));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task the_same_fields_in_another_order_with_the_same_idempotency_key_replay_the_first_answer()
    {
        var @operator = _factory.CreateOperatorClient();
        var orgcode = "idem-" + Guid.NewGuid().ToString("N")[..10];
        var owner = Guid.CreateVersion7().ToString();
        var key = HttpJson.Headers(("Idempotency-Key", Guid.NewGuid().ToString()));

        var first = await @operator.PostJsonAsync("/ofm/org/create",
            $$"""{"orgcode":"{{orgcode}}","legal_name":"Idem GmbH","owner_user_guid":"{{owner}}"}""", key);
        var reordered = await @operator.PostJsonAsync("/ofm/org/create",
            $$"""{ "owner_user_guid" : "{{owner}}", "legal_name":"Idem GmbH",  "orgcode":"{{orgcode}}" }""", key);
        var changed = await @operator.PostJsonAsync("/ofm/org/create",
            $$"""{"owner_user_guid":"{{owner}}","legal_name":"Other GmbH","orgcode":"{{orgcode}}"}""", key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, reordered.StatusCode);
        Assert.Equal("true", reordered.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await reordered.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        Assert.Equal("idempotency_key_reused", await changed.ProblemCodeAsync());
    }

    [Theory]
    [InlineData(65, "a")]
    [InlineData(1, "<script>alert(1)</script>")]
    [InlineData(1, "a b")]
    [InlineData(1, "a\"b")]
    [InlineData(1, "caf\u00e9")]
    public async Task a_request_id_that_is_too_long_or_has_odd_characters_is_replaced_not_echoed(int repeat, string fill)
    {
        var sent = string.Concat(Enumerable.Repeat(fill, repeat));
        var response = await _factory.CreateClient().PostJsonAsync("/uas/user/get", new { }, HttpJson.Headers(("x-request-id", sent)));

        var echoed = response.Headers.GetValues("x-request-id").Single();
        Assert.NotEqual(sent, echoed);
        Assert.True(Guid.TryParse(echoed, out _), echoed);
        Assert.Equal(echoed, (await response.JsonAsync()).GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task a_plain_request_id_of_up_to_64_characters_is_echoed()
    {
        var sent = "req-" + new string('7', 50) + ":a.b_c-D9";
        var response = await _factory.CreateClient().PostJsonAsync("/uas/user/get", new { }, HttpJson.Headers(("x-request-id", sent)));

        Assert.Equal(sent, response.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task a_signed_in_user_reads_themselves_and_their_payment_methods_without_naming_their_user_guid()
    {
        var anonymous = _factory.CreateClient();
        var email = UasSteps.NewEmail();
        var userGuid = await _factory.Onboard(anonymous, email);
        var (session, _) = await anonymous.NewSession(email);
        var user = _factory.WithSession(session);

        var me = await user.PostJsonAsync("/uas/user/get", new { }).Ok();
        var added = await user.PostJsonAsync("/uas/payment-method/add",
            new { provider = "stripe", token = "pm_self", brand = "visa", last4 = "4242", exp_month = 12, exp_year = 2030 }).Ok(HttpStatusCode.Created);
        var listed = await user.PostJsonAsync("/uas/payment-method/list", new { }).Ok();
        var methodGuid = added.GetProperty("payment_method_guid").GetString();
        await user.PostJsonAsync("/uas/payment-method/priority/set",
            new { payment_method_guid = methodGuid, expected_revision = added.GetProperty("revision").GetInt64() }).Ok();
        var operatorWithoutUser = await _factory.CreateOperatorClient().PostJsonAsync("/uas/payment-method/list", new { });

        Assert.Equal(userGuid, me.GetProperty("user_guid").GetString());
        Assert.Equal(userGuid, added.GetProperty("user_guid").GetString());
        Assert.Equal(methodGuid, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("payment_method_guid").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, operatorWithoutUser.StatusCode);
        Assert.True((await operatorWithoutUser.JsonAsync()).GetProperty("errors").TryGetProperty("user_guid", out _));
    }

    [Fact]
    public async Task a_missing_field_whose_rule_reads_its_value_is_400_not_500()
    {
        var response = await _factory.CreateOperatorClient().PostJsonAsync("/uas/payment-method/add",
            new { user_guid = Guid.CreateVersion7().ToString() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("provider", out _), errors.ToString());
    }

    /// <summary>Every event the host logs, for tests that check what gets logged and how.</summary>
    private sealed class LogCapture : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public IReadOnlyCollection<LogEvent> Events => _events;

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

        public async Task<LogEvent> WaitForAsync(Func<LogEvent, bool> match)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                if (_events.FirstOrDefault(match) is { } found)
                {
                    return found;
                }
                if (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException("no such log event among: " + string.Join(" | ", _events.Select(e => e.RenderMessage() + " " + string.Join(",", e.Properties.Select(p => p.Key + "=" + p.Value)))));
                }
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }
    }
}
