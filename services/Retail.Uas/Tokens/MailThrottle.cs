using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Uas.Tokens;

/// <summary>
/// Applies <see cref="RateRule"/> per kind of mail and per address, keyed by the address's hash, whether
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
            var decision = RateRule.Decide(sent, clock.GetUtcNow(), options.Value.MailMinInterval, options.Value.MailMaxPerDay);
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
