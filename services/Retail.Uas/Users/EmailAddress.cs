using System.Text.RegularExpressions;

namespace Retail.Uas.Users;

/// <summary>E-mail addresses are trimmed and lower-cased before use, so one mailbox is one account.</summary>
public static partial class EmailAddress
{
    public const int MaxLength = 254;

    public static string Normalise(string? email) => (email ?? "").Trim().ToLowerInvariant();

    /// <summary>A pragmatic shape check (local@domain.tld, no spaces); the mailed token is the real proof.</summary>
    public static bool IsValid(string? email)
    {
        var normalised = Normalise(email);
        return normalised.Length is > 0 and <= MaxLength && Shape().IsMatch(normalised);
    }

    [GeneratedRegex(@"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Shape();
}
