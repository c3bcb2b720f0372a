using Microsoft.Extensions.Caching.Memory;

namespace Retail.Shared.Contract.Identity;

/// <summary>Configuration section <c>Retail:Identity</c>.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Retail:Identity";

    /// <summary>How long a credential USM accepted is trusted without asking again. Revocation events clear it sooner.</summary>
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one credential check may take before the request is denied as 503.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Credentials USM accepted a moment ago, keyed by the hash of the secret and tagged with what can revoke them
/// (the session, the user, the key, the service account, the org). Eviction bumps a generation, so a check that
/// was in flight while something was revoked does not put its (possibly stale) answer back. At most
/// <c>sizeLimit</c> credentials are kept, and expired ones are dropped, so callers presenting ever new secrets
/// cannot grow it.
/// </summary>
public sealed class CredentialCache(TimeProvider clock, int sizeLimit = CredentialCache.DefaultSizeLimit) : IDisposable
{
    /// <summary>Credentials kept at most; beyond it a credential is checked with USM again, which is correct, only slower.</summary>
    public const int DefaultSizeLimit = 10_000;

    private readonly MemoryCache _entries = BoundedCache.Create(clock, sizeLimit);
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Credentials held now, expired ones not yet dropped included.</summary>
    public int Count => _entries.Count;

    public static string SessionTag(string sessionId) => "session:" + sessionId;

    public static string UserTag(string userGuid) => "user:" + userGuid;

    public static string ApiKeyTag(string apiKeyGuid) => "api_key:" + apiKeyGuid;

    public static string ServiceAccountTag(string serviceAccountGuid) => "service_account:" + serviceAccountGuid;

    public static string OrgTag(string orgcode) => "org:" + orgcode;

    public Principal? Find(string credentialHash) =>
        _entries.TryGetValue(credentialHash, out var value) && value is Entry entry ? entry.Principal : null;

    /// <summary>Keeps an answer, unless something was evicted since <paramref name="generationAtStart"/> (the answer may predate it).</summary>
    public void Add(string credentialHash, Principal principal, IReadOnlyCollection<string> tags, DateTimeOffset until, long generationAtStart)
    {
        if (until <= clock.GetUtcNow())
        {
            return;
        }
        using (var cached = _entries.CreateEntry(credentialHash))
        {
            cached.Value = new Entry(principal, tags);
            cached.AbsoluteExpiration = until;
            cached.Size = 1;
        }
        if (Generation != generationAtStart)
        {
            _entries.Remove(credentialHash);
        }
    }

    /// <summary>Drops every entry carrying one of the tags; answers how many went.</summary>
    public int Evict(params IReadOnlyCollection<string> tags)
    {
        Interlocked.Increment(ref _generation);
        var removed = 0;
        foreach (var key in _entries.Keys)
        {
            // An expired entry is dropped by the lookup itself and not counted: it was no longer trusted.
            if (_entries.TryGetValue(key, out var value) && value is Entry entry && entry.Tags.Any(tags.Contains))
            {
                _entries.Remove(key);
                removed++;
            }
        }
        return removed;
    }

    public void Dispose() => _entries.Dispose();

    private sealed record Entry(Principal Principal, IReadOnlyCollection<string> Tags);
}
