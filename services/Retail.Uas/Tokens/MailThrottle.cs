using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Uas.Tokens;

public sealed record ThrottleDecision(bool Allowed, TimeSpan RetryAfter, IReadOnlyList<DateTimeOffset> SentAt);

/// <summary>A rate rule: a minimum gap between events, and a cap per rolling window (a day unless said otherwise).</summary>
public static class MailThrottleRule
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

/// <summary>
/// Applies <see cref="MailThrottleRule"/> per kind of mail and per address, keyed by the address's hash, whether
/// or not an account holds it: so a throttled answer says nothing about who has an account.
/// </summary>
public sealed class MailThrottle([FromKeyedServices(UasModule.Id)] IStateStore store, TimeProvider clock, IOptions<UasOptions> options)
{
    /// <summary>Null when a mail may go now (and it is counted); otherwise how long to wait.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(TokenPurpose purpose, string normalisedEmail, CancellationToken ct)
    {
        var key = $"mail-rate|{purpose.ToString().ToLowerInvariant()}|{SecretToken.Hash(normalisedEmail)}";
        for (var attempt = 0; ; attempt++)
        {
            var entry = await store.GetAsync(key, ct);
            var sent = entry is null ? [] : RetailJson.FromBytes<SentLog>(entry.Value).SentAt;
            var decision = MailThrottleRule.Decide(sent, clock.GetUtcNow(), options.Value.MailMinInterval, options.Value.MailMaxPerDay);
            if (!decision.Allowed)
            {
                return decision.RetryAfter;
            }
            var tx = new StateTransaction().Upsert(key, RetailJson.ToBytes(new SentLog(decision.SentAt)), entry?.ETag, TimeSpan.FromDays(2));
            if ((await store.TransactAsync(tx, ct)).Committed)
            {
                return null;
            }
            if (attempt >= 4)
            {
                throw new InvalidOperationException("the mail rate log kept changing under concurrent requests");
            }
        }
    }

    private sealed record SentLog(IReadOnlyList<DateTimeOffset> SentAt);
}
