using FluentValidation;
using Retail.Usm.ServiceAccounts;

namespace Retail.Usm.ApiKeys;

public sealed class CreateApiKeyRequestValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.ServiceAccountGuid).RequiredGuid();
        RuleFor(r => r.Name).MaximumLength(100).WithMessage("is too long");
        RuleFor(r => r.ExpiresAt).Must(at => at is null || at > clock.GetUtcNow()).WithMessage("must be in the future");
    }
}

public sealed class ListApiKeysRequestValidator : AbstractValidator<ListApiKeysRequest>
{
    public ListApiKeysRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ServiceAccountGuid).RequiredGuid().When(r => r.ServiceAccountGuid is not null);
    }
}

public sealed class RevokeApiKeyRequestValidator : AbstractValidator<RevokeApiKeyRequest>
{
    public RevokeApiKeyRequestValidator() => RuleFor(r => r.ApiKeyGuid).RequiredGuid();
}

public sealed class RevokeAllApiKeysRequestValidator : AbstractValidator<RevokeAllApiKeysRequest>
{
    public RevokeAllApiKeysRequestValidator() => RuleFor(r => r.ServiceAccountGuid).RequiredGuid();
}

public sealed class SetApiKeyPolicyRequestValidator : AbstractValidator<SetApiKeyPolicyRequest>
{
    public SetApiKeyPolicyRequestValidator()
    {
        RuleFor(r => r.MaxLifetimeDays).InclusiveBetween(1, 3650).When(r => r.MaxLifetimeDays is not null);
        RuleFor(r => r.AllowedRoles).Must(roles => roles is null || (roles.Count > 0 && roles.All(ServiceAccount.Grantable.Contains)))
            .WithMessage("must list one or more of viewer, member, admin");
    }
}

public sealed class ApiKeyValidateRequestValidator : AbstractValidator<ApiKeyValidateRequest>
{
    public ApiKeyValidateRequestValidator() => RuleFor(r => r.ApiKey).NotEmpty().WithMessage("is required").MaximumLength(256).WithMessage("is too long");
}

/// <summary>Names nothing but the org, which the contract already checks against x-orgcode.</summary>
public sealed class RevokeAllOrgApiKeysRequestValidator : NoFieldRules<RevokeAllOrgApiKeysRequest>;
