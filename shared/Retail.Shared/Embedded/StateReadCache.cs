using System.Collections.Concurrent;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>
/// Entries of one app's store as last read from SQLite, for point reads on hot paths. The file has a single writer,
/// this process, so every change passes <see cref="Invalidate"/>: after its commit and before its writer is answered,
/// each written key's stripe moves to a new generation and the key is dropped. A reader takes the stripe's
/// generation (<see cref="Stamp"/>) before it reads SQLite and may keep what it read only if the generation is still
/// the same (<see cref="Offer"/>), so a value read before a commit can never be kept after that commit's invalidation;
/// one kept just before it is dropped by it. Entries with a TTL are never kept. Bounded: past the capacity an
/// arbitrary tenth is let go (the cache only saves reads, it never decides an answer alone).
/// </summary>
internal sealed class StateReadCache(int capacity)
{
    private const int Stripes = 1024;
    private readonly ConcurrentDictionary<string, StateEntry> _entries = new(StringComparer.Ordinal);
    private readonly long[] _generations = new long[Stripes];
    private readonly object[] _locks = Enumerable.Range(0, Stripes).Select(_ => new object()).ToArray();

    public bool Enabled => capacity > 0;

    public bool TryGet(string key, out StateEntry entry) => _entries.TryGetValue(key, out entry!);

    public long Stamp(string key) => Volatile.Read(ref _generations[Stripe(key)]);

    public void Offer(StateEntry entry, long stamp)
    {
        var stripe = Stripe(entry.Key);
        lock (_locks[stripe])
        {
            if (_generations[stripe] != stamp)
            {
                return;
            }
            _entries[entry.Key] = entry;
        }
        if (_entries.Count > capacity)
        {
            Trim();
        }
    }

    public void Invalidate(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            var stripe = Stripe(key);
            lock (_locks[stripe])
            {
                _generations[stripe]++;
                _entries.TryRemove(key, out _);
            }
        }
    }

    private void Trim()
    {
        var excess = _entries.Count - capacity + capacity / 10;
        foreach (var key in _entries.Keys)
        {
            if (excess-- <= 0)
            {
                break;
            }
            _entries.TryRemove(key, out _);
        }
    }

    private static int Stripe(string key) => (StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % Stripes;
}
