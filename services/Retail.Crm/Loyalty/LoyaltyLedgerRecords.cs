using System.Text.Json.Serialization;
using Retail.Shared.Json;

namespace Retail.Crm.Loyalty;

public enum LoyaltyEntryKind
{
    Earn,
    Redeem,
    Adjust,
    Reverse,
    Restore,
    Expire,

    /// <summary>A merged customer's points leaving for the survivor.</summary>
    MergeOut,

    /// <summary>A merged customer's points arriving at the survivor.</summary>
    MergeIn,
}

public enum LoyaltyAccountStatus
{
    Active,

    /// <summary>The customer was merged: the balance moved to <see cref="LoyaltyAccount.MergedInto"/>.</summary>
    Merged,
}

/// <summary>
/// A customer's points (keyed by the customer): the balance, what was ever earned (net of reversals), the tier that
/// gives. Changed in the batch of every ledger entry, ETag-checked, never below zero; always the sum of its open
/// <see cref="LoyaltyBucket"/>s' remaining points.
/// </summary>
public sealed record LoyaltyAccount : Record
{
    public required string CustomerGuid { get; init; }

    public long Balance { get; init; }

    public long LifetimeEarned { get; init; }

    public string? Tier { get; init; }

    public LoyaltyAccountStatus Status { get; init; } = LoyaltyAccountStatus.Active;

    public string? MergedInto { get; init; }

    public DateTimeOffset? LastEntryAt { get; init; }

    [JsonIgnore]
    public override string Key => CustomerGuid;

    public static RecordType<LoyaltyAccount> Type { get; } = new RecordType<LoyaltyAccount>("loyalty_account")
        .IndexBy("tier");
}

/// <summary>Points a redemption (or a negative adjustment) took from one bucket, so a restore gives them back there.</summary>
public sealed record BucketTake(string BucketGuid, long Points);

/// <summary>
/// One immutable line of a customer's ledger. <see cref="Points"/> is signed (+ earn, restore, positive adjust, merge in;
/// − the rest); <see cref="BalanceAfter"/> is the account's balance once it was applied. <see cref="Reference"/> is the
/// business reference (the order of an earn, the redemption's own, the return of a reversal); the idempotency value
/// <c>{kind}:{reference}</c> is unique, so a replay answers this entry instead of moving points twice.
/// </summary>
public sealed record LoyaltyEntry : Record
{
    public required string EntryGuid { get; init; }

    public required string CustomerGuid { get; init; }

    public required LoyaltyEntryKind Kind { get; init; }

    public required long Points { get; init; }

    public required long BalanceAfter { get; init; }

    public string? Reference { get; init; }

    /// <summary>What the entry undoes or follows: the earn's order reference (reverse), the redemption's reference (restore).</summary>
    public string? OfReference { get; init; }

    public string? Reason { get; init; }

    public required string Actor { get; init; }

    public required long PolicyVersion { get; init; }

    /// <summary>The amount an earn was computed from, a redemption was worth, or a reversal returned.</summary>
    public long? AmountMinor { get; init; }

    public string? Currency { get; init; }

    /// <summary>An earn's tier and multiplier when it was earned.</summary>
    public string? Tier { get; init; }

    public decimal? EarnMultiplier { get; init; }

    /// <summary>When an earn's points expire (null: never).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Buckets a debit took from (redeem, negative adjust, reverse, expire), or a credit went to.</summary>
    public IReadOnlyList<BucketTake> Buckets { get; init; } = [];

    /// <summary>A reversal that could not take all it should have because the points were already spent.</summary>
    public long? Shortfall { get; init; }

    /// <summary>The other customer of a merge entry.</summary>
    public string? CounterpartGuid { get; init; }

    [JsonIgnore]
    public string? IdempotencyValue => Reference is null || Kind is LoyaltyEntryKind.Expire or LoyaltyEntryKind.MergeIn or LoyaltyEntryKind.MergeOut
        ? null
        : IdempotencyOf(Kind, Reference);

    [JsonIgnore]
    public override string Key => EntryGuid;

    public static string IdempotencyOf(LoyaltyEntryKind kind, string reference) => $"{SnakeCase.Name(kind)}:{reference}";

    public static RecordType<LoyaltyEntry> Type { get; } = new RecordType<LoyaltyEntry>("loyalty_entry",
            e => e.IdempotencyValue is { } value ? [new UniqueValue("reference", value)] : [])
        .IndexBy("customer_guid", "entry_guid")
        .IndexBy("customer_guid", "kind", "entry_guid");
}

/// <summary>
/// The live points of one credit (an earn, a positive adjustment) until they are spent, reversed or expire: redemptions
/// and expiry take from buckets first-expiring first (FIFO), so only what is left of an earn expires. Keyed by the entry
/// that made it. Moved to the survivor on merge.
/// </summary>
public sealed record LoyaltyBucket : Record
{
    /// <summary>The entry that made it (its key).</summary>
    public required string BucketGuid { get; init; }

    public required string CustomerGuid { get; init; }

    /// <summary>The earn's order reference, for reversals.</summary>
    public string? Reference { get; init; }

    public required long Earned { get; init; }

    public required long Remaining { get; init; }

    /// <summary>Points reversed so far (never more than <see cref="Earned"/>).</summary>
    public long Reversed { get; init; }

    /// <summary>The amount the earn was computed from, and how much of it returns reversed so far (proportional reversal).</summary>
    public long? AmountMinor { get; init; }

    public long ReturnedMinor { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    [JsonIgnore]
    public override string Key => BucketGuid;

    /// <summary>Far beyond any expiry: buckets that never expire sort last.</summary>
    public const long NeverMs = 253_402_300_799_999;

    public static RecordType<LoyaltyBucket> Type { get; } = new RecordType<LoyaltyBucket>("loyalty_bucket")
        .Computed("open_ms", b => b.Remaining > 0 ? b.ExpiresAt?.ToUnixTimeMilliseconds() ?? NeverMs : null)
        .Computed("expires_due", b => b.Remaining > 0 && b.ExpiresAt is { } at ? at.ToUnixTimeMilliseconds() : null)
        .IndexBy("customer_guid", "open_ms")
        .IndexBy("expires_due")
        .IndexAcrossOrgs("expires_due");
}
