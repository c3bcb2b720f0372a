using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Shared.Throttling;

/// <summary>
/// How many attempts a window allows: at most <see cref="MaxAttempts"/> within <see cref="Window"/>, at least
/// <see cref="MinInterval"/> apart, and, once <see cref="FreeAttempts"/> have been made in the window, each further one
/// waits <see cref="ProgressiveDelay"/> doubled per attempt since (capped at <see cref="MaxDelay"/>) after the last.
/// </summary>
public sealed record ThrottleRule(int MaxAttempts, TimeSpan Window, TimeSpan MinInterval = default, int FreeAttempts = int.MaxValue,
    TimeSpan ProgressiveDelay = default, TimeSpan MaxDelay = default)
{
    /// <summary>Null when an attempt may be made at <paramref name="now"/> after these; otherwise how long to wait.</summary>
    public TimeSpan? WaitAfter(IReadOnlyList<DateTimeOffset> attempts, DateTimeOffset now)
    {
        var recent = Recent(attempts, now);
        var wait = TimeSpan.Zero;
        if (recent.Count > 0 && now - recent[^1] < MinInterval)
        {
            wait = recent[^1] + MinInterval - now;
        }
        if (recent.Count >= FreeAttempts && ProgressiveDelay > TimeSpan.Zero)
        {
            var doublings = Math.Min(recent.Count - FreeAttempts, 20);
            var delay = ProgressiveDelay * Math.Pow(2, doublings);
            if (MaxDelay > TimeSpan.Zero && delay > MaxDelay)
            {
                delay = MaxDelay;
            }
            var until = recent[^1] + delay - now;
            wait = until > wait ? until : wait;
        }
        if (recent.Count >= MaxAttempts)
        {
            var untilOldestLeaves = recent[recent.Count - MaxAttempts] + Window - now;
            wait = untilOldestLeaves > wait ? untilOldestLeaves : wait;
        }
        return wait > TimeSpan.Zero ? wait : null;
    }

    public List<DateTimeOffset> Recent(IReadOnlyList<DateTimeOffset> attempts, DateTimeOffset now) =>
        attempts.Where(t => now - t < Window).Order().ToList();
}

/// <summary>
/// A sliding-window throttle kept in a service's state store. An attempt is counted before it is made (so a burst of
/// concurrent attempts is counted in full, and none gets past the limit by racing), with an ETag-checked write; the
/// caller forgets the attempts when the thing attempted succeeded, where the rule is about failures.
/// </summary>
public sealed class SlidingWindowThrottle(IStateStore store, TimeProvider clock)
{
    // Every lost race means another attempt was counted; past this many, the throttle answers "wait" rather than loop.
    private const int MaxRaces = 32;

    /// <summary>Null when the attempt may go ahead (it is counted); otherwise how long to wait (it is not counted).</summary>
    public async Task<TimeSpan?> TryAcquireAsync(string key, ThrottleRule rule, CancellationToken ct)
    {
        for (var race = 0; race < MaxRaces; race++)
        {
            var entry = await store.GetAsync(key, ct);
            var attempts = entry is null ? [] : RetailJson.FromBytes<AttemptLog>(entry.Value).At;
            var now = clock.GetUtcNow();
            if (rule.WaitAfter(attempts, now) is { } wait)
            {
                return wait;
            }
            var next = rule.Recent(attempts, now);
            next.Add(now);
            var tx = new StateTransaction().Upsert(key, RetailJson.ToBytes(new AttemptLog(next)), entry?.ETag, rule.Window * 2);
            if ((await store.TransactAsync(tx, ct)).Committed)
            {
                return null;
            }
        }
        return TimeSpan.FromSeconds(1);
    }

    /// <summary>Forgets the attempts under <paramref name="key"/> (a successful sign-in clears its failures).</summary>
    public async Task ResetAsync(string key, CancellationToken ct) =>
        await store.TransactAsync(new StateTransaction().Delete(key, etag: null), ct);

    private sealed record AttemptLog(IReadOnlyList<DateTimeOffset> At);
}
