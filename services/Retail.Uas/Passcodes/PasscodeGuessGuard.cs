using Retail.Shared.Json;
using Retail.Shared.State;
using Retail.Uas.Tokens;

namespace Retail.Uas.Passcodes;

/// <summary>
/// /passcode/set answers whether a current passcode is right, so it would be a guessing oracle: after a few wrong
/// passcodes for one user within a window, further attempts wait (429), right or wrong.
/// </summary>
public sealed class PasscodeGuessGuard([FromKeyedServices(UasModule.Id)] IStateStore store, TimeProvider clock, IOptions<UasOptions> options)
{
    /// <summary>How long to wait, or null when an attempt may be made now.</summary>
    public async Task<TimeSpan?> WaitBeforeAttemptAsync(string userGuid, CancellationToken ct)
    {
        var entry = await store.GetAsync(KeyOf(userGuid), ct);
        var failures = entry is null ? [] : RetailJson.FromBytes<FailureLog>(entry.Value).FailedAt;
        var decision = Decide(failures);
        return decision.Allowed ? null : decision.RetryAfter;
    }

    public async Task RecordFailureAsync(string userGuid, CancellationToken ct)
    {
        var key = KeyOf(userGuid);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var entry = await store.GetAsync(key, ct);
            var failures = entry is null ? [] : RetailJson.FromBytes<FailureLog>(entry.Value).FailedAt;
            var kept = failures.Where(t => clock.GetUtcNow() - t < options.Value.PasscodeFailureWindow).Append(clock.GetUtcNow()).ToList();
            var tx = new StateTransaction().Upsert(key, RetailJson.ToBytes(new FailureLog(kept)), entry?.ETag, options.Value.PasscodeFailureWindow);
            if ((await store.TransactAsync(tx, ct)).Committed)
            {
                return;
            }
        }
        throw new InvalidOperationException("the failure log kept changing under concurrent attempts");
    }

    public async Task ResetAsync(string userGuid, CancellationToken ct) =>
        await store.TransactAsync(new StateTransaction().Delete(KeyOf(userGuid), etag: null), ct);

    private ThrottleDecision Decide(IReadOnlyList<DateTimeOffset> failures) =>
        RateRule.Decide(failures, clock.GetUtcNow(), TimeSpan.Zero, options.Value.PasscodeMaxFailures, options.Value.PasscodeFailureWindow);

    private static string KeyOf(string userGuid) => $"passcode-failures|{userGuid}";

    private sealed record FailureLog(IReadOnlyList<DateTimeOffset> FailedAt);
}
