using System.Collections.Concurrent;

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
/// was in flight while something was revoked does not put its (possibly stale) answer back.
/// </summary>
public sealed class CredentialCache(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public int Count => _entries.Count;

    public static string SessionTag(string sessionId) => "session:" + sessionId;

    public static string UserTag(string userGuid) => "user:" + userGuid;

    public static string ApiKeyTag(string apiKeyGuid) => "api_key:" + apiKeyGuid;

    public static string ServiceAccountTag(string serviceAccountGuid) => "service_account:" + serviceAccountGuid;

    public static string OrgTag(string orgcode) => "org:" + orgcode;

    public Principal? Find(string credentialHash)
    {
        if (!_entries.TryGetValue(credentialHash, out var entry))
        {
            return null;
        }
        if (entry.Until > clock.GetUtcNow())
        {
            return entry.Principal;
        }
        _entries.TryRemove(new KeyValuePair<string, Entry>(credentialHash, entry));
        return null;
    }

    /// <summary>Keeps an answer, unless something was evicted since <paramref name="generationAtStart"/> (the answer may predate it).</summary>
    public void Add(string credentialHash, Principal principal, IReadOnlyCollection<string> tags, DateTimeOffset until, long generationAtStart)
    {
        if (until <= clock.GetUtcNow())
        {
            return;
        }
        _entries[credentialHash] = new Entry(principal, tags, until);
        if (Generation != generationAtStart)
        {
            _entries.TryRemove(credentialHash, out _);
        }
    }

    /// <summary>Drops every entry carrying one of the tags; answers how many went.</summary>
    public int Evict(params IReadOnlyCollection<string> tags)
    {
        Interlocked.Increment(ref _generation);
        var removed = 0;
        var now = clock.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Until <= now || entry.Tags.Any(tags.Contains))
            {
                if (_entries.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
                {
                    removed++;
                }
            }
        }
        return removed;
    }

    private sealed record Entry(Principal Principal, IReadOnlyCollection<string> Tags, DateTimeOffset Until);
}
