using System.Text.Json.Serialization;

namespace Retail.Pmc.Products;

/// <summary>A PVM record a product names: its guid, code and display name, as they were at publish time.</summary>
public sealed record NamedRef(string Guid, string Code, string? Name);

/// <summary>What trade and safety rules ask of the product (PVM's compliance attributes of the style).</summary>
public sealed record ProductCompliance(
    string? CountryOfOrigin,
    string? HsCode,
    bool? Hazmat,
    int? AgeRestriction,
    IReadOnlyList<string>? Materials,
    IReadOnlyList<string>? Certifications);

/// <summary>An MRS record attached to the style (tagged <c>style:{style_guid}</c>): its guid, name, type and tags.</summary>
public sealed record MediaRef(string RecordGuid, string? Name, string ContentType, IReadOnlyList<string> Tags);

/// <summary>One option of a variant: the group and the option chosen on it.</summary>
public sealed record OptionValue(string OptionGroupCode, string OptionCode);

/// <summary>An identifier of a variant other than a barcode (a GTIN, MPN, supplier SKU…).</summary>
public sealed record IdentifierValue(string IdType, string Value);

/// <summary>The variant's price in the channel as PPM resolved it at publish time (one unit, <c>each</c>).</summary>
public sealed record VariantPrice(string Currency, long AmountMinor, long? ListAmountMinor, string? PriceListCode);

/// <summary>A publishable variant inside a revision.</summary>
public sealed record ProductVariant(
    string VariantGuid,
    string VariantCode,
    string? Name,
    IReadOnlyList<OptionValue> Options,
    IReadOnlyList<string> Barcodes,
    string? PrimaryBarcode,
    IReadOnlyList<IdentifierValue> Identifiers,
    VariantPrice? Price);

/// <summary>Lowest and highest variant price of the revision (one currency: the channel's lists').</summary>
public sealed record PriceSummary(string Currency, long MinMinor, long MaxMinor);

/// <summary>
/// What a revision holds: the style and its publishable variants for one channel, as PVM, MRS and PPM answered when the
/// run evaluated it. Content only: equal snapshots have equal <see cref="ProductRevision.ContentHash"/>.
/// </summary>
public sealed record ProductSnapshot(
    string StyleGuid,
    string StyleCode,
    string Name,
    string? Description,
    NamedRef Brand,
    NamedRef Category,
    IReadOnlyList<string> CategoryPath,
    string? SeasonGuid,
    ProductCompliance? Compliance,
    IReadOnlyList<MediaRef> Media,
    IReadOnlyList<ProductVariant> Variants,
    PriceSummary? Price);

/// <summary>
/// An immutable snapshot of a style for one channel, numbered 1, 2, … per (channel, style). Keyed
/// <c>{channel_code}:{style_guid}:{revision_no:D8}</c>, so an org's revisions of a product list in number order.
/// </summary>
public sealed record ProductRevision : Record
{
    public required string ChannelCode { get; init; }

    public required string StyleGuid { get; init; }

    public required int RevisionNo { get; init; }

    /// <summary>The run that wrote it (null when written otherwise).</summary>
    public string? RunGuid { get; init; }

    public string? Reason { get; init; }

    /// <summary>Hex SHA-256 of the snapshot's canonical JSON: a run that finds the same content writes no new revision.</summary>
    public required string ContentHash { get; init; }

    public required ProductSnapshot Product { get; init; }

    public string? CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(ChannelCode, StyleGuid, RevisionNo);

    public static string KeyOf(string channel, string styleGuid, int revisionNo) => $"{channel}:{styleGuid}:{revisionNo:D8}";

    public static RecordType<ProductRevision> Type { get; } = new RecordType<ProductRevision>("product_revision")
        .IndexBy("channel_code", "style_guid")
        .IndexBy("run_guid");
}

/// <summary>
/// A product (a style) in one channel: how many revisions it has, which one the channel serves (the pointer) and whether
/// it is online. One ETag-checked record, so there is exactly one online revision per product and channel whatever runs
/// at the same time. Keyed <c>{channel_code}:{style_guid}</c>.
/// </summary>
public sealed record ChannelProduct : Record
{
    public required string ChannelCode { get; init; }

    public required string StyleGuid { get; init; }

    public required string StyleCode { get; init; }

    /// <summary>The highest revision number written.</summary>
    public int LatestRevisionNo { get; init; }

    /// <summary>The revision the channel serves when online; null when cleared.</summary>
    public int? PointerRevisionNo { get; init; }

    public bool Online { get; init; }

    /// <summary>Why the pointer or online flag last changed, and who changed it.</summary>
    public string? Reason { get; init; }

    public string? ChangedBy { get; init; }

    /// <summary>The run that wrote the latest revision (a repeated activity of that run writes nothing more).</summary>
    public string? LatestRunGuid { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(ChannelCode, StyleGuid);

    public static string KeyOf(string channel, string styleGuid) => $"{channel}:{styleGuid}";

    /// <summary>The unique value naming a product by its style code in a channel: <c>{channel_code}:{style_code}</c>.</summary>
    public const string StyleCodeName = "channel_style_code";

    public static RecordType<ChannelProduct> Type { get; } = new RecordType<ChannelProduct>("product",
            p => [new UniqueValue(StyleCodeName, $"{p.ChannelCode}:{p.StyleCode}")])
        .IndexBy("channel_code", "online")
        // Every org's online products: the storefront index is rebuilt from them when its file is new (StorefrontRebuild).
        .IndexAcrossOrgs("online");
}

/// <summary>pmc.product.online_changed: where a product's pointer now stands. <see cref="RecordRevision"/> orders deliveries.</summary>
public sealed record ProductOnlineChanged(string Orgcode, string ChannelCode, string StyleGuid, string StyleCode, int? PointerRevisionNo, bool Online,
    long RecordRevision, string? Reason);

/// <summary>One product of a pack: the style and the revision it goes online at.</summary>
public sealed record PackItem(string StyleGuid, int RevisionNo);

public enum PackStatus
{
    Open,
    Completed,
}

/// <summary>
/// A set of revisions of one channel prepared together; <c>pack/complete</c> moves every pointer and takes every product
/// online in one transaction (at most <see cref="MaxItems"/> products), so a seasonal reset switches at once or not at all.
/// </summary>
public sealed record Pack : Record
{
    public const int MaxItems = 10_000;

    public required string PackGuid { get; init; }

    public required string ChannelCode { get; init; }

    public required string Name { get; init; }

    public string? Reason { get; init; }

    public required IReadOnlyList<PackItem> Items { get; init; }

    public PackStatus Status { get; init; } = PackStatus.Open;

    /// <summary>Set when a publish run with <c>go_online</c> made the pack.</summary>
    public string? RunGuid { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? CompletedBy { get; init; }

    [JsonIgnore]
    public override string Key => PackGuid;

    public static RecordType<Pack> Type { get; } = new RecordType<Pack>("pack").IndexBy("channel_code", "status");
}

/// <summary>pmc.pack.completed: every product the pack took online, with the product record's new revision.</summary>
public sealed record PackCompleted(string Orgcode, string PackGuid, string ChannelCode, IReadOnlyList<PackCompletedItem> Items);

public sealed record PackCompletedItem(string StyleGuid, string StyleCode, int RevisionNo, long RecordRevision);

/// <summary>Per channel: revisions written and the last run, kept with the writes they count (<c>build/stats</c>).</summary>
public sealed record ChannelStats : Record
{
    public required string ChannelCode { get; init; }

    public long Revisions { get; init; }

    public string? LastRunGuid { get; init; }

    public DateTimeOffset? LastRunFinishedAt { get; init; }

    [JsonIgnore]
    public override string Key => ChannelCode;

    public static RecordType<ChannelStats> Type { get; } = new RecordType<ChannelStats>("channel_stats");
}
