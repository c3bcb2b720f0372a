using FluentValidation;

namespace Retail.Ucp.Checkout;

/// <summary>A line: a variant and a quantity of 1–999.</summary>
public sealed class CheckoutLineInputValidator : AbstractValidator<CheckoutLineInput>
{
    public CheckoutLineInputValidator()
    {
        RuleFor(l => l.VariantGuid).RequiredGuid();
        RuleFor(l => l.Quantity).NotNull().InclusiveBetween(1, 999);
    }
}

public sealed class CheckoutBuyerValidator : AbstractValidator<CheckoutBuyer>
{
    public CheckoutBuyerValidator()
    {
        RuleFor(b => b.FirstName).Text(100);
        RuleFor(b => b.LastName).Text(100);
        RuleFor(b => b.Email).EmailAddress().MaximumLength(254);
        RuleFor(b => b.PhoneNumber).Text(32);
    }
}

public sealed class CheckoutAddressValidator : AbstractValidator<CheckoutAddress>
{
    public CheckoutAddressValidator()
    {
        RuleFor(a => a.Name).Text(200);
        RuleFor(a => a.Line1).Text(200);
        RuleFor(a => a.Line2).Text(200);
        RuleFor(a => a.City).Text(100);
        RuleFor(a => a.Region).Text(100);
        RuleFor(a => a.PostalCode).Text(20);
        RuleFor(a => a.Country).Country();
    }
}

public sealed class CheckoutCreateRequestValidator : AbstractValidator<CheckoutCreateRequest>
{
    public CheckoutCreateRequestValidator()
    {
        RuleFor(r => r.Lines).NotEmpty().Must(l => l!.Count <= 100).WithMessage("at most 100 lines");
        RuleForEach(r => r.Lines).SetValidator(new CheckoutLineInputValidator());
        RuleFor(r => r.Buyer!).SetValidator(new CheckoutBuyerValidator()).When(r => r.Buyer is not null);
        RuleFor(r => r.ShipTo!).SetValidator(new CheckoutAddressValidator()).When(r => r.ShipTo is not null);
        RuleFor(r => r.PaymentToken).Text(200);
    }
}

public sealed class CheckoutUpdateRequestValidator : AbstractValidator<CheckoutUpdateRequest>
{
    public CheckoutUpdateRequestValidator()
    {
        RuleFor(r => r.SessionGuid).RequiredGuid();
        RuleFor(r => r.Lines).Must(l => l is null || (l.Count is > 0 and <= 100)).WithMessage("1–100 lines when given");
        RuleForEach(r => r.Lines).SetValidator(new CheckoutLineInputValidator());
        RuleFor(r => r.Buyer!).SetValidator(new CheckoutBuyerValidator()).When(r => r.Buyer is not null);
        RuleFor(r => r.ShipTo!).SetValidator(new CheckoutAddressValidator()).When(r => r.ShipTo is not null);
        RuleFor(r => r.PaymentToken).Text(200);
    }
}

public sealed class CheckoutKeyValidator : AbstractValidator<CheckoutKey>
{
    public CheckoutKeyValidator() => RuleFor(r => r.SessionGuid).RequiredGuid();
}

public sealed class CheckoutChangeValidator : AbstractValidator<CheckoutChange>
{
    public CheckoutChangeValidator() => RuleFor(r => r.SessionGuid).RequiredGuid();
}
