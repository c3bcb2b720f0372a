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

/// <summary>
/// Which org a state key belongs to, by the rule every <c>state</c> part applies: the record store's families
/// (<c>rec|</c>, <c>uniq|</c>, <c>hist|</c>, <c>ixv|</c>) name the org in the third segment, a registered
/// <see cref="OrgKeyPrefix"/> family in the second (<c>{prefix}|{org}</c> or <c>{prefix}|{org}|…</c>). Records kept without
/// an org (<see cref="Records.RecordKeys.NoOrg"/>) belong to none.
/// </summary>
public static class OrgStateKeys
{
    /// <summary>The org of <paramref name="key"/>, or null when it is no org's (or no registered family's).</summary>
    public static string? OrgOf(string key, IReadOnlySet<string> prefixes)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(prefixes);
        var first = key.IndexOf('|', StringComparison.Ordinal);
        if (first <= 0)
        {
            return null;
        }
        var family = key[..first];
        if (family is "rec" or "uniq" or "hist" or "ixv")
        {
            var second = key.IndexOf('|', first + 1);
            var third = second < 0 ? -1 : key.IndexOf('|', second + 1);
            var org = third < 0 ? "" : key[(second + 1)..third];
            return org.Length == 0 || org == Records.RecordKeys.NoOrg ? null : org;
        }
        if (prefixes.Contains(family))
        {
            var end = key.IndexOf('|', first + 1);
            var org = end < 0 ? key[(first + 1)..] : key[(first + 1)..end];
            return org.Length == 0 ? null : org;
        }
        return null;
    }

    /// <summary>The registered raw families and idempotency replays, as one set.</summary>
    public static IReadOnlySet<string> PrefixesOf(IEnumerable<OrgKeyPrefix> prefixes) =>
        prefixes.Select(p => p.Prefix).Append(OrgKeyPrefix.Idempotency.Prefix).ToHashSet(StringComparer.Ordinal);

    /// <summary>What an exported item of this key is: the record's entity, "history", "unique", "index", or the raw family.</summary>
    public static string KindOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split('|', 3);
        return parts[0] switch
        {
            "rec" => parts.Length > 1 ? parts[1] : "record",
            "hist" => "history",
            "uniq" => "unique",
            "ixv" => "index",
            var other => other,
        };
    }
}
