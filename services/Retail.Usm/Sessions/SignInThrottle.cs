using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Usm.Sessions;

/// <summary>Whether another sign-in attempt for an e-mail may run, given the recent failed ones.</summary>
public static class SignInThrottleRule
{
    /// <summary>Null when an attempt may run; otherwise how long until the oldest counted failure leaves the window.</summary>
    public static TimeSpan? RetryAfter(IReadOnlyList<DateTimeOffset> failures, DateTimeOffset now, int maxFailures, TimeSpan window)
    {
        var recent = Recent(failures, now, window);
        if (recent.Count < maxFailures)
        {
            return null;
        }
        var wait = recent[recent.Count - maxFailures] + window - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }

    public static List<DateTimeOffset> Recent(IReadOnlyList<DateTimeOffset> failures, DateTimeOffset now, TimeSpan window) =>
        failures.Where(at => at > now - window).Order().ToList();
}

/// <summary>
/// Counts sign-in attempts per e-mail before the passcode is checked (so concurrent guesses are counted too) and
/// forgets them on success. Keyed by the e-mail's hash whether or not an account holds it, so a 429 says nothing
/// about who has an account.
/// </summary>
public sealed class SignInThrottle([FromKeyedServices(UsmModule.Id)] IStateStore store, TimeProvider clock, IOptions<UsmOptions> options)
{
    /// <summary>Null when the attempt may go ahead (it is counted as a failure until <see cref="SucceededAsync"/>); otherwise the wait.</summary>
    public async Task<TimeSpan?> TryBeginAsync(string normalisedEmail, CancellationToken ct)
    {
        var settings = options.Value;
        var key = KeyOf(normalisedEmail);
        for (var attempt = 0; ; attempt++)
        {
            var entry = await store.GetAsync(key, ct);
            var failures = entry is null ? [] : RetailJson.FromBytes<FailureLog>(entry.Value).FailedAt;
            var now = clock.GetUtcNow();
            if (SignInThrottleRule.RetryAfter(failures, now, settings.SignInMaxFailures, settings.SignInFailureWindow) is { } wait)
            {
                return wait;
            }
            var next = SignInThrottleRule.Recent(failures, now, settings.SignInFailureWindow);
            next.Add(now);
            var tx = new StateTransaction().Upsert(key, RetailJson.ToBytes(new FailureLog(next)), entry?.ETag, settings.SignInFailureWindow * 2);
            if ((await store.TransactAsync(tx, ct)).Committed)
            {
                return null;
            }
            // Each lost race means another attempt was counted; a burst of guesses converges within a few rounds.
            if (attempt >= 31)
            {
                throw new InvalidOperationException("the sign-in log kept changing under concurrent attempts");
            }
        }
    }

    public async Task SucceededAsync(string normalisedEmail, CancellationToken ct) =>
        await store.TransactAsync(new StateTransaction().Delete(KeyOf(normalisedEmail), etag: null), ct);

    private static string KeyOf(string normalisedEmail) => $"signin-failures|{CredentialFormats.Hash(normalisedEmail)}";

    private sealed record FailureLog(IReadOnlyList<DateTimeOffset> FailedAt);
}
