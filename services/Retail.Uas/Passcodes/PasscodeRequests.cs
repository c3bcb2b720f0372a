using FluentValidation;
using Retail.Uas.Users;

namespace Retail.Uas.Passcodes;

/// <summary>The first passcode (with the <c>passcode_token</c> from /user/verify) or a change (with <c>current_passcode</c>).</summary>
public sealed record SetPasscodeRequest(string? Email, string? Passcode, string? PasscodeToken, string? CurrentPasscode);

public sealed record RequestPasscodeResetRequest(string? Email);

public sealed record CompletePasscodeResetRequest(string? Email, string? Token, string? Passcode);

/// <summary>Internal (USM's sign-in): is this the passcode of this verified user?</summary>
public sealed record VerifyPasscodeRequest(string? Email, string? Passcode);

public sealed record PasscodeVerified(string UserGuid, string Email);

public sealed class VerifyPasscodeRequestValidator : AbstractValidator<VerifyPasscodeRequest>
{
    public VerifyPasscodeRequestValidator()
    {
        RuleFor(r => r.Email).ValidEmail();
        RuleFor(r => r.Passcode).NotEmpty().WithMessage("is required").MaximumLength(1024).WithMessage("is too long");
    }
}

public sealed class SetPasscodeRequestValidator : AbstractValidator<SetPasscodeRequest>
{
    public SetPasscodeRequestValidator(PasscodePolicy policy)
    {
        RuleFor(r => r.Email).ValidEmail();
        RuleFor(r => r.Passcode).MeetsPolicy(policy);
        RuleFor(r => r).Must(r => string.IsNullOrEmpty(r.PasscodeToken) != string.IsNullOrEmpty(r.CurrentPasscode))
            .OverridePropertyName("passcode_token").WithMessage("give exactly one of passcode_token and current_passcode");
        RuleFor(r => r.PasscodeToken).ValidToken().When(r => !string.IsNullOrEmpty(r.PasscodeToken));
        RuleFor(r => r.CurrentPasscode).MaximumLength(1024).WithMessage("is too long");
    }
}

public sealed class RequestPasscodeResetRequestValidator : AbstractValidator<RequestPasscodeResetRequest>
{
    public RequestPasscodeResetRequestValidator() => RuleFor(r => r.Email).ValidEmail();
}

public sealed class CompletePasscodeResetRequestValidator : AbstractValidator<CompletePasscodeResetRequest>
{
    public CompletePasscodeResetRequestValidator(PasscodePolicy policy)
    {
        RuleFor(r => r.Email).ValidEmail();
        RuleFor(r => r.Token).ValidToken();
        RuleFor(r => r.Passcode).MeetsPolicy(policy);
    }
}

internal static class PasscodeRules
{
    /// <summary>One error per broken policy rule, on the field; the value itself is never echoed.</summary>
    public static void MeetsPolicy<T>(this IRuleBuilderInitial<T, string?> rule, PasscodePolicy policy) where T : class =>
        rule.Custom((passcode, context) =>
        {
            var email = context.InstanceToValidate switch
            {
                SetPasscodeRequest s => s.Email,
                CompletePasscodeResetRequest c => c.Email,
                _ => null,
            };
            foreach (var problem in policy.Check(passcode, email))
            {
                context.AddFailure(new FluentValidation.Results.ValidationFailure(context.PropertyPath, problem) { AttemptedValue = null });
            }
        });
}
