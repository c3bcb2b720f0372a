using System.Text.RegularExpressions;
using FluentValidation;

namespace Retail.Crm.Loyalty;

/// <summary>
/// Earn for an order <c>reference</c> (once): the policy's points for <c>amount_minor</c> + <c>currency</c>, or explicit
/// <c>points</c> (admins only).
/// </summary>
public sealed record EarnRequest(string? CustomerGuid, string? Reference, long? AmountMinor, string? Currency, long? Points, string? Reason);

/// <summary>Redeem <c>points</c>, or the points <c>amount_minor</c> of <c>currency</c> costs, once per <c>reference</c>.</summary>
public sealed record RedeemRequest(string? CustomerGuid, string? Reference, long? Points, long? AmountMinor, string? Currency, string? Reason);

/// <summary>An admin's correction: signed <c>points</c> (not 0) with a <c>reason</c>; once per <c>reference</c> when one is given.</summary>
public sealed record AdjustRequest(string? CustomerGuid, long? Points, string? Reason, string? Reference);

/// <summary>
/// Undo an earn (its order <c>reference</c>) once per <c>return_reference</c>: <c>points</c>, the share of the earn an
/// <c>amount_minor</c> returned stands for, or (neither) all that is left.
/// </summary>
public sealed record ReverseRequest(string? Reference, string? ReturnReference, long? Points, long? AmountMinor, string? Reason);

/// <summary>Undo a redemption (its <c>reference</c>), once.</summary>
public sealed record RestoreRequest(string? Reference, string? Reason);

/// <summary>Expire the points past their expiry of one customer, or (no customer) of every customer of the org.</summary>
public sealed record ExpireRequest(string? CustomerGuid);

public sealed record LoyaltyPolicyGetRequest(long? Version);

/// <summary>Set the next version of the loyalty policy; fields left out keep their value. <c>expected_revision</c>: absent or 0 the first time.</summary>
public sealed record LoyaltyPolicySetRequest(
    IReadOnlyList<EarnRate>? EarnRates,
    IReadOnlyList<LoyaltyTier>? Tiers,
    int? ExpiryMonths,
    IReadOnlyList<RedemptionValue>? RedemptionValues,
    long? MinimumRedeemPoints,
    long? ExpectedRevision);

public sealed record LoyaltyBalanceGetRequest(string? CustomerGuid);

/// <summary>A customer's ledger, newest first, optionally of one kind.</summary>
public sealed record LoyaltyEntryListRequest(string? CustomerGuid, LoyaltyEntryKind? Kind, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>What a ledger change answers: the entry, the account after it, and whether this was a repeat of its reference.</summary>
public sealed record LoyaltyMovement(LoyaltyEntry? Entry, LoyaltyAccount Account, bool Replayed);

/// <summary>
/// A customer's points as a client reads them: the account (zero until the first entry), its status (<c>merged</c> with
/// <c>merged_into</c> once merged), and the next expiry.
/// </summary>
public sealed record LoyaltyBalanceView(string CustomerGuid, long Balance, long LifetimeEarned, string? Tier, LoyaltyAccountStatus Status,
    string? MergedInto, long Revision, DateTimeOffset? NextExpiryAt, long? NextExpiryPoints);

/// <summary>What an explicit expiry did: how many customers lost how many points, and their entries.</summary>
public sealed record LoyaltyExpiryResult(int Customers, long Points, IReadOnlyList<LoyaltyEntry> Entries);

public static partial class LoyaltyReferences
{
    public const string PatternText = "^[A-Za-z0-9][A-Za-z0-9_.:#/-]{0,127}$";

    public static bool IsValid(string? reference) => reference is not null && Pattern().IsMatch(reference.Trim());

    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

internal static class LoyaltyRuleBuilders
{
    public static IRuleBuilderOptions<T, string?> Reference<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").Must(LoyaltyReferences.IsValid).WithMessage($"must match {LoyaltyReferences.PatternText}");

    public static IRuleBuilderOptions<T, long?> PointsCount<T>(this IRuleBuilder<T, long?> rule) =>
        rule.InclusiveBetween(1, LoyaltyRules.MaxPoints).When((_, v) => v is not null);

    public static IRuleBuilderOptions<T, long?> Amount<T>(this IRuleBuilder<T, long?> rule) =>
        rule.InclusiveBetween(1, LoyaltyRules.MaxAmountMinor);
}

public sealed class EarnRequestValidator : AbstractValidator<EarnRequest>
{
    public EarnRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.Reference).Reference();
        RuleFor(r => r.Points).PointsCount();
        RuleFor(r => r.Points).Null().When(r => r.AmountMinor is not null).WithMessage("give points or amount_minor, not both");
        RuleFor(r => r.AmountMinor).NotNull().When(r => r.Points is null).WithMessage("give amount_minor (with currency) or points");
        RuleFor(r => r.AmountMinor).Amount().When(r => r.AmountMinor is not null);
        RuleFor(r => r.Currency).NotEmpty().When(r => r.AmountMinor is not null).WithMessage("is required with amount_minor").Currency();
        RuleFor(r => r.Reason).Text(500);
    }
}

public sealed class RedeemRequestValidator : AbstractValidator<RedeemRequest>
{
    public RedeemRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.Reference).Reference();
        RuleFor(r => r.Points).PointsCount();
        RuleFor(r => r.Points).Null().When(r => r.AmountMinor is not null).WithMessage("give points or amount_minor, not both");
        RuleFor(r => r.AmountMinor).NotNull().When(r => r.Points is null).WithMessage("give points or amount_minor (with currency)");
        RuleFor(r => r.AmountMinor).Amount().When(r => r.AmountMinor is not null);
        RuleFor(r => r.Currency).NotEmpty().When(r => r.AmountMinor is not null).WithMessage("is required with amount_minor").Currency();
        RuleFor(r => r.Reason).Text(500);
    }
}

public sealed class AdjustRequestValidator : AbstractValidator<AdjustRequest>
{
    public AdjustRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.Points).NotNull().WithMessage("is required").NotEqual(0).WithMessage("must not be 0")
            .InclusiveBetween(-LoyaltyRules.MaxPoints, LoyaltyRules.MaxPoints);
        RuleFor(r => r.Reason).RequiredText(500);
        RuleFor(r => r.Reference).Must(LoyaltyReferences.IsValid).When(r => r.Reference is not null)
            .WithMessage($"must match {LoyaltyReferences.PatternText}");
    }
}

public sealed class ReverseRequestValidator : AbstractValidator<ReverseRequest>
{
    public ReverseRequestValidator()
    {
        RuleFor(r => r.Reference).Reference();
        RuleFor(r => r.ReturnReference).Reference();
        RuleFor(r => r.Points).PointsCount();
        RuleFor(r => r.Points).Null().When(r => r.AmountMinor is not null).WithMessage("give points or amount_minor, not both");
        RuleFor(r => r.AmountMinor).Amount().When(r => r.AmountMinor is not null);
        RuleFor(r => r.Reason).Text(500);
    }
}

public sealed class RestoreRequestValidator : AbstractValidator<RestoreRequest>
{
    public RestoreRequestValidator()
    {
        RuleFor(r => r.Reference).Reference();
        RuleFor(r => r.Reason).Text(500);
    }
}

public sealed class ExpireRequestValidator : AbstractValidator<ExpireRequest>
{
    public ExpireRequestValidator() => RuleFor(r => r.CustomerGuid).OptionalGuid();
}

public sealed class LoyaltyPolicyGetRequestValidator : AbstractValidator<LoyaltyPolicyGetRequest>
{
    public LoyaltyPolicyGetRequestValidator() => RuleFor(r => r.Version).GreaterThanOrEqualTo(0).When(r => r.Version is not null);
}

public sealed class LoyaltyPolicySetRequestValidator : AbstractValidator<LoyaltyPolicySetRequest>
{
    public const int MaxCurrencies = 50;
    public const int MaxTiers = 20;

    public LoyaltyPolicySetRequestValidator()
    {
        RuleFor(r => r.EarnRates).Must(x => x!.Count <= MaxCurrencies).WithMessage($"lists at most {MaxCurrencies} currencies")
            .Must(x => x!.Select(e => e?.Currency?.Trim().ToUpperInvariant()).Distinct().Count() == x!.Count).WithMessage("lists each currency once")
            .When(r => r.EarnRates is not null);
        RuleForEach(r => r.EarnRates).NotNull().WithMessage("is required").ChildRules(rate =>
        {
            rate.RuleFor(e => e.Currency).NotEmpty().WithMessage("is required").Currency();
            rate.RuleFor(e => e.Points).InclusiveBetween(1, 1_000_000);
            rate.RuleFor(e => e.PerMinor).InclusiveBetween(1, 1_000_000_000);
        });
        RuleFor(r => r.Tiers).Must(x => x!.Count <= MaxTiers).WithMessage($"lists at most {MaxTiers} tiers")
            .Must(x => x!.Select(t => t?.Name?.Trim()).Distinct().Count() == x!.Count).WithMessage("names each tier once")
            .Must(x => x!.Select(t => t?.Threshold).Distinct().Count() == x!.Count).WithMessage("gives each tier its own threshold")
            .When(r => r.Tiers is not null);
        RuleForEach(r => r.Tiers).NotNull().WithMessage("is required").ChildRules(tier =>
        {
            tier.RuleFor(t => t.Name).RequiredText(50);
            tier.RuleFor(t => t.Threshold).InclusiveBetween(0, LoyaltyRules.MaxPoints);
            tier.RuleFor(t => t.EarnMultiplier).GreaterThan(0).LessThanOrEqualTo(100);
        });
        RuleFor(r => r.ExpiryMonths).InclusiveBetween(0, 120).When(r => r.ExpiryMonths is not null);
        RuleFor(r => r.RedemptionValues).Must(x => x!.Count <= MaxCurrencies).WithMessage($"lists at most {MaxCurrencies} currencies")
            .Must(x => x!.Select(e => e?.Currency?.Trim().ToUpperInvariant()).Distinct().Count() == x!.Count).WithMessage("lists each currency once")
            .When(r => r.RedemptionValues is not null);
        RuleForEach(r => r.RedemptionValues).NotNull().WithMessage("is required").ChildRules(value =>
        {
            value.RuleFor(v => v.Currency).NotEmpty().WithMessage("is required").Currency();
            value.RuleFor(v => v.MinorPerPoint).InclusiveBetween(1, 1_000_000_000);
        });
        RuleFor(r => r.MinimumRedeemPoints).InclusiveBetween(1, LoyaltyRules.MaxPoints).When(r => r.MinimumRedeemPoints is not null);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class LoyaltyBalanceGetRequestValidator : AbstractValidator<LoyaltyBalanceGetRequest>
{
    public LoyaltyBalanceGetRequestValidator() => RuleFor(r => r.CustomerGuid).RequiredGuid();
}

public sealed class LoyaltyEntryListRequestValidator : AbstractValidator<LoyaltyEntryListRequest>
{
    public LoyaltyEntryListRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.Kind).IsInEnum().When(r => r.Kind is not null);
        this.AddPagingRules();
    }
}
