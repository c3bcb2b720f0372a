using System.Text.Json.Serialization;
using Retail.Ics.Stock;

namespace Retail.Ics.Holds;

/// <summary>How far an order's claim on stock has gone: reserved (promised), allocated (assigned to a facility's work), committed (to ship).</summary>
public enum HoldStage
{
    Reserved,
    Allocated,
    Committed,
}

/// <summary>
/// <c>active</c> holds stock; <c>released</c> (by the caller) and <c>expired</c> (its time ran out) gave it back to
/// <c>available</c>; <c>shipped</c> left the facility against it.
/// </summary>
public enum HoldStatus
{
    Active,
    Released,
    Expired,
    Shipped,
}

/// <summary>One variant and quantity a hold claims (a kit's hold claims each component times the kit quantity).</summary>
public sealed record HoldLine(string VariantGuid, long Quantity);

/// <summary>
/// A reservation, allocation or commitment of stock at a facility for a reference (an order, a transfer): the stock sits
/// in the state of its <see cref="Stage"/> while it is active. A kit's hold names the kit and claims its components,
/// all or none. Active reservations with <see cref="ExpiresAt"/> are found by the computed <c>expires_due</c> index
/// (across orgs) and expired by the sweeper, which survives restarts because the due time is data.
/// </summary>
public sealed record Hold : Record
{
    public required string HoldGuid { get; init; }

    public required HoldStage Stage { get; init; }

    public HoldStatus Status { get; init; } = HoldStatus.Active;

    public required string FacilityCode { get; init; }

    /// <summary>The variant asked for: a plain variant, or a kit whose components <see cref="Lines"/> claim.</summary>
    public required string VariantGuid { get; init; }

    public required long Quantity { get; init; }

    public required IReadOnlyList<HoldLine> Lines { get; init; }

    public bool IsKit { get; init; }

    public required StockReference Reference { get; init; }

    /// <summary>The caller's name of the line this hold is for (an order's line number), when placed in a batch.</summary>
    public string? LineRef { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The hold this one continued (a reservation allocated, an allocation committed).</summary>
    public string? FromHoldGuid { get; init; }

    /// <summary>
    /// The hold this one continued into: set when a reservation is allocated or committed (or an allocation committed),
    /// which marks this one <c>released</c> with <see cref="StatusReason"/> <c>allocated</c> or <c>committed</c>.
    /// </summary>
    public string? NextHoldGuid { get; init; }

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => HoldGuid;

    /// <summary>The state the held stock sits in.</summary>
    [JsonIgnore]
    public StockState State => Stage switch
    {
        HoldStage.Reserved => StockState.Reserved,
        HoldStage.Allocated => StockState.Allocated,
        _ => StockState.Committed,
    };

    // Every change of a hold moves its stock in the same transaction (HoldChanges, HoldBatches, ship): the movements,
    // which name the hold, are its history.
    public static RecordType<Hold> Type { get; } = new RecordType<Hold>("hold")
        .HistoryInLedger()
        .Computed("expires_due", h => h.Status == HoldStatus.Active && h.ExpiresAt is { } at ? at.ToUnixTimeMilliseconds() : null)
        .IndexAcrossOrgs("expires_due")
        .IndexBy("reference.kind", "reference.id")
        .IndexBy("facility_code", "variant_guid", "status");
}

/// <summary>
/// <c>reservation.expired</c>: a hold's time ran out (the sweeper) or an admin expired it; its stock is back in
/// <c>available</c>. <see cref="Stage"/> says whether it was a reservation or an allocation.
/// </summary>
public sealed record ReservationExpired(string Orgcode, string HoldGuid, HoldStage Stage, string FacilityCode, string VariantGuid, long Quantity,
    IReadOnlyList<HoldLine> Lines, StockReference Reference, DateTimeOffset? ExpiresAt);
