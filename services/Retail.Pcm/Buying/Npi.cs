using System.Text.Json.Serialization;

namespace Retail.Pcm.Buying;

/// <summary><c>draft → submitted → approved | rejected</c>; a draft or submitted NPI may also be rejected.</summary>
public enum NpiStatus
{
    Draft,
    Submitted,
    Approved,
    Rejected,
}

public sealed record NpiCompliance(string? CountryOfOrigin, string? HsCode, bool? Hazmat, int? AgeRestriction, IReadOnlyList<string>? Materials,
    IReadOnlyList<string>? Certifications);

/// <summary>The style the NPI proposes: what PVM's <c>/style/create</c> needs (its primary vendor is the NPI's vendor).</summary>
public sealed record NpiStyle(string StyleCode, string Name, string? Description, string BrandCode, string CategoryCode, string ManufacturerCode,
    string? SeasonCode, string? OgmGuid, string? OgmCode, int? OgmRevision, NpiCompliance? Compliance);

public sealed record NpiOption(string OptionGroupCode, string OptionCode);

public sealed record NpiBarcode(string Barcode, string? Symbology, bool? Primary);

/// <summary>A proposed variant; <see cref="VariantGuid"/> is PVM's once the NPI is approved.</summary>
public sealed record NpiVariant(string VariantCode, string? Name, IReadOnlyList<NpiOption> Options, IReadOnlyList<NpiBarcode> Barcodes)
{
    public string? VariantGuid { get; init; }
}

/// <summary>
/// A new product introduction (UC-PCM-001): a vendor's product proposed with its unit cost and target price, its style
/// and variants. Approved (by an admin who neither created nor submitted it) it becomes a PVM style with its variants,
/// active, once: <see cref="StyleGuid"/> and each variant's guid record what PVM holds.
/// </summary>
public sealed record Npi : Record
{
    public required string NpiGuid { get; init; }

    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    /// <summary>ISO 4217, of the unit cost and the target price.</summary>
    public required string Currency { get; init; }

    public required long UnitCostMinor { get; init; }

    public long? TargetPriceMinor { get; init; }

    public required NpiStyle Style { get; init; }

    public required IReadOnlyList<NpiVariant> Variants { get; init; }

    public NpiStatus Status { get; init; } = NpiStatus.Draft;

    public string? Note { get; init; }

    public required string CreatedBy { get; init; }

    public string? SubmittedBy { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? DecisionNote { get; init; }

    /// <summary>The PVM style, once approved.</summary>
    public string? StyleGuid { get; init; }

    [JsonIgnore]
    public override string Key => NpiGuid;

    public static readonly StateMachine<NpiStatus> Lifecycle = new(new Dictionary<NpiStatus, NpiStatus[]>
    {
        [NpiStatus.Draft] = [NpiStatus.Submitted, NpiStatus.Rejected],
        [NpiStatus.Submitted] = [NpiStatus.Approved, NpiStatus.Rejected],
        [NpiStatus.Approved] = [],
        [NpiStatus.Rejected] = [],
    });

    public static RecordType<Npi> Type { get; } = new RecordType<Npi>("npi")
        .Computed("created_ms", n => n.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("status")
        .IndexBy("vendor_guid", "status")
        .IndexBy("created_ms");
}

/// <summary>The data of every <c>npi.*</c> event.</summary>
public sealed record NpiChanged(string Orgcode, string NpiGuid, NpiStatus Status, long Revision, string VendorGuid, string StyleCode, string? StyleGuid,
    IReadOnlyList<NpiVariant> Variants, string? Actor);

public static class NpiEvents
{
    public static DomainEvent Of(string type, string orgcode, Npi npi, long revision, string? actor) =>
        new(type, new NpiChanged(orgcode, npi.NpiGuid, npi.Status, revision, npi.VendorGuid, npi.Style.StyleCode, npi.StyleGuid, npi.Variants, actor),
            $"npi/{npi.NpiGuid}");
}
