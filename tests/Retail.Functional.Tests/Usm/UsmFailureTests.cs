using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;
using Retail.Shared.Embedded;

namespace Retail.Functional.Tests.Usm;

public sealed class UsmFailureTests(UasHost host) : IClassFixture<UasHost>
{
    private RetailHostFactory Factory => host.Factory;

    [Fact]
    public async Task UC_USM_002_with_usm_unreachable_other_services_deny_with_503_never_allow()
    {
        var outage = new UsmOutage();
        // No cache, so every request really asks USM.
        await using var factory = UasHost.StartWith(new() { ["Retail:Identity:CacheLifetime"] = "00:00:00" }, services =>
            services.AddHttpClient(EmbeddedTransportRegistration.SelfClient)
                .ConfigurePrimaryHttpMessageHandler(sp => new UsmOutageHandler(outage, ((TestServer)sp.GetRequiredService<IServer>()).CreateHandler())));
        using var anonymous = factory.CreateClient();
        var email = UasSteps.NewEmail();
        var userGuid = await factory.Onboard(anonymous, email);
        var (secret, _) = await anonymous.NewSession(email);
        using var operatorClient = factory.CreateOperatorClient();
        var org = UsmSteps.NewOrg();
        var (_, key, _) = await operatorClient.AccountWithKey(org, "admin");
        using var session = factory.WithSession(secret);
        using var keyClient = factory.WithKey(key);
        await session.ListCards(userGuid).Ok();

        outage.Down = true;
        await session.ListCards(userGuid).Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        await keyClient.PostJsonAsync("/uas/user/get", new { user_guid = userGuid }).Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        // Sign-in fails closed too: UAS is reached through the same invocation path, USM answers 503.
        outage.Down = false;
        await session.ListCards(userGuid).Ok();
    }

    [Fact]
    public async Task UC_USM_002_revocation_events_alone_clear_every_services_cache_promptly()
    {
        // A cache far longer than the test, and no direct eviction: only the events can make these pass.
        await using var factory = UasHost.StartWith(new()
        {
            ["Retail:Identity:CacheLifetime"] = "01:00:00",
            ["Usm:EvictLocally"] = "false",
        });
        using var anonymous = factory.CreateClient();
        var email = UasSteps.NewEmail();
        var userGuid = await factory.Onboard(anonymous, email);
        var (secret, _) = await anonymous.NewSession(email);
        using var session = factory.WithSession(secret);
        await session.ListCards(userGuid).Ok();
        await session.PostJsonAsync("/usm/session/logout_everywhere", new { }).Ok();
        var sessionLatency = await UsmSteps.EventuallyAnswers(() => session.ListCards(userGuid), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10));

        using var operatorClient = factory.CreateOperatorClient();
        var org = UsmSteps.NewOrg();
        var (accountGuid, key, record) = await operatorClient.AccountWithKey(org, "admin");
        using var keyClient = factory.WithKey(key);
        await keyClient.PostJsonAsync("/uas/user/get", new { user_guid = userGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await operatorClient.PostJsonAsync("/usm/service_account/status",
            new { service_account_guid = accountGuid, status = "disabled", expected_revision = 1 }, UsmSteps.Org(org)).Ok();
        var disableLatency = await UsmSteps.EventuallyAnswers(() => keyClient.PostJsonAsync("/uas/user/get", new { user_guid = userGuid }),
            HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10));

        var (_, second, secondRecord) = await operatorClient.AccountWithKey(org, "admin");
        using var secondClient = factory.WithKey(second);
        await secondClient.PostJsonAsync("/uas/user/get", new { user_guid = userGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await operatorClient.PostJsonAsync("/usm/api_key/revoke",
            new { api_key_guid = secondRecord.GetProperty("api_key_guid").GetString(), expected_revision = 1 }, UsmSteps.Org(org)).Ok();
        var revokeLatency = await UsmSteps.EventuallyAnswers(() => secondClient.PostJsonAsync("/uas/user/get", new { user_guid = userGuid }),
            HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10));
        Assert.NotNull(record.GetProperty("prefix").GetString());
        TestContext.Current.TestOutputHelper?.WriteLine($"event-driven eviction: session {sessionLatency.TotalMilliseconds:0} ms, " +
            $"account {disableLatency.TotalMilliseconds:0} ms, key {revokeLatency.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task a_changed_passcode_ends_the_sessions_begun_before_it()
    {
        var email = UasSteps.NewEmail();
        var userGuid = await Factory.Onboard(host.Anonymous, email);
        var (old, _) = await host.Anonymous.NewSession(email);
        using var oldClient = Factory.WithSession(old);
        await oldClient.ListCards(userGuid).Ok();

        await host.Anonymous.ChangePasscode(email, UsmSteps.Passcode, UasSteps.SecondPasscode).Ok();
        await UsmSteps.EventuallyAnswers(() => oldClient.ListCards(userGuid), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10));

        await host.Anonymous.SignIn(email).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        var fresh = (await host.Anonymous.SignIn(email, UasSteps.SecondPasscode).Ok(HttpStatusCode.Created)).GetProperty("session_guid").GetString()!;
        using var freshClient = Factory.WithSession(fresh);
        await freshClient.ListCards(userGuid).Ok();
    }

    [Fact]
    public async Task failed_sign_ins_are_throttled_per_email_alike_for_known_and_unknown_addresses()
    {
        var known = UasSteps.NewEmail();
        await Factory.Onboard(host.Anonymous, known);
        var unknown = UasSteps.NewEmail("nobody");
        foreach (var email in new[] { known, unknown })
        {
            for (var i = 0; i < 5; i++)
            {
                var failed = await host.Anonymous.SignIn(email, "wrong-passcode-" + i).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
                Assert.DoesNotContain("wrong-passcode", failed.ToString(), StringComparison.Ordinal);
            }
            using var throttled = await host.Anonymous.SignIn(email);
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal("rate_limited", await throttled.ProblemCodeAsync());
            Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says how long to wait");
        }
        // Another address is not affected.
        var fresh = UasSteps.NewEmail();
        await Factory.Onboard(host.Anonymous, fresh);
        await host.Anonymous.SignIn(fresh).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task concurrent_guesses_are_counted_before_the_passcode_is_checked()
    {
        var email = UasSteps.NewEmail();
        await Factory.Onboard(host.Anonymous, email);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var response = await host.Anonymous.SignIn(email, "guess-number-" + i);
            return response.StatusCode;
        }));
        Assert.Equal(5, attempts.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(7, attempts.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task a_wrong_passcode_an_unknown_email_and_an_unverified_account_get_the_same_answer()
    {
        var known = UasSteps.NewEmail();
        await Factory.Onboard(host.Anonymous, known);
        var unverified = UasSteps.NewEmail();
        await host.Anonymous.CreateUser(unverified).Ok(HttpStatusCode.Created);

        var wrong = await host.Anonymous.SignIn(known, "not-the-passcode-1").Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        var missing = await host.Anonymous.SignIn(UasSteps.NewEmail(), "not-the-passcode-1").Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        var pending = await host.Anonymous.SignIn(unverified, "not-the-passcode-1").Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(wrong.GetProperty("detail").GetString(), missing.GetProperty("detail").GetString());
        Assert.Equal(wrong.GetProperty("detail").GetString(), pending.GetProperty("detail").GetString());
        // UAS's passcode check is not open to outside callers.
        await host.Anonymous.PostJsonAsync("/uas/passcode/verify", new { email = known, passcode = UsmSteps.Passcode })
            .Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task sessions_end_after_the_idle_timeout_and_at_their_absolute_expiry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = UasHost.StartWith(new()
        {
            ["Usm:SessionIdleTimeout"] = "00:10:00",
            ["Usm:SessionAbsoluteLifetime"] = "00:20:00",
        }, services => services.AddSingleton<TimeProvider>(clock));
        using var anonymous = factory.CreateClient();
        var email = UasSteps.NewEmail();
        await factory.Onboard(anonymous, email);
        var (idle, _) = await anonymous.NewSession(email);
        var (busy, _) = await anonymous.NewSession(email);

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.True((await anonymous.Validate(busy).Ok()).GetProperty("valid").GetBoolean());
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await anonymous.Validate(idle).Ok()).GetProperty("valid").GetBoolean());
        Assert.True((await anonymous.Validate(busy).Ok()).GetProperty("valid").GetBoolean());
        clock.Advance(TimeSpan.FromMinutes(8));
        Assert.True((await anonymous.Validate(busy).Ok()).GetProperty("valid").GetBoolean());
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await anonymous.Validate(busy).Ok()).GetProperty("valid").GetBoolean());
        using var client = factory.WithSession(busy);
        await client.PostJsonAsync("/usm/session/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task secrets_are_shown_once_and_never_in_lists_history_or_openapi()
    {
        var email = UasSteps.NewEmail();
        var userGuid = await Factory.Onboard(host.Anonymous, email);
        var (secret, sessionId) = await host.Anonymous.NewSession(email);
        using var client = Factory.WithSession(secret);
        var get = await client.PostJsonAsync("/usm/session/get", new { session_id = sessionId }).Ok();
        Assert.DoesNotContain(secret, get.ToString(), StringComparison.Ordinal);
        Assert.False(get.TryGetProperty("session_guid", out _));

        var org = UsmSteps.NewOrg();
        var (_, key, _) = await host.Operator.AccountWithKey(org);
        var list = await host.Operator.PostJsonAsync("/usm/api_key/list", new { }, UsmSteps.Org(org)).Ok();
        Assert.DoesNotContain(key, list.ToString(), StringComparison.Ordinal);

        using var openApi = await host.Anonymous.GetAsync(new Uri("/openapi/usm.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var document = await openApi.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.DoesNotContain(secret, document, StringComparison.Ordinal);
        Assert.DoesNotContain("rk_", document, StringComparison.Ordinal);
        Assert.Contains("/session/create", document, StringComparison.Ordinal);
        Assert.NotNull(userGuid);
    }
}

/// <summary>A switch that makes every call to USM fail as a network outage does.</summary>
internal sealed class UsmOutage
{
    public volatile bool Down;
}

internal sealed class UsmOutageHandler(UsmOutage outage, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        outage.Down && request.RequestUri?.AbsolutePath.StartsWith("/usm/", StringComparison.Ordinal) == true
            ? throw new HttpRequestException("connection refused (USM is down in this test)")
            : base.SendAsync(request, cancellationToken);
}
