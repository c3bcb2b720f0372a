using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Retail.Crm.Customers;

/// <summary>
/// How a customer's e-mail, phone and countries are written before use: one mailbox or one line is one customer, however a
/// channel typed it (<c>" Ada@Example.com "</c>, <c>"030 1234567"</c> with region DE and <c>"+49 30 1234567"</c> are the same).
/// </summary>
public static partial class CustomerContact
{
    public const int MaxEmailLength = 254;

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>A pragmatic shape check (local@domain.tld, no spaces), on the normalised address.</summary>
    public static bool IsEmail(string? email) =>
        email is not null && NormaliseEmail(email) is { Length: > 0 and <= MaxEmailLength } normalised && EmailShape().IsMatch(normalised);

    /// <summary>
    /// The number in E.164 (<c>+4930…</c>), or null when it is not a valid number. A national number needs
    /// <paramref name="region"/> (ISO 3166-1 alpha-2); an international one (<c>+…</c> or <c>00…</c>) does not.
    /// </summary>
    public static string? ToE164(string? phone, string? region)
    {
        if (string.IsNullOrWhiteSpace(phone) || phone.Length > 40)
        {
            return null;
        }
        try
        {
            var number = Phones.Parse(phone.Trim(), region?.Trim().ToUpperInvariant() ?? "ZZ");
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// A phone prefix as typed for a search (<c>+49 30</c>, <c>4930</c>) as the start of an E.164 number, or null when it
    /// is not one: digits after an optional <c>+</c>, spaces, dots, dashes and brackets ignored.
    /// </summary>
    public static string? PhonePrefix(string? prefix)
    {
        if (prefix is null)
        {
            return null;
        }
        var digits = new string(prefix.Where(c => c is not (' ' or '-' or '.' or '(' or ')')).ToArray());
        var body = digits.StartsWith('+') ? digits[1..] : digits;
        return body.Length is >= 1 and <= 15 && body.All(char.IsAsciiDigit) ? "+" + body : null;
    }

    public static bool IsCountry(string? country) => country is not null && Countries.Contains(country.Trim().ToUpperInvariant());

    public static string NormaliseCountry(string country) => country.Trim().ToUpperInvariant();

    /// <summary>ISO 3166-1 alpha-2, officially assigned codes.</summary>
    private static readonly HashSet<string> Countries = """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF
        CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH
        GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
        KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG
        NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN
        SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT
        ZA ZM ZW
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex EmailShape();
}
