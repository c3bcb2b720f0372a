using System.Text.RegularExpressions;
using FluentValidation;

namespace Retail.Crm.Fraud;

/// <summary>An address as the fraud rules compare it: country (ISO 3166-1 alpha-2) and postcode; the rest is context.</summary>
public sealed record FraudAddressInput(string? Line1, string? City, string? Postcode, string? Country);

/// <summary>The order (or checkout) being assessed: its reference, value and addresses.</summary>
/// <param name="OrderRef">SCM's order guid (an order CRM already counted is not counted twice) or the caller's own reference.</param>
public sealed record FraudOrderInput(string? OrderRef, long? TotalMinor, string? Currency, FraudAddressInput? BillingAddress,
    FraudAddressInput? ShippingAddress);

/// <summary>A payment attempt that failed (SCM publishes no event for a decline, so the caller reports them).</summary>
public sealed record FailedPaymentInput(DateTimeOffset? At, string? Reason);

public sealed record AssessFraudRequest(string? CustomerGuid, FraudOrderInput? Order, IReadOnlyList<FailedPaymentInput>? FailedPayments, string? Note);

public sealed record FraudListRequest(string? CustomerGuid, FraudDecision? Decision, int? Limit, string? NextToken) : IPagedRequest;

public sealed record FraudGetRequest(string? AssessmentGuid);

public sealed record HoldListRequest(string? CustomerGuid, HoldStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record HoldGetRequest(string? HoldGuid);

public sealed record ResolveHoldRequest(string? HoldGuid, HoldResolution? Resolution, string? Reason, long? ExpectedRevision);

/// <summary>Weights to change; a weight left out keeps its value.</summary>
public sealed record FraudWeightsInput(int? OrderVelocity, int? FirstOrderValue, int? AddressMismatch, int? DisposableEmail, int? FailedPayments,
    int? RecentHolds);

/// <summary>A new version of the fraud policy: fields left out keep their value; lists and maps given replace the old ones.</summary>
/// <param name="ExpectedRevision">Absent or 0 while no policy was set; the current version after.</param>
public sealed record SetFraudPolicyRequest(
    FraudWeightsInput? Weights,
    int? ReviewThreshold,
    int? HoldThreshold,
    int? VelocityWindowMinutes,
    int? VelocityLimit,
    IReadOnlyDictionary<string, long>? FirstOrderLimitsMinor,
    IReadOnlyList<string>? DisposableEmailDomains,
    int? FailedPaymentWindowMinutes,
    int? FailedPaymentLimit,
    int? RecentHoldDays,
    long? ExpectedRevision);

/// <summary>The policy in force, or a given version of it.</summary>
public sealed record GetFraudPolicyRequest(long? Version);

public sealed class AssessFraudRequestValidator : AbstractValidator<AssessFraudRequest>
{
    public const int MaxFailedPayments = 100;

    public AssessFraudRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.Note).MultilineText(1000);
        RuleFor(r => r.Order!.OrderRef).Text(100).When(r => r.Order is not null).OverridePropertyName("order.order_ref");
        RuleFor(r => r.Order!.TotalMinor).InclusiveBetween(0, 1_000_000_000_000).When(r => r.Order?.TotalMinor is not null)
            .OverridePropertyName("order.total_minor");
        RuleFor(r => r.Order!.Currency).NotEmpty().WithMessage("is required with total_minor").When(r => r.Order?.TotalMinor is not null)
            .OverridePropertyName("order.currency");
        RuleFor(r => r.Order!.Currency).Currency().When(r => r.Order is not null).OverridePropertyName("order.currency");
        RuleFor(r => r.Order!.TotalMinor).NotNull().WithMessage("is required with currency").When(r => r.Order is { Currency: not null })
            .OverridePropertyName("order.total_minor");
        Address("billing_address", r => r.Order?.BillingAddress);
        Address("shipping_address", r => r.Order?.ShippingAddress);
        RuleFor(r => r.FailedPayments).Must(f => f!.Count <= MaxFailedPayments && f.All(p => p is not null))
            .WithMessage($"at most {MaxFailedPayments} entries, none null").When(r => r.FailedPayments is not null);
        RuleForEach(r => r.FailedPayments).ChildRules(p =>
        {
            p.RuleFor(x => x!.At).NotNull().WithMessage("is required");
            p.RuleFor(x => x!.Reason).Text(100);
        }).When(r => r.FailedPayments is not null && r.FailedPayments.All(p => p is not null));
    }

    private void Address(string name, Func<AssessFraudRequest, FraudAddressInput?> of)
    {
        RuleFor(r => of(r)!.Country).NotEmpty().WithMessage("is required").Country().When(r => of(r) is not null)
            .OverridePropertyName($"order.{name}.country");
        RuleFor(r => of(r)!.Postcode).Text(20).When(r => of(r) is not null).OverridePropertyName($"order.{name}.postcode");
        RuleFor(r => of(r)!.Line1).Text(200).When(r => of(r) is not null).OverridePropertyName($"order.{name}.line1");
        RuleFor(r => of(r)!.City).Text(100).When(r => of(r) is not null).OverridePropertyName($"order.{name}.city");
    }
}

public sealed class FraudListRequestValidator : AbstractValidator<FraudListRequest>
{
    public FraudListRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.Decision).IsInEnum().When(r => r.Decision is not null);
        this.AddPagingRules();
    }
}

public sealed class FraudGetRequestValidator : AbstractValidator<FraudGetRequest>
{
    public FraudGetRequestValidator() => RuleFor(r => r.AssessmentGuid).RequiredGuid();
}

public sealed class HoldListRequestValidator : AbstractValidator<HoldListRequest>
{
    public HoldListRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        this.AddPagingRules();
    }
}

public sealed class HoldGetRequestValidator : AbstractValidator<HoldGetRequest>
{
    public HoldGetRequestValidator() => RuleFor(r => r.HoldGuid).RequiredGuid();
}

public sealed class ResolveHoldRequestValidator : AbstractValidator<ResolveHoldRequest>
{
    public ResolveHoldRequestValidator()
    {
        RuleFor(r => r.HoldGuid).RequiredGuid();
        RuleFor(r => r.Resolution).NotNull().WithMessage("is required (release or confirm)").IsInEnum();
        RuleFor(r => r.Reason).RequiredText(1000);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(1).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class GetFraudPolicyRequestValidator : AbstractValidator<GetFraudPolicyRequest>
{
    public GetFraudPolicyRequestValidator() => RuleFor(r => r.Version).GreaterThanOrEqualTo(1).When(r => r.Version is not null);
}

public sealed partial class SetFraudPolicyRequestValidator : AbstractValidator<SetFraudPolicyRequest>
{
    public const int MaxDomains = 2000;
    public const int MaxWindowMinutes = 60 * 24 * 90;

    public SetFraudPolicyRequestValidator()
    {
        When(r => r.Weights is not null, () =>
        {
            Weight(r => r.Weights!.OrderVelocity, "weights.order_velocity");
            Weight(r => r.Weights!.FirstOrderValue, "weights.first_order_value");
            Weight(r => r.Weights!.AddressMismatch, "weights.address_mismatch");
            Weight(r => r.Weights!.DisposableEmail, "weights.disposable_email");
            Weight(r => r.Weights!.FailedPayments, "weights.failed_payments");
            Weight(r => r.Weights!.RecentHolds, "weights.recent_holds");
        });
        RuleFor(r => r.ReviewThreshold).InclusiveBetween(1, 100).When(r => r.ReviewThreshold is not null);
        RuleFor(r => r.HoldThreshold).InclusiveBetween(1, 100).When(r => r.HoldThreshold is not null);
        RuleFor(r => r.VelocityWindowMinutes).InclusiveBetween(1, MaxWindowMinutes).When(r => r.VelocityWindowMinutes is not null);
        RuleFor(r => r.VelocityLimit).InclusiveBetween(1, 50).When(r => r.VelocityLimit is not null);
        RuleFor(r => r.FailedPaymentWindowMinutes).InclusiveBetween(1, MaxWindowMinutes).When(r => r.FailedPaymentWindowMinutes is not null);
        RuleFor(r => r.FailedPaymentLimit).InclusiveBetween(1, AssessFraudRequestValidator.MaxFailedPayments).When(r => r.FailedPaymentLimit is not null);
        RuleFor(r => r.RecentHoldDays).InclusiveBetween(1, 3650).When(r => r.RecentHoldDays is not null);
        RuleFor(r => r.FirstOrderLimitsMinor).Must(m => m!.Count <= 50).WithMessage("must have at most 50 currencies")
            .When(r => r.FirstOrderLimitsMinor is not null);
        RuleForEach(r => r.FirstOrderLimitsMinor).Must(p => p.Key is { Length: 3 } && p.Key.All(char.IsAsciiLetterUpper) && RequestRules.IsCurrency(p.Key)
                && p.Value >= 0)
            .WithMessage("each key must be an ISO 4217 code (upper case) and each limit at least 0");
        RuleFor(r => r.DisposableEmailDomains).Must(d => d!.Count <= MaxDomains && d.All(x => x is not null && IsDomain(x)))
            .WithMessage($"at most {MaxDomains} domain names such as mailinator.com").When(r => r.DisposableEmailDomains is not null);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }

    public static bool IsDomain(string domain) => domain.Length <= 253 && Domain().IsMatch(domain.Trim().ToLowerInvariant());

    private void Weight(System.Linq.Expressions.Expression<Func<SetFraudPolicyRequest, int?>> weight, string name) =>
        RuleFor(weight).InclusiveBetween(0, 100).OverridePropertyName(name);

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Domain();
}
