namespace Retail.Shared.OrgData;

/// <summary>
/// A raw state key family a service writes outside the record store whose second segment is the org
/// (<c>{prefix}|{orgcode}|…</c>: sealed secrets, counters, idempotency replays). Registering it
/// (<c>services.AddSingleton(new OrgKeyPrefix("webhook-secret"))</c>) puts those keys in the org's <c>state</c> part, so
/// offboarding exports and purges them with the org's records. The record store's own keys (<c>rec|</c>, <c>uniq|</c>,
/// <c>hist|</c>, <c>ixv|</c>, org in the third segment) are always included.
/// </summary>
public sealed record OrgKeyPrefix(string Prefix)
{
    /// <summary>Idempotency replays of an org's writes (<c>idem|{orgcode}|{hash}</c>).</summary>
    public static readonly OrgKeyPrefix Idempotency = new("idem");
}
