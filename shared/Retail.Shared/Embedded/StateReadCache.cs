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
/// Entries with a TTL are never kept. Bounded by count and by bytes (what the keys and values hold, with an estimate of
/// each entry's overhead): past either bound an arbitrary tenth is let go (the cache only saves reads, it never decides an
/// answer alone). The byte bound is what lets a large catalog's working set stay: a count sized for the largest values
/// held a fifth of a 20,000-variant price book.
/// </summary>
internal sealed class StateReadCache(int capacity, long capacityBytes)
{
    // Per entry beyond its key and value: the dictionary node, the StateEntry, the array and string headers, the ETag.
    internal const int Overhead = 160;

    private const int Stripes = 1024;
    private readonly ConcurrentDictionary<string, StateEntry?> _entries = new(StringComparer.Ordinal);
    private readonly long[] _generations = new long[Stripes];
    private readonly object[] _locks = Enumerable.Range(0, Stripes).Select(_ => new object()).ToArray();

    // ConcurrentDictionary.Count takes every lock of the dictionary; the count and bytes are kept beside it instead, changed
    // only under the key's stripe lock.
    private int _count;
    private long _bytes;
    private int _trimming;

    public bool Enabled => capacity > 0 && capacityBytes > 0;

    /// <summary>How many bytes the kept entries are estimated to hold.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    public int Count => Volatile.Read(ref _count);

    internal static long SizeOf(string key, StateEntry? entry) =>
        Overhead + (key.Length * 2L) + (entry is null ? 0 : entry.Value.Length + (entry.ETag.Length * 2L));

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
                Interlocked.Add(ref _bytes, SizeOf(key, entry));
            }
            else if (_entries.TryGetValue(key, out var previous))
            {
                _entries[key] = entry;
                Interlocked.Add(ref _bytes, SizeOf(key, entry) - SizeOf(key, previous));
            }
        }
        if (Volatile.Read(ref _count) > capacity || Volatile.Read(ref _bytes) > capacityBytes)
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
                if (_entries.TryRemove(key, out var removed))
                {
                    Interlocked.Decrement(ref _count);
                    Interlocked.Add(ref _bytes, -SizeOf(key, removed));
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
            // Down to nine tenths of both bounds.
            var excess = Volatile.Read(ref _count) - capacity + (capacity / 10);
            var excessBytes = Volatile.Read(ref _bytes) - capacityBytes + (capacityBytes / 10);
            foreach (var pair in _entries)
            {
                if (excess <= 0 && excessBytes <= 0)
                {
                    break;
                }
                // Under the key's stripe lock, as every other change of an entry, so the count and bytes stay exact.
                lock (_locks[Stripe(pair.Key)])
                {
                    if (_entries.TryRemove(pair.Key, out var removed))
                    {
                        var size = SizeOf(pair.Key, removed);
                        Interlocked.Decrement(ref _count);
                        Interlocked.Add(ref _bytes, -size);
                        excess--;
                        excessBytes -= size;
                    }
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
