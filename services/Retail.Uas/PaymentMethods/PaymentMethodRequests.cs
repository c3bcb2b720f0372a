using System.Text.RegularExpressions;
using FluentValidation;
using Retail.Shared.Records;

namespace Retail.Uas.PaymentMethods;

public sealed record AddPaymentMethodRequest(
    string? UserGuid,
    string? Provider,
    string? Token,
    string? Brand,
    string? Last4,
    int? ExpMonth,
    int? ExpYear,
    string? Label);

public sealed record ListPaymentMethodsRequest(string? UserGuid, bool? IncludeDoomed, int? Limit, string? NextToken) : IPagedRequest;

public sealed record RemovePaymentMethodRequest(string? UserGuid, string? PaymentMethodGuid, long? ExpectedRevision);

public sealed record SetPrimaryPaymentMethodRequest(string? UserGuid, string? PaymentMethodGuid, long? ExpectedRevision);

internal static partial class PaymentMethodRules
{
    public static IRuleBuilderOptions<T, string?> ValidGuid<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").Must(g => Guid.TryParse(g, out _)).WithMessage("is not a valid guid");

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,63}$", RegexOptions.CultureInvariant)]
    public static partial Regex Code();

    // Provider tokens (pm_…, tok_…, card ids) are printable ASCII without spaces.
    [GeneratedRegex(@"^[\x21-\x7E]{1,255}$", RegexOptions.CultureInvariant)]
    public static partial Regex ProviderToken();

    [GeneratedRegex("^[0-9]{4}$", RegexOptions.CultureInvariant)]
    public static partial Regex Last4();
}

public sealed class AddPaymentMethodRequestValidator : AbstractValidator<AddPaymentMethodRequest>
{
    public AddPaymentMethodRequestValidator()
    {
        RuleFor(r => r.UserGuid).ValidGuid().When(r => !string.IsNullOrEmpty(r.UserGuid));
        // Presence is checked on its own (so the API documents these as required); the shape only when there is one.
        RuleFor(r => r.Provider).NotEmpty().WithMessage("is required");
        RuleFor(r => r.Provider)
            .Must(p => PaymentMethodRules.Code().IsMatch(p!.Trim().ToLowerInvariant())).WithMessage("must be a provider code like 'stripe'")
            .When(r => !string.IsNullOrEmpty(r.Provider) && !CardNumberDetector.ContainsCardNumber(r.Provider));
        // A card number is left to the handler, which refuses it with its own code rather than a shape complaint.
        RuleFor(r => r.Token).NotEmpty().WithMessage("is required");
        RuleFor(r => r.Token)
            .Must(t => PaymentMethodRules.ProviderToken().IsMatch(t!)).WithMessage("must be the provider's token (printable, no spaces, at most 255)")
            .When(r => !string.IsNullOrEmpty(r.Token) && !CardNumberDetector.ContainsCardNumber(r.Token));
        RuleFor(r => r.Brand).NotEmpty().WithMessage("is required");
        RuleFor(r => r.Brand).MaximumLength(32).WithMessage("is too long")
            .When(r => !CardNumberDetector.ContainsCardNumber(r.Brand));
        RuleFor(r => r.Last4).NotEmpty().WithMessage("is required")
            .Must(l => PaymentMethodRules.Last4().IsMatch(l!)).WithMessage("must be the last 4 digits");
        RuleFor(r => r.ExpMonth).NotNull().WithMessage("is required").InclusiveBetween(1, 12);
        RuleFor(r => r.ExpYear).NotNull().WithMessage("is required").InclusiveBetween(2000, 2100);
        RuleFor(r => r.Label).MaximumLength(64).WithMessage("is too long").When(r => !CardNumberDetector.ContainsCardNumber(r.Label));
    }
}

public sealed class ListPaymentMethodsRequestValidator : AbstractValidator<ListPaymentMethodsRequest>
{
    public ListPaymentMethodsRequestValidator()
    {
        RuleFor(r => r.UserGuid).ValidGuid().When(r => !string.IsNullOrEmpty(r.UserGuid));
        this.AddPagingRules();
    }
}

public sealed class RemovePaymentMethodRequestValidator : AbstractValidator<RemovePaymentMethodRequest>
{
    public RemovePaymentMethodRequestValidator()
    {
        RuleFor(r => r.UserGuid).ValidGuid().When(r => !string.IsNullOrEmpty(r.UserGuid));
        RuleFor(r => r.PaymentMethodGuid).ValidGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class SetPrimaryPaymentMethodRequestValidator : AbstractValidator<SetPrimaryPaymentMethodRequest>
{
    public SetPrimaryPaymentMethodRequestValidator()
    {
        RuleFor(r => r.UserGuid).ValidGuid().When(r => !string.IsNullOrEmpty(r.UserGuid));
        RuleFor(r => r.PaymentMethodGuid).ValidGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}
