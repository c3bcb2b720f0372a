using Retail.Shared.State;
using Retail.Shared.Throttling;

namespace Retail.Uas.Passcodes;

/// <summary>
/// /passcode/set answers whether a current passcode is right, so it would be a guessing oracle: each attempt is
/// counted before the passcode is checked, and after a few within a window further attempts wait (429), right or
/// wrong. A right passcode clears the count.
/// </summary>
public sealed class PasscodeGuessGuard([FromKeyedServices(UasModule.Id)] IStateStore store, TimeProvider clock, IOptions<UasOptions> options)
{
    private readonly SlidingWindowThrottle _throttle = new(store, clock);

    /// <summary>Null when the attempt may be made (and is counted); otherwise how long to wait.</summary>
    public Task<TimeSpan?> TryBeginAttemptAsync(string userGuid, CancellationToken ct) =>
        _throttle.TryAcquireAsync(KeyOf(userGuid), new ThrottleRule(options.Value.PasscodeMaxFailures, options.Value.PasscodeFailureWindow), ct);

    public Task ResetAsync(string userGuid, CancellationToken ct) => _throttle.ResetAsync(KeyOf(userGuid), ct);

    private static string KeyOf(string userGuid) => $"passcode-failures|{userGuid}";
}
