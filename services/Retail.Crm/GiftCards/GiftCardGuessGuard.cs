using Microsoft.Extensions.Options;
using Retail.Shared.Json;
using Retail.Shared.Throttling;

namespace Retail.Crm.GiftCards;

/// <summary>
/// Codes are bearer secrets, so every lookup by code (redeem, balance) is a guess an attacker could repeat. Unknown codes
/// are counted per caller and per org in a sliding window; once either is full, lookups answer 429 before the code is
/// even looked at, right or wrong, so a guess that happens to hit cannot be told apart while throttled. Known codes are
/// not counted, so busy tills never throttle themselves.
/// </summary>
public sealed class GiftCardGuessGuard([FromKeyedServices(CrmModule.Id)] IStateStore store, TimeProvider clock, IOptions<GiftCardOptions> options)
{
    // Every lost race means another failure was counted meanwhile; past this many the failure is dropped (it is one of many).
    private const int MaxRaces = 16;

    /// <summary>Null when a lookup may be made; otherwise how long the caller must wait.</summary>
    public async Task<TimeSpan?> WaitBeforeLookupAsync(string orgcode, string principalId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var caller = await WaitAsync(CallerKey(orgcode, principalId), CallerRule, now, ct);
        var org = await WaitAsync(OrgKey(orgcode), OrgRule, now, ct);
        return (caller, org) switch
        {
            (null, null) => null,
            ({ } a, { } b) => a > b ? a : b,
            _ => caller ?? org,
        };
    }

    /// <summary>Counts an unknown code against the caller and the org.</summary>
    public async Task UnknownCodeAsync(string orgcode, string principalId, CancellationToken ct)
    {
        await CountAsync(CallerKey(orgcode, principalId), CallerRule, ct);
        await CountAsync(OrgKey(orgcode), OrgRule, ct);
    }

    private ThrottleRule CallerRule => new(options.Value.MaxUnknownCodesPerCaller, options.Value.UnknownCodeWindow);

    private ThrottleRule OrgRule => new(options.Value.MaxUnknownCodesPerOrg, options.Value.UnknownCodeWindow);

    private async Task<TimeSpan?> WaitAsync(string key, ThrottleRule rule, DateTimeOffset now, CancellationToken ct)
    {
        var entry = await store.GetAsync(key, ct);
        return entry is null ? null : rule.WaitAfter(RetailJson.FromBytes<UnknownCodes>(entry.Value).At, now);
    }

    private async Task CountAsync(string key, ThrottleRule rule, CancellationToken ct)
    {
        for (var race = 0; race < MaxRaces; race++)
        {
            var entry = await store.GetAsync(key, ct);
            var now = clock.GetUtcNow();
            var recent = rule.Recent(entry is null ? [] : RetailJson.FromBytes<UnknownCodes>(entry.Value).At, now);
            // Enough to block; older ones leave the window anyway.
            if (recent.Count > rule.MaxAttempts)
            {
                recent.RemoveRange(0, recent.Count - rule.MaxAttempts);
            }
            recent.Add(now);
            var tx = new StateTransaction().Upsert(key, RetailJson.ToBytes(new UnknownCodes(recent)), entry?.ETag, rule.Window * 2);
            if ((await store.TransactAsync(tx, ct)).Committed)
            {
                return;
            }
        }
    }

    private static string CallerKey(string orgcode, string principalId) => $"giftcard-unknown-codes|{orgcode}|{principalId}";

    private static string OrgKey(string orgcode) => $"giftcard-unknown-codes|{orgcode}";

    private sealed record UnknownCodes(IReadOnlyList<DateTimeOffset> At);
}
