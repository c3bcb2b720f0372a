using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Retail.Scm.Policies;

/// <summary>One tax category's rate in a jurisdiction, in percent (19, 7, 0).</summary>
public sealed record TaxRate(string TaxCategory, decimal RatePercent);

/// <summary>
/// One version of a jurisdiction's tax policy (<c>/tax/policy/set</c>): the rates by tax category, whether prices include
/// tax, and the time it takes effect. Versions are never changed: a new one is set, taking effect at its
/// <see cref="EffectiveFrom"/>, and the one before stays in effect until then (and readable after). Keyed
/// <c>{jurisdiction}@{version}</c>; <see cref="Version"/> is what an order keeps as its tax policy revision.
/// </summary>
public sealed record TaxPolicy : Record
{
    /// <summary>ISO 3166-1 alpha-2 country (<c>DE</c>) or ISO 3166-2 subdivision (<c>DE-BY</c>), upper case.</summary>
    public required string Jurisdiction { get; init; }

    /// <summary>1 for the jurisdiction's first policy, +1 for each one set after.</summary>
    public required long Version { get; init; }

    public required DateTimeOffset EffectiveFrom { get; init; }

    /// <summary>Whether line amounts include the tax (a consumer market's shelf prices) or have it added.</summary>
    public bool Inclusive { get; init; }

    public required IReadOnlyList<TaxRate> Rates { get; init; }

    /// <summary>How tax is rounded: half up, per line, in minor units (the only rule there is).</summary>
    public string Rounding { get; init; } = TaxMath.HalfUpPerLine;

    public string? Note { get; init; }

    public string? SetBy { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(Jurisdiction, Version);

    public static string KeyOf(string jurisdiction, long version) => $"{jurisdiction}@{version}";

    public static RecordType<TaxPolicy> Type { get; } = new RecordType<TaxPolicy>("tax_policy")
        .Computed("effective_ms", p => p.EffectiveFrom.ToUnixTimeMilliseconds())
        .IndexBy("jurisdiction", "effective_ms")
        .IndexBy("jurisdiction", "version");
}

/// <summary>
/// The head of a jurisdiction's tax policy versions: its revision is the latest version's number, so two admins setting
/// a version at once never both win (<c>expected_revision</c>).
/// </summary>
public sealed record TaxJurisdiction : Record
{
    public required string Jurisdiction { get; init; }

    public required DateTimeOffset LatestEffectiveFrom { get; init; }

    [JsonIgnore]
    public override string Key => Jurisdiction;

    public static RecordType<TaxJurisdiction> Type { get; } = new("tax_jurisdiction");
}

/// <summary>
/// A variant's or a style's tax category (<c>/tax/category/set</c>): the variant's own wins over its style's; without
/// either a line is <c>standard</c>. Keyed <c>variant:{guid}</c> or <c>style:{guid}</c>, so an order reads its lines'
/// categories in one lookup.
/// </summary>
public sealed record TaxCategoryAssignment : Record
{
    /// <summary><c>variant</c> or <c>style</c>.</summary>
    public required string Scope { get; init; }

    public required string SubjectGuid { get; init; }

    public required string TaxCategory { get; init; }

    public string? SetBy { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(Scope, SubjectGuid);

    public static string KeyOf(string scope, string guid) => $"{scope}:{guid}";

    public static RecordType<TaxCategoryAssignment> Type { get; } = new RecordType<TaxCategoryAssignment>("tax_category")
        .IndexBy("tax_category");
}

public static partial class TaxCodes
{
    public const string Standard = "standard";

    /// <summary>Categories taxed at 0 when the policy does not list them (it may give them a rate of its own).</summary>
    public static readonly IReadOnlySet<string> ZeroUnlessListed = new HashSet<string>(StringComparer.Ordinal) { "zero", "exempt" };

    public const string CategoryPatternText = "^[a-z][a-z0-9_]{1,31}$";

    public const string JurisdictionPatternText = "^[A-Z]{2}(-[A-Z0-9]{1,3})?$";

    public static string NormalizeJurisdiction(string? raw) => (raw ?? "").Trim().ToUpperInvariant();

    public static bool IsJurisdiction(string? raw) => raw is not null && Jurisdiction().IsMatch(NormalizeJurisdiction(raw));

    public static bool IsCategory(string? raw) => raw is not null && Category().IsMatch(Codes.Normalize(raw));

    /// <summary>The jurisdictions to try, most specific first: <c>DE-BY</c>, then <c>DE</c>.</summary>
    public static IReadOnlyList<string> FallbackChain(string jurisdiction) =>
        jurisdiction.Length > 2 && jurisdiction[2] == '-' ? [jurisdiction, jurisdiction[..2]] : [jurisdiction];

    /// <summary>An address's jurisdiction: its country, with its region as a subdivision when the region is a short code.</summary>
    public static string? OfAddress(string? country, string? region)
    {
        if (string.IsNullOrWhiteSpace(country))
        {
            return null;
        }
        var c = NormalizeJurisdiction(country);
        if (string.IsNullOrWhiteSpace(region))
        {
            return c;
        }
        var r = NormalizeJurisdiction(region);
        var candidate = r.StartsWith(c + "-", StringComparison.Ordinal) ? r : $"{c}-{r}";
        return IsJurisdiction(candidate) ? candidate : c;
    }

    [GeneratedRegex(JurisdictionPatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Jurisdiction();

    [GeneratedRegex(CategoryPatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Category();
}
