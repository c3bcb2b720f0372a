using System.Text.RegularExpressions;

namespace Retail.Shared.Contract;

/// <summary>Business codes (orgcode, facility codes, channel_code, cccode, …): trimmed, lower-cased, one shape.</summary>
public static partial class Codes
{
    public const string PatternText = "^[a-z0-9][a-z0-9_-]{1,63}$";

    public static string Normalize(string? raw) => (raw ?? "").Trim().ToLowerInvariant();

    public static bool IsValid(string? normalized) => normalized is not null && Pattern().IsMatch(normalized);

    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
