using System.Text.Json.Serialization;

namespace Retail.Crm.Fraud;

/// <summary>
/// The weight of each rule of an assessment: what the rule adds to the score (0–100) when it fires in full. A rule that
/// fires in part (a billing address in the shipping country at another postcode) adds part of it.
/// </summary>
public sealed record FraudRuleWeights
{
    public int OrderVelocity { get; init; } = 30;

    public int FirstOrderValue { get; init; } = 25;

    public int AddressMismatch { get; init; } = 20;

    public int DisposableEmail { get; init; } = 30;

    public int FailedPayments { get; init; } = 25;

    public int RecentHolds { get; init; } = 40;
}

/// <summary>
/// The org's fraud policy (<c>/fraud/policy/set|get</c>, admin): rule weights, the review and hold thresholds, the order
/// velocity window and limit, the first-order value limit per currency, the disposable e-mail domains, the failed-payment
/// window and limit, and how far back holds count. One record whose revision is the policy's version (0: the default,
/// never set); every version set is also kept as a <see cref="FraudPolicyVersion"/>, and every assessment records the
/// version it was scored under.
/// </summary>
public sealed record FraudPolicy : Record
{
    public const string TheKey = "policy";

    public FraudRuleWeights Weights { get; init; } = new();

    /// <summary>A score at or above this is <c>review</c>.</summary>
    public int ReviewThreshold { get; init; } = 40;

    /// <summary>A score at or above this is <c>hold</c>: a hold is placed on the customer.</summary>
    public int HoldThreshold { get; init; } = 70;

    public int VelocityWindowMinutes { get; init; } = 24 * 60;

    /// <summary>More orders than this in the velocity window fires the velocity rule.</summary>
    public int VelocityLimit { get; init; } = 3;

    /// <summary>A first order above this value (minor units, by ISO 4217 currency) fires the first-order rule; a currency not listed never does.</summary>
    public IReadOnlyDictionary<string, long> FirstOrderLimitsMinor { get; init; } = FraudPolicyDefaults.FirstOrderLimits;

    /// <summary>Domains whose addresses (and their subdomains') are throwaway; lower case.</summary>
    public IReadOnlyList<string> DisposableEmailDomains { get; init; } = FraudPolicyDefaults.DisposableDomains;

    public int FailedPaymentWindowMinutes { get; init; } = 24 * 60;

    /// <summary>This many failed payments (or more) in the window fires the failed-payment rule.</summary>
    public int FailedPaymentLimit { get; init; } = 2;

    /// <summary>A hold placed within this many days that was not released (open or confirmed) fires the recent-holds rule.</summary>
    public int RecentHoldDays { get; init; } = 90;

    public string? UpdatedBy { get; init; }

    [JsonIgnore]
    public override string Key => TheKey;

    /// <summary>The policy's version: its revision (0 until first set).</summary>
    [JsonIgnore]
    public long Version => Revision;

    public static FraudPolicy Default { get; } = new();

    public static RecordType<FraudPolicy> Type { get; } = new("fraud_policy");

    /// <summary>Whether <paramref name="email"/>'s domain, or a domain it is a subdomain of, is listed as disposable; the domain that matched.</summary>
    public string? DisposableDomainOf(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        if (email is null || at < 0 || at == email.Length - 1)
        {
            return null;
        }
        var domain = email[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant();
        var listed = DisposableEmailDomains.ToHashSet(StringComparer.Ordinal);
        while (domain.Length > 0)
        {
            if (listed.Contains(domain))
            {
                return domain;
            }
            var dot = domain.IndexOf('.', StringComparison.Ordinal);
            domain = dot < 0 ? "" : domain[(dot + 1)..];
        }
        return null;
    }
}

/// <summary>One version of the fraud policy as it was set, immutable: what <c>/fraud/policy/get</c> answers for a <c>version</c>.</summary>
public sealed record FraudPolicyVersion : Record
{
    public required long Version { get; init; }

    public required FraudPolicy Policy { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(Version);

    public static string KeyOf(long version) => version.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);

    public static RecordType<FraudPolicyVersion> Type { get; } = new("fraud_policy_version");
}

/// <summary>
/// The defaults of a policy never set. Kept apart from <see cref="FraudPolicy"/> so that they are initialised before
/// <see cref="FraudPolicy.Default"/> reads them (static initialisers run in the order they are written).
/// </summary>
public static class FraudPolicyDefaults
{
    public static readonly IReadOnlyDictionary<string, long> FirstOrderLimits = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["EUR"] = 50_000,
        ["USD"] = 50_000,
        ["GBP"] = 40_000,
        ["CHF"] = 50_000,
    };

    /// <summary>Well-known throwaway-mailbox providers; an org adds its own through the policy.</summary>
    public static readonly IReadOnlyList<string> DisposableDomains =
    [
        "10minutemail.com", "20minutemail.com", "33mail.com", "anonaddy.me", "burnermail.io", "discard.email", "dispostable.com",
        "emailondeck.com", "fakeinbox.com", "getairmail.com", "getnada.com", "grr.la", "guerrillamail.biz", "guerrillamail.com",
        "guerrillamail.de", "guerrillamail.info", "guerrillamail.net", "guerrillamail.org", "guerrillamailblock.com", "harakirimail.com",
        "incognitomail.org", "jetable.org", "mailcatch.com", "maildrop.cc", "mailinator.com", "mailinator.net", "mailnesia.com",
        "mintemail.com", "mohmal.com", "moakt.com", "mytemp.email", "mytrashmail.com", "nada.email", "sharklasers.com", "spam4.me",
        "spamgourmet.com", "temp-mail.org", "tempail.com", "tempmail.com", "tempmail.net", "tempmailo.com", "tempr.email",
        "throwawaymail.com", "trash-mail.com", "trashmail.com", "trashmail.de", "trashmail.net", "yopmail.com", "yopmail.fr",
        "yopmail.net",
    ];
}
