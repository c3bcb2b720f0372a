using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using Retail.Shared.Contract;

namespace Retail.Shared.Validation;

/// <summary>The field rules every service's validators share: codes, guids, bounded text, country, currency, locale.</summary>
public static partial class RequestRules
{
    public static IRuleBuilderOptions<T, string?> BusinessCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").Must(IsCode).WithMessage($"must match {Codes.PatternText}");

    public static IRuleBuilderOptions<T, string?> OptionalCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || IsCode(c)).WithMessage($"must match {Codes.PatternText}");

    /// <summary>What <see cref="BusinessCode"/> and <see cref="OptionalCode"/> accept of a value that is there (normalized first).</summary>
    public static bool IsCode(string? code) => Codes.IsValid(Codes.Normalize(code));

    public static IRuleBuilderOptions<T, string?> OptionalGuid<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(g => g is null || Guid.TryParse(g, out _)).WithMessage("is not a valid guid");

    public static IRuleBuilderOptions<T, string?> RequiredGuid<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").Must(g => Guid.TryParse(g, out _)).WithMessage("is not a valid guid");

    /// <summary>
    /// Free text a person reads: 1–<paramref name="max"/> characters, not blank, without control characters or invisible
    /// format characters (bidi overrides such as U+202E make a name display as something it is not).
    /// </summary>
    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, int max = 200) =>
        rule.Must(t => t is null || IsText(t, max)).WithMessage($"must be 1–{max} characters without control or format characters");

    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, int max = 200) =>
        rule.NotEmpty().WithMessage("is required").Text(max);

    /// <summary>Longer text (bodies, notes): line breaks and tabs allowed, other control and format characters not.</summary>
    public static IRuleBuilderOptions<T, string?> MultilineText<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(t => t is null || IsMultilineText(t, max)).WithMessage($"must be 1–{max} characters without control or format characters");

    public static IRuleBuilderOptions<T, string?> Country<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || IsCountry(c)).WithMessage("must be an ISO 3166-1 alpha-2 code");

    public static IRuleBuilderOptions<T, string?> Currency<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || IsCurrency(c)).WithMessage("must be an ISO 4217 currency code");

    public static IRuleBuilderOptions<T, string?> Locale<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(l => l is null || IsLocale(l)).WithMessage("must be a BCP 47 language tag such as en or de-DE");

    public static bool IsText(string text, int max) =>
        text.Trim().Length > 0 && text.Length <= max && !text.Any(c => char.IsControl(c) || IsFormat(c));

    public static bool IsMultilineText(string text, int max) =>
        text.Trim().Length > 0 && text.Length <= max && !text.Any(c => (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || IsFormat(c));

    public static bool IsCountry(string country) => country.Trim() is { Length: 2 } c && c.All(char.IsAsciiLetter);

    public static bool IsCurrency(string currency) => currency.Trim() is { Length: 3 } c && c.All(char.IsAsciiLetter) && KnownCurrencies.Contains(c.ToUpperInvariant());

    /// <summary>
    /// A BCP 47 tag of language, optional script and optional region or UN M.49 area (en, en-GB, zh-Hant-TW, es-419)
    /// that the system knows as a culture.
    /// </summary>
    public static bool IsLocale(string locale)
    {
        var tag = locale.Trim();
        if (!LocalePattern().IsMatch(tag))
        {
            return false;
        }
        try
        {
            return !CultureInfo.GetCultureInfo(tag, predefinedOnly: true).Equals(CultureInfo.InvariantCulture);
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Null for blank, otherwise trimmed: how optional text is stored.</summary>
    public static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [GeneratedRegex("^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalePattern();

    private static bool IsFormat(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.Format;

    private static readonly HashSet<string> KnownCurrencies = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name).ISOCurrencySymbol; } catch (ArgumentException) { return null; } })
        .OfType<string>()
        .Where(s => s.Length == 3)
        .ToHashSet(StringComparer.Ordinal);
}
