using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Retail.Shared.Contract;
using Retail.Shared.Contract.Identity;

namespace Retail.Shared.Tests.Contract;

/// <summary>The org directory and credential caches stay bounded, forget what expired, and still drop entries on events.</summary>
public sealed class BoundedCacheTests
{
    private const int Limit = 100;

    private static readonly Principal User = new("u-1", PrincipalKind.User, CredentialId: "s-1");

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-28T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void the_org_directory_cache_never_holds_more_than_its_limit()
    {
        using var cache = new OrgDirectoryCache(_clock, Limit);
        for (var i = 0; i < 50 * Limit; i++)
        {
            cache.Set($"org-{i}", "access|user", "answer");
            Assert.True(cache.Count <= Limit, $"{cache.Count} entries after {i + 1} distinct orgs");
        }
    }

    [Fact]
    public void the_credential_cache_never_holds_more_than_its_limit()
    {
        using var cache = new CredentialCache(_clock, Limit);
        var until = _clock.GetUtcNow().AddMinutes(1);
        for (var i = 0; i < 50 * Limit; i++)
        {
            cache.Add($"hash-{i}", User, [CredentialCache.SessionTag($"s-{i}")], until, cache.Generation);
            Assert.True(cache.Count <= Limit, $"{cache.Count} entries after {i + 1} distinct credentials");
        }
    }

    [Fact]
    public void an_expired_directory_answer_is_not_returned_and_is_dropped()
    {
        using var cache = new OrgDirectoryCache(_clock, Limit);
        cache.Set("acme", "access|user", "answer");
        _clock.Advance(OrgDirectoryCache.TimeToLive);

        Assert.False(cache.TryGet<string>("acme", "access|user", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task expired_credentials_nobody_asks_for_again_are_dropped_by_the_scan()
    {
        using var cache = new CredentialCache(_clock, Limit);
        for (var i = 0; i < 10; i++)
        {
            cache.Add($"hash-{i}", User, [], _clock.GetUtcNow().AddSeconds(5), cache.Generation);
        }
        _clock.Advance(TimeSpan.FromMinutes(5));

        // Any use of the cache after the scan interval starts the scan for expired entries (in the background).
        Assert.Null(cache.Find("another"));
        await Until(() => cache.Count == 0, "the scan has dropped every expired credential");
    }

    [Fact]
    public void a_directory_event_still_drops_that_orgs_answers_and_only_those()
    {
        using var cache = new OrgDirectoryCache(_clock, Limit);
        cache.Set("acme", "access|a", "a");
        cache.Set("acme", "context|x", "x");
        cache.Set("other", "access|a", "kept");

        cache.Invalidate("acme");

        Assert.False(cache.TryGet<string>("acme", "access|a", out _));
        Assert.False(cache.TryGet<string>("acme", "context|x", out _));
        Assert.True(cache.TryGet<string>("other", "access|a", out var kept));
        Assert.Equal("kept", kept);

        cache.Invalidate(null);
        Assert.False(cache.TryGet<string>("other", "access|a", out _));
    }

    [Fact]
    public void a_revocation_still_drops_the_credentials_it_names_when_the_cache_is_full()
    {
        using var cache = new CredentialCache(_clock, Limit);
        var until = _clock.GetUtcNow().AddMinutes(1);
        for (var i = 0; i < Limit; i++)
        {
            cache.Add($"hash-{i}", User, [CredentialCache.SessionTag($"s-{i}"), CredentialCache.OrgTag(i % 2 == 0 ? "even" : "odd")], until, cache.Generation);
        }

        var removed = cache.Evict(CredentialCache.OrgTag("even"));

        Assert.Equal(Limit / 2, removed);
        Assert.Null(cache.Find("hash-0"));
        Assert.NotNull(cache.Find("hash-1"));
        Assert.Equal(Limit / 2, cache.Count);
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"Gave up waiting until {what}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
