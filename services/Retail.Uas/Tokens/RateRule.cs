namespace Retail.Uas.Tokens;

public sealed record ThrottleDecision(bool Allowed, TimeSpan RetryAfter, IReadOnlyList<DateTimeOffset> SentAt);

/// <summary>A rate rule: a minimum gap between events, and a cap per rolling window (a day unless said otherwise).</summary>
public static class RateRule
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public static ThrottleDecision Decide(IReadOnlyList<DateTimeOffset> sentAt, DateTimeOffset now, TimeSpan minInterval, int maxPerDay,
        TimeSpan? window = null)
    {
        var span = window ?? Day;
        var recent = sentAt.Where(t => now - t < span).Order().ToList();
        var wait = TimeSpan.Zero;
        if (recent.Count > 0 && now - recent[^1] < minInterval)
        {
            wait = recent[^1] + minInterval - now;
        }
        if (recent.Count >= maxPerDay)
        {
            var untilOldestLeaves = recent[recent.Count - maxPerDay] + span - now;
            wait = untilOldestLeaves > wait ? untilOldestLeaves : wait;
        }
        if (wait > TimeSpan.Zero)
        {
            return new ThrottleDecision(false, wait, recent);
        }
        recent.Add(now);
        return new ThrottleDecision(true, TimeSpan.Zero, recent);
    }
}
