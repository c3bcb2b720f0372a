using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace Retail.Shared.Contract;

/// <summary>
/// The memory cache behind the org directory and credential caches: at most <c>sizeLimit</c> entries (each counts 1;
/// over the limit a new entry is refused and the oldest quarter compacted away), and expired entries dropped when
/// looked up and by a periodic scan, so a stream of distinct keys cannot grow the process.
/// </summary>
internal static class BoundedCache
{
    public static MemoryCache Create(TimeProvider clock, int sizeLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeLimit, 1);
        return new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = sizeLimit,
            CompactionPercentage = 0.25,
            ExpirationScanFrequency = TimeSpan.FromSeconds(30),
            Clock = new TimeProviderClock(clock),
        });
    }

    /// <summary>The cache expires entries by the same clock as everything else, so tests can move it.</summary>
    private sealed class TimeProviderClock(TimeProvider clock) : ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
}
