using System.Text.Json.Serialization;

namespace Retail.Crm.Loyalty;

/// <summary><see cref="Points"/> points for every <see cref="PerMinor"/> minor units of <see cref="Currency"/> (1 per 100: a point per euro).</summary>
public sealed record EarnRate(string Currency, long Points, long PerMinor);

/// <summary>A tier reached at <see cref="Threshold"/> lifetime points; its earns are multiplied by <see cref="EarnMultiplier"/> (1.5: half as many again).</summary>
public sealed record LoyaltyTier(string Name, long Threshold, decimal EarnMultiplier);

/// <summary>What one point is worth when redeemed for an amount of <see cref="Currency"/>, in minor units.</summary>
public sealed record RedemptionValue(string Currency, long MinorPerPoint);

/// <summary>
/// The org's loyalty policy (<c>/loyalty/policy/set|get</c>), one record whose revision is its version: earn rates per
/// currency, tiers by lifetime points, how many months earned points live, what a point is worth, the smallest redemption.
/// Every version is also kept as a <see cref="LoyaltyPolicyVersion"/>, and every ledger entry names the version it used.
/// Version 0 is <see cref="Default"/> (earns nothing by amount, never expires) until an admin sets one.
/// </summary>
public sealed record LoyaltyPolicy : Record
{
    public const string TheKey = "policy";

    public IReadOnlyList<EarnRate> EarnRates { get; init; } = [];

    /// <summary>Ascending by threshold.</summary>
    public IReadOnlyList<LoyaltyTier> Tiers { get; init; } = [];

    /// <summary>Earned points expire this many months after they were earned; 0: never.</summary>
    public int ExpiryMonths { get; init; }

    public IReadOnlyList<RedemptionValue> RedemptionValues { get; init; } = [];

    public long MinimumRedeemPoints { get; init; } = 1;

    public string? UpdatedBy { get; init; }

    /// <summary>The version entries record: the revision (0 for the default).</summary>
    [JsonIgnore]
    public long Version => Revision;

    [JsonIgnore]
    public override string Key => TheKey;

    public static LoyaltyPolicy Default { get; } = new();

    public static RecordType<LoyaltyPolicy> Type { get; } = new("loyalty_policy");

    public EarnRate? EarnRateFor(string currency) => EarnRates.FirstOrDefault(r => r.Currency == currency);

    public RedemptionValue? RedemptionValueFor(string currency) => RedemptionValues.FirstOrDefault(r => r.Currency == currency);

    /// <summary>The highest tier whose threshold <paramref name="lifetimeEarned"/> reaches, or null.</summary>
    public LoyaltyTier? TierFor(long lifetimeEarned) => Tiers.Where(t => t.Threshold <= lifetimeEarned).MaxBy(t => t.Threshold);

    public DateTimeOffset? ExpiryOf(DateTimeOffset earnedAt) => ExpiryMonths > 0 ? earnedAt.AddMonths(ExpiryMonths) : null;
}

/// <summary>One version of the loyalty policy as it was set (keyed by its version), so an entry's version can be read back.</summary>
public sealed record LoyaltyPolicyVersion : Record
{
    public required long Version { get; init; }

    public required LoyaltyPolicy Policy { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(Version);

    public static string KeyOf(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static RecordType<LoyaltyPolicyVersion> Type { get; } = new("loyalty_policy_version");
}
