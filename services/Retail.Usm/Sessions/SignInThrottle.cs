using Retail.Shared.State;
using Retail.Shared.Throttling;

namespace Retail.Usm.Sessions;

/// <summary>
/// Counts sign-in attempts before the passcode is checked (so concurrent guesses are counted too), per e-mail and
/// client address with a progressive delay (30 s, then doubling), and per e-mail from everywhere under a much higher ceiling: a burst of
/// guesses from one address slows that address, not the owner signing in from another (OWASP authentication
/// guidance). A success forgets its address's failures. Keys are hashes, whether or not an account holds the e-mail,
/// so a 429 says nothing about who has an account.
/// </summary>
public sealed class SignInThrottle([FromKeyedServices(UsmModule.Id)] IStateStore store, TimeProvider clock, IOptions<UsmOptions> options)
{
    private readonly SlidingWindowThrottle _throttle = new(store, clock);

    /// <summary>Null when the attempt may go ahead (it is counted as a failure until <see cref="SucceededAsync"/>); otherwise the wait.</summary>
    public async Task<TimeSpan?> TryBeginAsync(string normalisedEmail, string? clientAddress, CancellationToken ct)
    {
        var settings = options.Value;
        var fromClient = new ThrottleRule(settings.SignInMaxFailuresPerClient, settings.SignInFailureWindow, FreeAttempts: settings.SignInMaxFailures,
            ProgressiveDelay: settings.SignInProgressiveDelay, MaxDelay: settings.SignInFailureWindow);
        if (await _throttle.TryAcquireAsync(ClientKey(normalisedEmail, clientAddress), fromClient, ct) is { } wait)
        {
            return wait;
        }
        return await _throttle.TryAcquireAsync(EmailKey(normalisedEmail),
            new ThrottleRule(settings.SignInMaxFailuresPerEmail, settings.SignInFailureWindow), ct);
    }

    public Task SucceededAsync(string normalisedEmail, string? clientAddress, CancellationToken ct) =>
        _throttle.ResetAsync(ClientKey(normalisedEmail, clientAddress), ct);

    private static string EmailKey(string normalisedEmail) => $"signin-failures|{CredentialFormats.Hash(normalisedEmail)}";

    private static string ClientKey(string normalisedEmail, string? clientAddress) =>
        $"signin-failures|{CredentialFormats.Hash(normalisedEmail)}|{CredentialFormats.Hash(clientAddress ?? "unknown")}";
}
