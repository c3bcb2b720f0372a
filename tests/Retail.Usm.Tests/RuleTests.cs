using Retail.Shared.Contract;
using Retail.Usm.ApiKeys;
using Retail.Usm.Sessions;

namespace Retail.Usm.Tests;

public sealed class SessionLifetimeTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);

    private static Session NewSession() => new()
    {
        SessionId = new string('a', 64),
        UserGuid = Guid.NewGuid().ToString(),
        Email = "a@example.com",
        ExpiresAt = Start.AddHours(12),
        LastSeenAt = Start,
    };

    [Fact]
    public void a_session_ends_after_the_idle_timeout()
    {
        var session = NewSession();
        Assert.True(SessionLifetime.IsLive(session, Start.AddMinutes(29), Idle));
        Assert.False(SessionLifetime.IsLive(session, Start.AddMinutes(30), Idle));
    }

    [Fact]
    public void a_busy_session_still_ends_at_its_absolute_expiry()
    {
        var session = NewSession() with { LastSeenAt = Start.AddHours(11).AddMinutes(59) };
        Assert.Equal(session.ExpiresAt, SessionLifetime.EndsAt(session, Idle));
        Assert.False(SessionLifetime.IsLive(session, Start.AddHours(12), Idle));
    }

    [Fact]
    public void a_closed_session_is_not_live()
    {
        Assert.False(SessionLifetime.IsLive(NewSession() with { Status = SessionStatus.Closed }, Start, Idle));
    }

    [Fact]
    public void use_is_recorded_at_most_every_tenth_of_the_idle_timeout()
    {
        var session = NewSession();
        Assert.False(SessionLifetime.ShouldTouch(session, Start.AddMinutes(2), Idle));
        Assert.True(SessionLifetime.ShouldTouch(session, Start.AddMinutes(3), Idle));
    }
}

public sealed class AccessAndPolicyTests
{
    [Fact]
    public void a_user_may_only_name_themself_and_the_operator_anyone()
    {
        var user = new Principal("u1", PrincipalKind.User);
        Assert.Equal("u1", SessionsApi.SubjectOf(user, null));
        Assert.Equal("u1", SessionsApi.SubjectOf(user, "u1"));
        Assert.Null(SessionsApi.SubjectOf(user, "u2"));
        Assert.Equal("u2", SessionsApi.SubjectOf(Principal.Operator("key"), "u2"));
        Assert.Null(SessionsApi.SubjectOf(new Principal("sa", PrincipalKind.ServiceAccount, "acme", Role.Admin), "u1"));
    }

    [Fact]
    public void the_key_lifetime_defaults_to_and_is_capped_by_the_policy()
    {
        var now = DateTimeOffset.UtcNow;
        var policy = ApiKeyPolicy.Default("acme") with { MaxLifetimeDays = 30 };
        Assert.Equal((now.AddDays(30), (int?)null), KeyLifetime.Decide(policy, null, now));
        Assert.Equal((now.AddDays(7), (int?)null), KeyLifetime.Decide(policy, now.AddDays(7), now));
        Assert.Equal(((DateTimeOffset?)null, (int?)30), KeyLifetime.Decide(policy, now.AddDays(31), now));
        Assert.Equal(((DateTimeOffset?)null, (int?)null), KeyLifetime.Decide(ApiKeyPolicy.Default("acme"), null, now));
    }

    [Fact]
    public void the_policy_allows_every_grantable_role_unless_it_lists_some()
    {
        Assert.True(ApiKeyPolicy.Default("acme").Allows(Role.Admin));
        var strict = ApiKeyPolicy.Default("acme") with { AllowedRoles = [Role.Viewer] };
        Assert.True(strict.Allows(Role.Viewer));
        Assert.False(strict.Allows(Role.Member));
    }
}
