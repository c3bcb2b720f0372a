using Microsoft.Extensions.Time.Testing;
using Retail.Shared.Contract;
using Retail.Shared.Contract.Identity;

namespace Retail.Usm.Tests;

public sealed class CredentialFormatTests
{
    [Fact]
    public void a_session_secret_has_its_shape_and_256_random_bits()
    {
        var secret = CredentialFormats.NewSessionSecret();
        Assert.True(CredentialFormats.LooksLikeSession(secret));
        Assert.False(CredentialFormats.LooksLikeApiKey(secret));
        Assert.Equal(CredentialFormats.SessionLength, secret.Length);
        Assert.NotEqual(secret, CredentialFormats.NewSessionSecret());
        Assert.False(CredentialFormats.LooksLikeSession(Guid.NewGuid().ToString()));
        Assert.False(CredentialFormats.LooksLikeSession(secret[..^1] + "!"));
    }

    [Fact]
    public void an_api_key_starts_with_its_visible_prefix()
    {
        var (key, prefix) = CredentialFormats.NewApiKey();
        Assert.StartsWith(prefix + "_", key, StringComparison.Ordinal);
        Assert.Equal(3 + CredentialFormats.PublicIdLength, prefix.Length);
        Assert.True(CredentialFormats.LooksLikeApiKey(key));
        Assert.False(CredentialFormats.LooksLikeSession(key));
        Assert.False(CredentialFormats.LooksLikeApiKey("rk_" + key[3..].ToUpperInvariant()));
        Assert.False(CredentialFormats.LooksLikeApiKey("test-operator-key"));
    }

    [Fact]
    public void the_stored_hash_is_hex_sha256_and_does_not_contain_the_secret()
    {
        var secret = CredentialFormats.NewSessionSecret();
        var hash = CredentialFormats.Hash(secret);
        Assert.Equal(64, hash.Length);
        Assert.All(hash, c => Assert.True(char.IsAsciiHexDigitLower(c)));
        Assert.Equal(hash, CredentialFormats.Hash(secret));
        Assert.NotEqual(hash, CredentialFormats.Hash(CredentialFormats.NewSessionSecret()));
    }
}

public sealed class CredentialCacheTests
{
    private static readonly Principal User = new("u1", PrincipalKind.User, CredentialId: "s1");

    [Fact]
    public void an_entry_is_found_until_it_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new CredentialCache(clock);
        cache.Add("h", User, [CredentialCache.SessionTag("s1")], clock.GetUtcNow().AddSeconds(5), cache.Generation);
        Assert.Same(User, cache.Find("h"));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(cache.Find("h"));
    }

    [Fact]
    public void eviction_by_tag_drops_only_the_entries_carrying_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new CredentialCache(clock);
        var until = clock.GetUtcNow().AddMinutes(1);
        cache.Add("a", User, [CredentialCache.SessionTag("s1"), CredentialCache.UserTag("u1")], until, cache.Generation);
        cache.Add("b", User, [CredentialCache.ApiKeyTag("k1"), CredentialCache.OrgTag("acme")], until, cache.Generation);

        Assert.Equal(1, cache.Evict(CredentialCache.OrgTag("acme")));
        Assert.Null(cache.Find("b"));
        Assert.NotNull(cache.Find("a"));
        Assert.Equal(0, cache.Evict(CredentialCache.SessionTag("other")));
    }

    [Fact]
    public void an_answer_fetched_before_an_eviction_is_not_cached_after_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new CredentialCache(clock);
        var started = cache.Generation;
        cache.Evict(CredentialCache.SessionTag("s1"));
        cache.Add("h", User, [CredentialCache.SessionTag("s1")], clock.GetUtcNow().AddMinutes(1), started);
        Assert.Null(cache.Find("h"));
    }

    [Fact]
    public void an_answer_that_is_already_expired_is_not_kept()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new CredentialCache(clock);
        cache.Add("h", User, [], clock.GetUtcNow(), cache.Generation);
        Assert.Equal(0, cache.Count);
    }
}
