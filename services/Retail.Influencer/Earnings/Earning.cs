using System.Text.Json.Serialization;

namespace Retail.Influencer.Earnings;

/// <summary>A commission earned on a sale, or a clawback of one (negative).</summary>
public enum EarningKind
{
    Commission,
    Clawback,
}

/// <summary>
/// <c>pending</c> (inside the return window) <c>→ available</c> (payable) <c>→ paid</c> (a payout took it); an admin may
/// hold a pending or available earning (<c>held</c>) and release it back; <c>cancelled</c> when the sale was cancelled
/// before it became available. A clawback is created <c>available</c> (it reduces the next payout) unless its commission
/// was still pending, then it is <c>pending</c> with it.
/// </summary>
public enum EarningStatus
{
    Pending,
    Available,
    Held,
    Paid,
    Cancelled,
}

/// <summary>
/// One immutable-in-amount entry of an influencer's earnings (UC-INF-003). <see cref="Reference"/> is unique in the org:
/// <c>commission:{order_guid}</c> or <c>clawback:{return_guid}:{earning_guid}</c> (or <c>clawback:manual:{key}</c>), so an
/// attribution or a return replayed finds the first entry and never pays or claws back twice. Amounts are integer minor
/// units: commission = floor(base × rate_bps / 10000); a clawback = −floor(commission × returned net / attributed net)
/// (the rest after earlier clawbacks, never more than the commission).
/// </summary>
public sealed record Earning : Record
{
    public required string EarningGuid { get; init; }

    public required string Reference { get; init; }

    public required string ProfileGuid { get; init; }

    public required string CampaignGuid { get; init; }

    public required string CampaignCode { get; init; }

    public required string AttributionGuid { get; init; }

    public required string OrderGuid { get; init; }

    public string? OrderNumber { get; init; }

    public required EarningKind Kind { get; init; }

    /// <summary>Positive for a commission, negative for a clawback.</summary>
    public required long AmountMinor { get; init; }

    public required string Currency { get; init; }

    /// <summary>The net amount the commission was computed on (for a clawback: the returned net).</summary>
    public required long BaseMinor { get; init; }

    public int RateBps { get; init; }

    /// <summary>The discount tier whose rate applied, when the campaign uses tiers.</summary>
    public string? TierCode { get; init; }

    public EarningStatus Status { get; init; } = EarningStatus.Pending;

    /// <summary>When a pending earning becomes available (end of the campaign's return window).</summary>
    public DateTimeOffset? AvailableAt { get; init; }

    /// <summary>The status a held earning returns to on release.</summary>
    public EarningStatus? HeldFrom { get; init; }

    public string? HoldReason { get; init; }

    /// <summary>For a clawback: the commission it claws back and the SCM return that caused it (null for a manual clawback).</summary>
    public string? ClawsBack { get; init; }

    public string? ReturnGuid { get; init; }

    /// <summary>The payout that paid this earning (or netted this clawback).</summary>
    public string? PayoutGuid { get; init; }

    /// <summary>For a commission: what its clawbacks took back so far (positive); never more than <see cref="AmountMinor"/>.</summary>
    public long ClawedBackMinor { get; init; }

    /// <summary>Why an admin held, released or clawed back, or why the sale was cancelled.</summary>
    public string? Reason { get; init; }

    /// <summary>Who made the entry or its last change (a user, or <c>service:scm</c>, <c>system:availability</c>).</summary>
    public string? Actor { get; init; }

    /// <summary>The commission still to claw back.</summary>
    [JsonIgnore]
    public long ClawableMinor => Kind == EarningKind.Commission ? Math.Max(0, AmountMinor - ClawedBackMinor) : 0;

    /// <summary>
    /// Whether the entry counts in the pending part of the balance: pending, or held from pending (a clawback of it follows it
    /// there).
    /// </summary>
    [JsonIgnore]
    public bool StillPending => Status == EarningStatus.Pending || (Status == EarningStatus.Held && HeldFrom == EarningStatus.Pending);

    /// <summary>
    /// The moves an admin and the sweep make: pending → available (time), pending|available ⇄ held, pending → cancelled (the
    /// sale was cancelled), available → paid (a payout). Paid and cancelled are final.
    /// </summary>
    public static readonly StateMachine<EarningStatus> Lifecycle = new(new Dictionary<EarningStatus, EarningStatus[]>
    {
        [EarningStatus.Pending] = [EarningStatus.Available, EarningStatus.Held, EarningStatus.Cancelled],
        [EarningStatus.Available] = [EarningStatus.Held, EarningStatus.Paid],
        [EarningStatus.Held] = [EarningStatus.Pending, EarningStatus.Available, EarningStatus.Cancelled],
    });

    [JsonIgnore]
    public override string Key => EarningGuid;

    public static readonly RecordType<Earning> Type = new RecordType<Earning>("earning", e => [new UniqueValue("reference", e.Reference)])
        .IndexBy("profile_guid", "status")
        .IndexBy("attribution_guid")
        .IndexBy("status", "available_at")
        .IndexBy("payout_guid")
        .IndexBy("order_guid")
        .IndexBy("claws_back")
        // Due for the availability sweep (across orgs): a pending entry's available_at in epoch ms; null once it moved on.
        .Computed("available_due", e => e.Status == EarningStatus.Pending && e.AvailableAt is { } at ? at.ToUnixTimeMilliseconds() : null)
        .IndexAcrossOrgs("available_due")
        // Statements read a profile's earnings of a period by creation time.
        .Computed("created_ms", e => e.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("profile_guid", "created_ms");
}

/// <summary>
/// An influencer's running balances (one per profile), changed in the same ETag-checked batch as every earning change and
/// every payout, so concurrent writers serialise on it: <see cref="AvailableMinor"/> is what a payout may take (it may be
/// negative after a clawback of a paid commission: that debt is netted from the next payout).
/// </summary>
public sealed record InfluencerBalance : Record
{
    public required string ProfileGuid { get; init; }

    public required string Currency { get; init; }

    public long PendingMinor { get; init; }

    public long AvailableMinor { get; init; }

    public long HeldMinor { get; init; }

    public long PaidMinor { get; init; }

    /// <summary>Attributed net sales in all (what tiers are reached by).</summary>
    public long AttributedNetMinor { get; init; }

    [JsonIgnore]
    public override string Key => ProfileGuid;

    public static readonly RecordType<InfluencerBalance> Type = new("influencer_balance");
}
