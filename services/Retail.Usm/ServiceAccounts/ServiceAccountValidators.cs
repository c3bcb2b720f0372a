using FluentValidation;

namespace Retail.Usm.ServiceAccounts;

public sealed class CreateServiceAccountRequestValidator : AbstractValidator<CreateServiceAccountRequest>
{
    public CreateServiceAccountRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().WithMessage("is required")
            .Must(n => Codes.IsValid(Codes.Normalize(n))).WithMessage($"must match {Codes.PatternText}");
        RuleFor(r => r.Role).NotNull().WithMessage("is required")
            .Must(r => r is null || ServiceAccount.Grantable.Contains(r.Value)).WithMessage("must be viewer, member or admin");
        RuleFor(r => r.Description).MaximumLength(500).WithMessage("is too long");
    }
}

public sealed class ListServiceAccountsRequestValidator : AbstractValidator<ListServiceAccountsRequest>
{
    public ListServiceAccountsRequestValidator() => this.AddPagingRules();
}

public sealed class SetServiceAccountStatusRequestValidator : AbstractValidator<SetServiceAccountStatusRequest>
{
    public SetServiceAccountStatusRequestValidator()
    {
        RuleFor(r => r.ServiceAccountGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
    }
}
