using FluentValidation;

namespace Retail.Uas.Users;

public sealed record CreateUserRequest(string? Email);

public sealed record GetUserRequest(string? UserGuid, string? Email);

public sealed record VerifyUserRequest(string? Email, string? Token);

public sealed record ResendVerificationRequest(string? Email);

public sealed record VerifyUserResponse(UserResponse User, string PasscodeToken, DateTimeOffset PasscodeTokenExpiresAt);

/// <summary>The one answer of the mail-sending endpoints, given whether or not the address has an account.</summary>
public sealed record MailAccepted(string Status)
{
    public static MailAccepted Instance { get; } = new("accepted");
}

internal static class UserRules
{
    public static IRuleBuilderOptions<T, string?> ValidEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required")
            .Must(e => EmailAddress.Normalise(e).Length <= EmailAddress.MaxLength).WithMessage($"must be at most {EmailAddress.MaxLength} characters")
            .Must(EmailAddress.IsValid).WithMessage("is not a valid e-mail address");

    public static IRuleBuilderOptions<T, string?> ValidToken<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").MaximumLength(256).WithMessage("is too long");
}

public sealed class CreateUserRequestValidator : AbstractValidator<CreateUserRequest>
{
    public CreateUserRequestValidator() => RuleFor(r => r.Email).ValidEmail();
}

public sealed class GetUserRequestValidator : AbstractValidator<GetUserRequest>
{
    public GetUserRequestValidator()
    {
        // Neither names the signed-in user themself.
        RuleFor(r => r).Must(r => string.IsNullOrEmpty(r.UserGuid) || string.IsNullOrEmpty(r.Email))
            .OverridePropertyName("user_guid").WithMessage("give at most one of user_guid and email");
        RuleFor(r => r.UserGuid).Must(g => Guid.TryParse(g, out _)).When(r => !string.IsNullOrEmpty(r.UserGuid))
            .WithMessage("is not a valid guid");
        RuleFor(r => r.Email).ValidEmail().When(r => !string.IsNullOrEmpty(r.Email));
    }
}

public sealed class VerifyUserRequestValidator : AbstractValidator<VerifyUserRequest>
{
    public VerifyUserRequestValidator()
    {
        RuleFor(r => r.Email).ValidEmail();
        RuleFor(r => r.Token).ValidToken();
    }
}

public sealed class ResendVerificationRequestValidator : AbstractValidator<ResendVerificationRequest>
{
    public ResendVerificationRequestValidator() => RuleFor(r => r.Email).ValidEmail();
}
