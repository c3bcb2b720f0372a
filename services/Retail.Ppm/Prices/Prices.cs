using System.Text.Json.Serialization;

namespace Retail.Ppm.Prices;

public enum PriceWindowStatus
{
    /// <summary>Approved (or needing no approval): resolves inside its window.</summary>
    Active,

    /// <summary>Waiting for an admin; does not resolve.</summary>
    PendingApproval,

    /// <summary>An admin refused it; kept for history, never resolves.</summary>
    Rejected,
}

/// <summary>
/// One price of an entry for a window of time, <c>[effective_from, effective_to)</c> (open-ended when to is null).
/// <see cref="CostMinor"/> is the unit cost the margin floor is checked against, when known.
/// </summary>
public sealed record PriceWindow(
    string WindowId,
    long AmountMinor,
    long? CostMinor,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset? EffectiveTo,
    PriceWindowStatus Status,
    string? ApprovalGuid,
    string SetBy,
    DateTimeOffset SetAt,
    string? Note);

/// <summary>
/// Every price of one variant on one list, zone (or the list's base, zone "*") and unit: one record per key holding
/// its windows, so a set is one ETag-checked write that checks overlaps against every window of the key, and
/// resolving a line is a read by key. History of every change is the record's history.
/// </summary>
public sealed record PriceEntry : Record
{
    public const string NoZone = "*";

    public required string VariantGuid { get; init; }

    public required string PriceListCode { get; init; }

    /// <summary>The zone this entry overrides the list in, or <see cref="NoZone"/> for the list's own price.</summary>
    public required string PriceZoneCode { get; init; }

    public required string UomCode { get; init; }

    /// <summary>ISO 4217: always the list's currency.</summary>
    public required string Currency { get; init; }

    public IReadOnlyList<PriceWindow> Windows { get; init; } = [];

    [JsonIgnore]
    public override string Key => KeyOf(VariantGuid, PriceListCode, PriceZoneCode, UomCode);

    public static string KeyOf(string variantGuid, string priceListCode, string? priceZoneCode, string uomCode) =>
        $"{variantGuid}:{priceListCode}:{priceZoneCode ?? NoZone}:{uomCode}";

    public static RecordType<PriceEntry> Type { get; } = new RecordType<PriceEntry>("price")
        .IndexBy("variant_guid")
        .IndexBy("price_list_code")
        .IndexBy("price_list_code", "price_zone_code");
}

public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>
/// A price change waiting for (or decided by) an admin (UC-PPM-002): which window of which entry, from what to what,
/// and why it needs approval. Approving writes the window into its entry in the same transaction.
/// </summary>
public sealed record PriceApproval : Record
{
    public required string ApprovalGuid { get; init; }

    public required string PriceKey { get; init; }

    public required string VariantGuid { get; init; }

    public required string PriceListCode { get; init; }

    public required string PriceZoneCode { get; init; }

    public required string UomCode { get; init; }

    public required string Currency { get; init; }

    public required string WindowId { get; init; }

    /// <summary>The amount in effect for the window before the change (null: a new price).</summary>
    public long? FromAmountMinor { get; init; }

    public required long ToAmountMinor { get; init; }

    public long? CostMinor { get; init; }

    public required DateTimeOffset EffectiveFrom { get; init; }

    public DateTimeOffset? EffectiveTo { get; init; }

    /// <summary>Why it waits: <c>decrease_over_threshold</c>, <c>increase_over_threshold</c>, <c>below_margin_floor</c>, <c>submitted</c>.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    public ApprovalStatus Status { get; init; } = ApprovalStatus.Pending;

    public required string SubmittedBy { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    public string? Note { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? DecisionReason { get; init; }

    [JsonIgnore]
    public override string Key => ApprovalGuid;

    public static RecordType<PriceApproval> Type { get; } = new RecordType<PriceApproval>("price_approval")
        .IndexBy("status")
        .IndexBy("price_key");
}
