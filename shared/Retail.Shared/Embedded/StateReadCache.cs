using System.Collections.Concurrent;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>
/// Entries of one app's store as last read from SQLite, for point reads on hot paths. The file has a single writer,
/// this process, so every change passes <see cref="Invalidate"/>: after its commit and before its writer is answered,
/// each written key's stripe moves to a new generation and the key is dropped. A reader takes the stripe's
/// generation (<see cref="Stamp"/>) before it reads SQLite and may keep what it read only if the generation is still
/// the same (<see cref="Offer"/>), so a value read before a commit can never be kept after that commit's invalidation;
/// one kept just before it is dropped by it. Absent keys are kept too (a price a cart looks for and no list has).
/// Entries with a TTL are never kept. Bounded: past the capacity an
/// arbitrary tenth is let go (the cache only saves reads, it never decides an answer alone).
/// </summary>
internal sealed class StateReadCache(int capacity)
{
    private const int Stripes = 1024;
    private readonly ConcurrentDictionary<string, StateEntry?> _entries = new(StringComparer.Ordinal);
    private readonly long[] _generations = new long[Stripes];
    private readonly object[] _locks = Enumerable.Range(0, Stripes).Select(_ => new object()).ToArray();

    // ConcurrentDictionary.Count takes every lock of the dictionary; this count is kept beside it instead (close enough to bound it).
    private int _count;
    private int _trimming;

    public bool Enabled => capacity > 0;

    /// <summary>Whether the key is known here; <paramref name="entry"/> null: known to be absent.</summary>
    public bool TryGet(string key, out StateEntry? entry) => _entries.TryGetValue(key, out entry);

    public long Stamp(string key) => Volatile.Read(ref _generations[Stripe(key)]);

    /// <summary>Keeps what a read found for <paramref name="key"/> (null: no entry) if no commit touched its stripe since <paramref name="stamp"/>.</summary>
    public void Offer(string key, StateEntry? entry, long stamp)
    {
        var stripe = Stripe(key);
        lock (_locks[stripe])
        {
            if (_generations[stripe] != stamp)
            {
                return;
            }
            if (_entries.TryAdd(key, entry))
            {
                Interlocked.Increment(ref _count);
            }
            else
            {
                _entries[key] = entry;
            }
        }
        if (Volatile.Read(ref _count) > capacity)
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
                if (_entries.TryRemove(key, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
    }

    private void Trim()
    {
        // One trimmer at a time; the others go on (the bound may be passed briefly).
        if (Interlocked.CompareExchange(ref _trimming, 1, 0) != 0)
        {
            return;
        }
        try
        {
            var excess = Volatile.Read(ref _count) - capacity + (capacity / 10);
            foreach (var pair in _entries)
            {
                if (excess-- <= 0)
                {
                    break;
                }
                if (_entries.TryRemove(pair.Key, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    private static int Stripe(string key) => (StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % Stripes;
}
