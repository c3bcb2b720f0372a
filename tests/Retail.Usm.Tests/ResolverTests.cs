using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Retail.Shared.Contract;
using Retail.Shared.Contract.Identity;
using Retail.Shared.Invocation;
using Retail.Shared.Json;

namespace Retail.Usm.Tests;

public sealed class ResolverTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ScriptedUsm _usm = new();

    private UsmCredentialResolver Resolver(CredentialCache? cache = null) =>
        new(_usm, cache ?? new CredentialCache(_clock), _clock, Options.Create(new IdentityOptions()), NullLogger<UsmCredentialResolver>.Instance);

    private static DefaultHttpContext Request(string header, string value)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers[header] = value;
        return http;
    }

    [Fact]
    public async Task credentials_not_in_usms_shapes_are_left_to_other_resolvers_without_asking_usm()
    {
        var result = await Resolver().ResolveAsync(Request(CredentialHeaders.ApiKey, "sa:acme:admin"), TestContext.Current.CancellationToken);
        Assert.Equal(CredentialOutcome.NotMine, result.Outcome);
        Assert.Equal(0, _usm.Calls);
    }

    [Fact]
    public async Task a_valid_session_becomes_a_user_principal_and_is_cached_briefly()
    {
        var secret = CredentialFormats.NewSessionSecret();
        _usm.Answer = _ => new InvocationResponse(200, RetailJson.ToBytes(new SessionValidation(true, "sid", "u1", "a@example.com",
            _clock.GetUtcNow().AddHours(1))), "application/json");
        var resolver = Resolver();

        var first = await resolver.ResolveAsync(Request(CredentialHeaders.Session, secret), TestContext.Current.CancellationToken);
        var second = await resolver.ResolveAsync(Request(CredentialHeaders.Session, secret), TestContext.Current.CancellationToken);
        Assert.Equal(CredentialOutcome.Authenticated, first.Outcome);
        Assert.Equal(new Principal("u1", PrincipalKind.User, Email: "a@example.com", CredentialId: "sid"), second.Principal);
        Assert.Equal(1, _usm.Calls);

        _clock.Advance(TimeSpan.FromSeconds(6));
        await resolver.ResolveAsync(Request(CredentialHeaders.Session, secret), TestContext.Current.CancellationToken);
        Assert.Equal(2, _usm.Calls);
    }

    [Fact]
    public async Task a_key_becomes_an_org_bound_service_account()
    {
        var (key, _) = CredentialFormats.NewApiKey();
        _usm.Answer = _ => new InvocationResponse(200, RetailJson.ToBytes(new ApiKeyValidation(true, "k1", "sa1", "acme", Role.Member)), "application/json");
        var result = await Resolver().ResolveAsync(Request(CredentialHeaders.ApiKey, key), TestContext.Current.CancellationToken);
        Assert.Equal(new Principal("sa1", PrincipalKind.ServiceAccount, "acme", Role.Member, CredentialId: "k1"), result.Principal);
    }

    [Fact]
    public async Task an_invalid_answer_is_rejected_and_not_cached()
    {
        _usm.Answer = _ => new InvocationResponse(200, RetailJson.ToBytes(SessionValidation.Invalid), "application/json");
        var cache = new CredentialCache(_clock);
        var result = await Resolver(cache).ResolveAsync(Request(CredentialHeaders.Session, CredentialFormats.NewSessionSecret()),
            TestContext.Current.CancellationToken);
        Assert.Equal(CredentialOutcome.Rejected, result.Outcome);
        Assert.Equal(0, cache.Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(404)]
    [InlineData(401)]
    public async Task when_usm_cannot_answer_the_request_is_denied_as_unavailable(int status)
    {
        _usm.Answer = _ => new InvocationResponse(status, [], null);
        var result = await Resolver().ResolveAsync(Request(CredentialHeaders.Session, CredentialFormats.NewSessionSecret()),
            TestContext.Current.CancellationToken);
        Assert.Equal(CredentialOutcome.Unavailable, result.Outcome);
        Assert.Equal("usm", result.Dependency);
    }

    [Fact]
    public async Task when_usm_is_unreachable_the_request_is_denied_as_unavailable()
    {
        _usm.Answer = _ => throw new DependencyUnavailableException("usm", new HttpRequestException("refused"));
        var (key, _) = CredentialFormats.NewApiKey();
        var result = await Resolver().ResolveAsync(Request(CredentialHeaders.ApiKey, key), TestContext.Current.CancellationToken);
        Assert.Equal(CredentialOutcome.Unavailable, result.Outcome);
    }

    private sealed class ScriptedUsm : IServiceInvoker
    {
        public Func<object?, InvocationResponse> Answer { get; set; } = _ => throw new InvalidOperationException("no answer scripted");

        public int Calls { get; private set; }

        public Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(Answer(body));
        }
    }
}
