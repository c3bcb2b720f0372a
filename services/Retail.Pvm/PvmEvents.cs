using Retail.Pvm.Catalog;
using Retail.Pvm.Identifiers;
using Retail.Pvm.Links;
using System.ComponentModel;
using Retail.Shared.Events;

namespace Retail.Pvm;

/// <summary>
/// The business events PVM publishes (topic = type), each committed in the transaction of its change, beside the CDC
/// event of every record. PPM, ICS, PMC, SCM and PCM keep their own projections of variants from these; payloads carry
/// the record's revision so a consumer keeps the newest and ignores a late or repeated delivery. Listed in README.md.
/// </summary>
public static class PvmEvents
{
    [EventData(typeof(StyleStatusChanged))]
    [Description("Style status changed.")]
    public const string StyleStatusChanged = "pvm.style.status_changed";
    [EventData(typeof(VariantSnapshot))]
    [Description("Variant created.")]
    public const string VariantCreated = "pvm.variant.created";
    [EventData(typeof(VariantSnapshot))]
    [Description("Variant updated.")]
    public const string VariantUpdated = "pvm.variant.updated";
    [EventData(typeof(VariantSnapshot))]
    [Description("Variant status changed.")]
    public const string VariantStatusChanged = "pvm.variant.status_changed";
    [EventData(typeof(VariantRecreated))]
    [Description("Variant recreated.")]
    public const string VariantRecreated = "pvm.variant.recreated";
    [EventData(typeof(IdentifierTransferred))]
    [Description("Identifier transferred.")]
    public const string IdentifierTransferred = "pvm.identifier.transferred";
    [EventData(typeof(BarcodeAdded))]
    [Description("Barcode added.")]
    public const string BarcodeAdded = "pvm.barcode.added";
    [EventData(typeof(BarcodeStatusChanged))]
    [Description("Barcode status changed.")]
    public const string BarcodeStatusChanged = "pvm.barcode.status_changed";
    [EventData(typeof(KitChanged))]
    [Description("Kit changed.")]
    public const string KitChanged = "pvm.kit.changed";

    /// <summary>Any write of a style (create, update, status, OGM move): payload <see cref="StyleSnapshot"/>.</summary>
    [EventData(typeof(StyleSnapshot))]
    [Description("Any write of a style (create, update, status, OGM move): payload StyleSnapshot.")]
    public const string StyleChanged = "pvm.style.changed";

    /// <summary>A variant event of <paramref name="type"/> carrying the variant as it will be stored (revision included).</summary>
    public static DomainEvent Variant(string type, string orgcode, Variant variant) =>
        new(type, VariantSnapshot.Of(orgcode, variant), variant.VariantGuid);
}

public sealed record StyleStatusChanged(string Orgcode, string StyleGuid, string StyleCode, ProductStatus From, ProductStatus To, string? Reason);

/// <summary>The payload of <c>pvm.variant.created|updated|status_changed</c>: what another service's projection keeps.</summary>
public sealed record VariantSnapshot(
    string Orgcode,
    string VariantGuid,
    string VariantCode,
    string StyleGuid,
    string StyleCode,
    ProductStatus Status,
    IReadOnlyList<VariantOption> Options,
    bool IsKit,
    bool Stale,
    string? ReplacedByGuid,
    long Revision)
{
    public static VariantSnapshot Of(string orgcode, Variant v) =>
        new(orgcode, v.VariantGuid, v.VariantCode, v.StyleGuid, v.StyleCode, v.Status, v.Options, v.IsKit, v.Stale, v.ReplacedByGuid, v.Revision);
}

/// <summary>A stale variant was replaced: what moved from the old one to the new one.</summary>
public sealed record VariantRecreated(
    string Orgcode,
    string StyleGuid,
    string OldVariantGuid,
    string NewVariantGuid,
    string NewVariantCode,
    IReadOnlyList<string> MovedBarcodes,
    IReadOnlyList<string> MovedIdentifiers,
    IReadOnlyList<string> MovedAliases);

public sealed record IdentifierTransferred(string Orgcode, string IdType, string Value, string FromVariantGuid, string ToVariantGuid, string? Reason);

public sealed record BarcodeAdded(string Orgcode, string Barcode, BarcodeSymbology Symbology, string VariantGuid, bool Primary);

public sealed record BarcodeStatusChanged(string Orgcode, string Barcode, string VariantGuid, MasterStatus From, MasterStatus To);

/// <summary>A kit's whole composition after a change (ICS reserves kits through their components).</summary>
public sealed record KitChanged(string Orgcode, string KitVariantGuid, string KitVariantCode, IReadOnlyList<KitComponent> Components, long Revision);
