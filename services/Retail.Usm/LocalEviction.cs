namespace Retail.Usm;

/// <summary>
/// Clears this process's credential cache right after USM commits a revocation, so in the host the very next
/// request is refused. Other apps (Dapr mode) rely on the revocation events, which also reach this process.
/// </summary>
public sealed class LocalEviction(CredentialCache cache, IOptions<UsmOptions> options)
{
    public void Evict(params IReadOnlyCollection<string> tags)
    {
        if (options.Value.EvictLocally)
        {
            cache.Evict(tags);
        }
    }
}
