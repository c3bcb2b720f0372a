namespace Retail.Crm.Fraud;

public enum FraudDecision
{
    Allow,
    Review,
    Hold,
}

/// <summary>The rules of an assessment, by the names its answer and the policy's weights use.</summary>
public static class FraudRuleNames
{
    public const string OrderVelocity = "order_velocity";
    public const string FirstOrderValue = "first_order_value";
    public const string AddressMismatch = "address_mismatch";
    public const string DisposableEmail = "disposable_email";
    public const string FailedPayments = "failed_payments";
    public const string RecentHolds = "recent_holds";
}

/// <summary>
/// What an assessment looked at, as measured when it ran: the customer's orders (CRM's projection of SCM's orders plus
/// the order being assessed), the addresses and failed payments the request gave, the customer's e-mail domain, and the
/// customer's holds.
/// </summary>
/// <param name="OrdersInWindow">Orders placed and not cancelled within the policy's velocity window, the assessed order included.</param>
/// <param name="OrdersPlaced">Every order the customer placed, the assessed order included when it is not placed yet.</param>
/// <param name="FirstOrderValueMinor">The customer's first order's total while it is the only one (null otherwise).</param>
/// <param name="FailedPayments">Failed payments within the policy's failed-payment window.</param>
/// <param name="RecentHolds">Holds placed within the policy's recent-hold days that were not released.</param>
public sealed record FraudSignals(
    int OrdersInWindow,
    long OrdersPlaced,
    long? FirstOrderValueMinor,
    string? FirstOrderCurrency,
    string? BillingCountry,
    string? BillingPostcode,
    string? ShippingCountry,
    string? ShippingPostcode,
    string? EmailDomain,
    string? DisposableDomain,
    int FailedPayments,
    int RecentHolds,
    string? HoldInForce);

/// <summary>One rule's part in a score: its weight, what it added (0 when it did not fire) and why.</summary>
public sealed record RuleContribution(string Rule, int Weight, bool Fired, int Contribution, string Detail);

public sealed record FraudScore(int Score, FraudDecision Decision, IReadOnlyList<RuleContribution> Rules);

/// <summary>The score of a customer's signals under a policy: a pure function, each rule's contribution added up to at most 100.</summary>
public static class FraudScoring
{
    public static FraudScore Score(FraudPolicy policy, FraudSignals s)
    {
        var w = policy.Weights;
        var rules = new List<RuleContribution>
        {
            Binary(FraudRuleNames.OrderVelocity, w.OrderVelocity, s.OrdersInWindow > policy.VelocityLimit,
                $"{s.OrdersInWindow} orders in {policy.VelocityWindowMinutes} minutes (limit {policy.VelocityLimit})"),
            FirstOrder(policy, w.FirstOrderValue, s),
            Address(w.AddressMismatch, s),
            Binary(FraudRuleNames.DisposableEmail, w.DisposableEmail, s.DisposableDomain is not null,
                s.DisposableDomain is null ? $"e-mail domain {s.EmailDomain ?? "(none)"} is not listed as disposable"
                    : $"e-mail domain {s.EmailDomain} is disposable ({s.DisposableDomain})"),
            Binary(FraudRuleNames.FailedPayments, w.FailedPayments, s.FailedPayments >= policy.FailedPaymentLimit,
                $"{s.FailedPayments} failed payments in {policy.FailedPaymentWindowMinutes} minutes (limit {policy.FailedPaymentLimit})"),
            Binary(FraudRuleNames.RecentHolds, w.RecentHolds, s.RecentHolds > 0,
                $"{s.RecentHolds} holds not released in the last {policy.RecentHoldDays} days"),
        };
        var score = Math.Min(100, rules.Sum(r => r.Contribution));
        return new FraudScore(score, DecisionOf(policy, score), rules);
    }

    /// <summary>At or above the hold threshold: hold; at or above the review threshold: review; else allow.</summary>
    public static FraudDecision DecisionOf(FraudPolicy policy, int score) =>
        score >= policy.HoldThreshold ? FraudDecision.Hold : score >= policy.ReviewThreshold ? FraudDecision.Review : FraudDecision.Allow;

    private static RuleContribution Binary(string rule, int weight, bool fired, string detail) =>
        new(rule, weight, fired && weight > 0, fired ? weight : 0, detail);

    private static RuleContribution FirstOrder(FraudPolicy policy, int weight, FraudSignals s)
    {
        if (s.FirstOrderValueMinor is not { } value || s.FirstOrderCurrency is not { } currency)
        {
            return Binary(FraudRuleNames.FirstOrderValue, weight, false,
                s.OrdersPlaced == 0 ? "no order to judge" : $"not a first order ({s.OrdersPlaced} orders)");
        }
        if (!policy.FirstOrderLimitsMinor.TryGetValue(currency, out var limit))
        {
            return Binary(FraudRuleNames.FirstOrderValue, weight, false, $"first order of {value} {currency}: the policy sets no limit for {currency}");
        }
        return Binary(FraudRuleNames.FirstOrderValue, weight, value > limit, $"first order of {value} {currency} (limit {limit})");
    }

    /// <summary>Billing in another country than shipping fires in full; the same country at another postcode, half.</summary>
    private static RuleContribution Address(int weight, FraudSignals s)
    {
        if (s.BillingCountry is null || s.ShippingCountry is null)
        {
            return Binary(FraudRuleNames.AddressMismatch, weight, false, "billing or shipping address not given");
        }
        if (!string.Equals(s.BillingCountry, s.ShippingCountry, StringComparison.Ordinal))
        {
            return Binary(FraudRuleNames.AddressMismatch, weight, true, $"billing country {s.BillingCountry}, shipping country {s.ShippingCountry}");
        }
        if (s.BillingPostcode is not null && s.ShippingPostcode is not null && !string.Equals(s.BillingPostcode, s.ShippingPostcode, StringComparison.Ordinal))
        {
            var half = (weight + 1) / 2;
            return new RuleContribution(FraudRuleNames.AddressMismatch, weight, half > 0, half,
                $"billing postcode {s.BillingPostcode}, shipping postcode {s.ShippingPostcode} (same country: half weight)");
        }
        return Binary(FraudRuleNames.AddressMismatch, weight, false, "billing and shipping addresses match");
    }

    /// <summary>A postcode compared as written without spaces, upper case (<c>sw1a 1aa</c> = <c>SW1A1AA</c>).</summary>
    public static string? NormalizePostcode(string? postcode) =>
        string.IsNullOrWhiteSpace(postcode) ? null : new string(postcode.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray()).ToUpperInvariant();

    public static string? NormalizeCountry(string? country) => string.IsNullOrWhiteSpace(country) ? null : country.Trim().ToUpperInvariant();

    public static string? DomainOf(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        return email is null || at < 0 || at == email.Length - 1 ? null : email[(at + 1)..].Trim().ToLowerInvariant();
    }
}
