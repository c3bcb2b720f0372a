using FluentValidation;

namespace Retail.Crm.Accounts;

public sealed record BillingAddressInput(string? Line1, string? Line2, string? City, string? Region, string? Postcode, string? Country);

public sealed record CreditLimitInput(long? AmountMinor, string? Currency);

/// <summary>A new account (created <c>active</c>). Credit limit and payment terms need an admin.</summary>
public sealed record CreateAccountRequest(string? AccountCode, string? Name, string? TaxId, BillingAddressInput? BillingAddress, string? PaymentTerms,
    CreditLimitInput? CreditLimit) : IAccountFields;

/// <summary>A change to an account by guid or code; fields left out stay as they are. Credit limit and payment terms need an admin.</summary>
public sealed record UpdateAccountRequest(string? Guid, string? Code, string? Name, string? TaxId, BillingAddressInput? BillingAddress, string? PaymentTerms,
    CreditLimitInput? CreditLimit, long? ExpectedRevision) : IUpdateOf<Account>, IAccountFields
{
    public Account Apply(Account current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        TaxId = RequestRules.Trimmed(TaxId) ?? current.TaxId,
        BillingAddress = BillingAddress is null ? current.BillingAddress : AccountRules.AddressOf(BillingAddress),
        PaymentTerms = PaymentTerms is null ? current.PaymentTerms : Codes.Normalize(PaymentTerms),
        CreditLimit = CreditLimit is null ? current.CreditLimit : AccountRules.CreditOf(CreditLimit),
    };
}

public interface IAccountFields
{
    string? Name { get; }

    string? TaxId { get; }

    BillingAddressInput? BillingAddress { get; }

    string? PaymentTerms { get; }

    CreditLimitInput? CreditLimit { get; }
}

public static class AccountRequestRules
{
    public static void AddAccountRules<T>(this AbstractValidator<T> validator, bool creating) where T : IAccountFields
    {
        if (creating)
        {
            validator.RuleFor(r => r.Name).RequiredText();
        }
        else
        {
            validator.RuleFor(r => r.Name).Text();
        }
        validator.RuleFor(r => r.TaxId).Text(50);
        validator.RuleFor(r => r.PaymentTerms).Must(AccountRules.IsPaymentTerms).WithMessage($"must be {AccountRules.PaymentTermsText}");
        validator.RuleFor(r => r.BillingAddress!).ChildRules(a =>
        {
            a.RuleFor(x => x.Line1).RequiredText();
            a.RuleFor(x => x.Line2).Text();
            a.RuleFor(x => x.City).RequiredText(100);
            a.RuleFor(x => x.Region).Text(100);
            a.RuleFor(x => x.Postcode).Text(20);
            a.RuleFor(x => x.Country).NotEmpty().WithMessage("is required").Country();
        }).When(r => r.BillingAddress is not null).OverridePropertyName("billing_address");
        validator.RuleFor(r => r.CreditLimit!).ChildRules(c =>
        {
            c.RuleFor(x => x.AmountMinor).NotNull().WithMessage("is required").InclusiveBetween(0, AccountRules.MaxCreditMinor);
            c.RuleFor(x => x.Currency).NotEmpty().WithMessage("is required").Currency();
        }).When(r => r.CreditLimit is not null).OverridePropertyName("credit_limit");
    }
}

public sealed class CreateAccountRequestValidator : AbstractValidator<CreateAccountRequest>
{
    public CreateAccountRequestValidator()
    {
        RuleFor(r => r.AccountCode).BusinessCode();
        this.AddAccountRules(creating: true);
    }
}

public sealed class UpdateAccountRequestValidator : AbstractValidator<UpdateAccountRequest>
{
    public UpdateAccountRequestValidator()
    {
        this.AddUpdateRules<UpdateAccountRequest, Account>();
        this.AddAccountRules(creating: false);
    }
}
