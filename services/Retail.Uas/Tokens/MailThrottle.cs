using Retail.Shared.State;
using Retail.Shared.Throttling;

namespace Retail.Uas.Tokens;

/// <summary>
/// A minimum gap and a daily cap per kind of mail and per address, keyed by the address's hash, whether or not an
/// account holds it: so a throttled answer says nothing about who has an account.
/// </summary>
public sealed class MailThrottle([FromKeyedServices(UasModule.Id)] IStateStore store, TimeProvider clock, IOptions<UasOptions> options)
{
    private readonly SlidingWindowThrottle _throttle = new(store, clock);

    /// <summary>Null when a mail may go now (and it is counted); otherwise how long to wait.</summary>
    public Task<TimeSpan?> TryAcquireAsync(TokenPurpose purpose, string normalisedEmail, CancellationToken ct) =>
        _throttle.TryAcquireAsync($"mail-rate|{purpose.ToString().ToLowerInvariant()}|{SecretToken.Hash(normalisedEmail)}",
            new ThrottleRule(options.Value.MailMaxPerDay, TimeSpan.FromDays(1), options.Value.MailMinInterval), ct);
}
