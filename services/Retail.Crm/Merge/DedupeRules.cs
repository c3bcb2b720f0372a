using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using F23.StringSimilarity;
using Retail.Crm.Customers;

namespace Retail.Crm.Merge;

/// <summary>Why two customers may be one person (UC-CRM-002), as the API names it.</summary>
public static class DedupeReasons
{
    public const string SameEmail = "same_email";
    public const string SamePhone = "same_phone";
    public const string SameExternalId = "same_external_id";
    public const string SimilarNameSamePostcode = "similar_name_same_postcode";
}

/// <summary>How alike two customers are: a score in 0..1, the reasons, and the name similarity where names were compared.</summary>
public sealed record DedupeMatch(double Score, IReadOnlyList<string> Reasons, double? NameSimilarity);

/// <summary>
/// The pure part of dedupe: the keys candidates are looked up by (canonical e-mail, external ids, postcodes) and the
/// comparison of two customers. Each reason has a weight; the score combines them as independent evidence
/// (1 − Π(1 − w)), so two reasons score higher than either alone and nothing exceeds 1.
/// </summary>
public static class DedupeRules
{
    /// <summary>Jaro-Winkler similarity of normalised full names from which two names at one postcode count as similar.</summary>
    public const double NameThreshold = 0.9;

    public const double EmailWeight = 0.9;
    public const double PhoneWeight = 0.9;
    public const double ExternalIdWeight = 0.8;

    /// <summary>A similar name at the same postcode weighs its similarity times this (0.675 at the threshold, 0.75 for the same name).</summary>
    public const double NameAtPostcodeFactor = 0.75;

    private static readonly JaroWinkler Similarity = new();
    private static readonly HashSet<string> GmailDomains = new(StringComparer.Ordinal) { "gmail.com", "googlemail.com" };

    /// <summary>
    /// The mailbox an address reaches: lower-case, the <c>+tag</c> removed, and for Gmail the dots of the local part
    /// removed and googlemail.com read as gmail.com. Null when there is no usable address.
    /// </summary>
    public static string? CanonicalEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }
        var address = email.Trim().ToLowerInvariant();
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return null;
        }
        var local = address[..at];
        var domain = address[(at + 1)..];
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            local = local[..plus];
        }
        if (GmailDomains.Contains(domain))
        {
            local = local.Replace(".", "", StringComparison.Ordinal);
            domain = "gmail.com";
        }
        return local.Length == 0 ? null : $"{local}@{domain}";
    }

    /// <summary>One index key per external id: <c>{system}:{id}</c>, the system lower-cased.</summary>
    public static IEnumerable<string> ExternalIdKeys(IReadOnlyDictionary<string, string> externalIds) =>
        externalIds.Where(e => !string.IsNullOrWhiteSpace(e.Key) && !string.IsNullOrWhiteSpace(e.Value))
            .Select(e => $"{e.Key.Trim().ToLowerInvariant()}:{e.Value.Trim()}")
            .Distinct(StringComparer.Ordinal);

    /// <summary>One index key per address with a postcode: <c>{COUNTRY}:{POSTCODE}</c>, upper-case without spaces or dashes.</summary>
    public static IEnumerable<string> PostcodeKeys(IReadOnlyList<CustomerAddress> addresses) =>
        addresses.Select(PostcodeKey).OfType<string>().Distinct(StringComparer.Ordinal);

    public static string? PostcodeKey(CustomerAddress address)
    {
        if (string.IsNullOrWhiteSpace(address.Postcode) || string.IsNullOrWhiteSpace(address.Country))
        {
            return null;
        }
        var postcode = new string(address.Postcode.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return postcode.Length == 0 ? null : $"{address.Country.Trim().ToUpperInvariant()}:{postcode}";
    }

    /// <summary>Given and family name as one lower-case string without accents, punctuation or repeated spaces.</summary>
    public static string NormalizedName(string? given, string? family)
    {
        var text = $"{given} {family}".Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            kept.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return string.Join(' ', kept.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Jaro-Winkler of the normalised names, also with given and family swapped (a form filled the other way round); null without names.</summary>
    public static double? NameSimilarity(Customer a, Customer b)
    {
        var left = NormalizedName(a.GivenName, a.FamilyName);
        var right = NormalizedName(b.GivenName, b.FamilyName);
        if (left.Length == 0 || right.Length == 0)
        {
            return null;
        }
        var swapped = NormalizedName(b.FamilyName, b.GivenName);
        return Math.Round(Math.Max(Similarity.Similarity(left, right), Similarity.Similarity(left, swapped)), 3);
    }

    /// <summary>How alike two customers are; null when no reason holds.</summary>
    public static DedupeMatch? Compare(Customer a, Customer b)
    {
        var reasons = new List<string>();
        var weights = new List<double>();
        if (CanonicalEmail(a.Email) is { } email && email == CanonicalEmail(b.Email))
        {
            reasons.Add(DedupeReasons.SameEmail);
            weights.Add(EmailWeight);
        }
        if (!string.IsNullOrEmpty(a.Phone) && a.Phone == b.Phone)
        {
            reasons.Add(DedupeReasons.SamePhone);
            weights.Add(PhoneWeight);
        }
        if (ExternalIdKeys(a.ExternalIds).Intersect(ExternalIdKeys(b.ExternalIds), StringComparer.Ordinal).Any())
        {
            reasons.Add(DedupeReasons.SameExternalId);
            weights.Add(ExternalIdWeight);
        }
        double? similarity = null;
        if (PostcodeKeys(a.Addresses).Intersect(PostcodeKeys(b.Addresses), StringComparer.Ordinal).Any())
        {
            similarity = NameSimilarity(a, b);
            if (similarity >= NameThreshold)
            {
                reasons.Add(DedupeReasons.SimilarNameSamePostcode);
                weights.Add(similarity.Value * NameAtPostcodeFactor);
            }
        }
        if (reasons.Count == 0)
        {
            return null;
        }
        var score = 1 - weights.Aggregate(1.0, (rest, w) => rest * (1 - w));
        return new DedupeMatch(Math.Round(score, 3), reasons, similarity);
    }

    /// <summary>
    /// The one guid of the pair of two customers, whichever side is named first: a name-based UUID (version 8) of the two
    /// guids in order, so a pair is stored once and found again without a lookup.
    /// </summary>
    public static string PairGuidOf(string one, string other)
    {
        var (a, b) = Ordered(one, other);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"crm-dedupe-pair:{a}:{b}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    public static (string A, string B) Ordered(string one, string other) =>
        string.CompareOrdinal(one, other) <= 0 ? (one, other) : (other, one);

    /// <summary>The list order: score (fixed width, so text order is score order) then the pair, unique per pair.</summary>
    public static string RankOf(double score, string pairGuid) =>
        $"{(long)Math.Round(score * 1000):D4}|{pairGuid}";
}
