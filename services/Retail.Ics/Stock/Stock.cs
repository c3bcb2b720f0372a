using System.Text.Json.Serialization;

namespace Retail.Ics.Stock;

/// <summary>
/// The logical states stock is in at a facility. <c>available</c> is what can be promised; <c>reserved</c>,
/// <c>allocated</c> and <c>committed</c> are held for orders; <c>in_transit</c> is between facilities; <c>qc_hold</c> and
/// <c>damaged</c> are on hand but not sellable; <c>consignment</c> is on hand but owned by a vendor.
/// </summary>
public enum StockState
{
    Available,
    Reserved,
    Allocated,
    Committed,
    InTransit,
    QcHold,
    Damaged,
    Consignment,
}

/// <summary>
/// The balance of one variant at one logical facility, by state: the logical ledger every promise reads. One record per
/// (facility, variant), keyed "{facility_code}:{variant_guid}", so a change to it is one ETag-checked write in the
/// transaction of its movements. Derived from movements: <see cref="StockLedger.ReconcileAsync"/> rebuilds it.
/// </summary>
public sealed record Position : Record
{
    public required string FacilityCode { get; init; }

    public required string VariantGuid { get; init; }

    public long Available { get; init; }

    public long Reserved { get; init; }

    public long Allocated { get; init; }

    public long Committed { get; init; }

    public long InTransit { get; init; }

    public long QcHold { get; init; }

    public long Damaged { get; init; }

    public long Consignment { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(FacilityCode, VariantGuid);

    /// <summary>Everything physically at the facility (every state but in transit).</summary>
    [JsonIgnore]
    public long OnHand => Available + Reserved + Allocated + Committed + QcHold + Damaged + Consignment;

    public static string KeyOf(string facilityCode, string variantGuid) => $"{facilityCode}:{variantGuid}";

    public long this[StockState state] => state switch
    {
        StockState.Available => Available,
        StockState.Reserved => Reserved,
        StockState.Allocated => Allocated,
        StockState.Committed => Committed,
        StockState.InTransit => InTransit,
        StockState.QcHold => QcHold,
        StockState.Damaged => Damaged,
        StockState.Consignment => Consignment,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public Position With(StockState state, long quantity) => state switch
    {
        StockState.Available => this with { Available = quantity },
        StockState.Reserved => this with { Reserved = quantity },
        StockState.Allocated => this with { Allocated = quantity },
        StockState.Committed => this with { Committed = quantity },
        StockState.InTransit => this with { InTransit = quantity },
        StockState.QcHold => this with { QcHold = quantity },
        StockState.Damaged => this with { Damaged = quantity },
        StockState.Consignment => this with { Consignment = quantity },
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static RecordType<Position> Type { get; } = new RecordType<Position>("stock_position")
        .HistoryInLedger()
        .IndexBy("facility_code")
        .IndexBy("variant_guid");
}

/// <summary>
/// Where stock physically is inside a facility: the quantity of a variant in a bin, keyed
/// "{facility_code}:{bin_code}:{variant_guid}". States are the facility's (<see cref="Position"/>); bins are places.
/// </summary>
public sealed record BinBalance : Record
{
    public required string FacilityCode { get; init; }

    public required string BinCode { get; init; }

    public required string VariantGuid { get; init; }

    public long Quantity { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(FacilityCode, BinCode, VariantGuid);

    public static string KeyOf(string facilityCode, string binCode, string variantGuid) => $"{facilityCode}:{binCode}:{variantGuid}";

    public static RecordType<BinBalance> Type { get; } = new RecordType<BinBalance>("bin_balance")
        .HistoryInLedger()
        .IndexBy("facility_code", "bin_code")
        .IndexBy("variant_guid");
}

/// <summary>What a movement answers to: a purchase order, an order, a transfer, a count, a reservation, …</summary>
public sealed record StockReference(string Kind, string Id);

/// <summary>
/// One immutable line of the stock card: <see cref="Quantity"/> of a variant left <see cref="FromState"/> (null: it came
/// into the facility) for <see cref="ToState"/> (null: it left), optionally between bins. Movements of one change share
/// <see cref="ChangeGuid"/> and commit in one transaction with the balances they change.
/// </summary>
public sealed record Movement : Record
{
    public required string MovementGuid { get; init; }

    public required string ChangeGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string VariantGuid { get; init; }

    public StockState? FromState { get; init; }

    public StockState? ToState { get; init; }

    public required long Quantity { get; init; }

    public string? FromBin { get; init; }

    public string? ToBin { get; init; }

    /// <summary>A reason code: receipt, qc_pass, qc_fail, putaway, pick, ship, reserve, release, expire, damage, shrink, found, correction, …</summary>
    public required string Reason { get; init; }

    public StockReference? Reference { get; init; }

    public string? Note { get; init; }

    public required string Actor { get; init; }

    /// <summary>The move took <c>available</c> below zero, which the facility's policy allows; said on every such movement.</summary>
    public bool WentNegative { get; init; }

    [JsonIgnore]
    public override string Key => MovementGuid;

    public static RecordType<Movement> Type { get; } = new RecordType<Movement>("movement")
        .IndexBy("facility_code", "variant_guid")
        .IndexBy("variant_guid")
        .IndexBy("reference.kind", "reference.id")
        .IndexBy("change_guid");
}

/// <summary>
/// A facility's stock policy (keyed by facility code): whether <c>available</c> may go negative (selling ahead of a
/// receipt). Without a record, it may not.
/// </summary>
public sealed record FacilityPolicy : Record
{
    public required string FacilityCode { get; init; }

    public bool AllowNegativeAvailable { get; init; }

    [JsonIgnore]
    public override string Key => FacilityCode;

    public static RecordType<FacilityPolicy> Type { get; } = new("facility_policy");
}
