using System.Text.Json.Serialization;

namespace Retail.Pvm.Links;

/// <summary>A component of a kit and how many of it one kit holds.</summary>
public sealed record KitComponent(string VariantGuid, string VariantCode, int Quantity);

/// <summary>
/// A kit's composition, one record per kit variant (keyed by its guid), so every change is one ETag-checked write and
/// <c>pvm.kit.changed</c> carries the whole composition with a revision consumers order by. The value set
/// <c>component</c> finds the kits a variant is part of.
/// </summary>
public sealed record Kit : Record
{
    public required string KitVariantGuid { get; init; }

    public required string KitVariantCode { get; init; }

    public IReadOnlyList<KitComponent> Components { get; init; } = [];

    [JsonIgnore]
    public override string Key => KitVariantGuid;

    public static RecordType<Kit> Type { get; } = new RecordType<Kit>("kit").IndexValues("component", k => k.Components.Select(c => c.VariantGuid));
}

public enum VariantLinkKind
{
    /// <summary>A substitute, ranked (SCM's substitution uses these).</summary>
    Alternative,

    /// <summary>An accessory or cross-sell.</summary>
    Supplementary,
}

/// <summary>
/// A directed link between two variants, keyed "{kind}:{from}:{to}". Retiring it dooms it (it leaves lists, and adding
/// the pair again revives it with its history); lists of a variant's links read in rank order from the index.
/// </summary>
public sealed record VariantLink : Record
{
    public required VariantLinkKind Kind { get; init; }

    public required string FromVariantGuid { get; init; }

    public required string ToVariantGuid { get; init; }

    /// <summary>The codes of both variants when linked (a variant's code does not change), so a list needs no second read.</summary>
    public string? FromVariantCode { get; init; }

    public string? ToVariantCode { get; init; }

    public int Rank { get; init; }

    public string? Note { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(Kind, FromVariantGuid, ToVariantGuid);

    public static string KeyOf(VariantLinkKind kind, string from, string to) => $"{Retail.Shared.Json.SnakeCase.Name(kind)}:{from}:{to}";

    public static RecordType<VariantLink> Type { get; } = new RecordType<VariantLink>("variant_link").IndexBy("from_variant_guid", "kind", "status", "rank");
}
