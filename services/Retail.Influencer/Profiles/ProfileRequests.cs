using System.Text.RegularExpressions;
using FluentValidation;

namespace Retail.Influencer.Profiles;

/// <param name="Handle">Unique in the org; trimmed and lower-cased (<c>^[a-z0-9][a-z0-9_.]{1,39}$</c>).</param>
/// <param name="PayoutMethodRef">The payout provider's token (<c>pm_…</c>), never bank or card details.</param>
/// <param name="TaxFormStatus">Default <c>missing</c>.</param>
public sealed record CreateProfileRequest(string? Handle, string? DisplayName, string? Email, string? Phone, string? PayoutMethodRef,
    TaxFormStatus? TaxFormStatus, string? Currency);

/// <summary>A profile named by <c>profile_guid</c> or by <c>handle</c> (exactly one).</summary>
public sealed record ProfileKey(string? ProfileGuid, string? Handle);

/// <summary>
/// Payout readiness (admin): any of the payout method token, the tax form status, the minimum payout and the enabled flag;
/// fields left out stay as they are.
/// </summary>
public sealed record SetPayoutReadinessRequest(string? ProfileGuid, string? PayoutMethodRef, TaxFormStatus? TaxFormStatus, long? MinimumPayoutMinor,
    bool? Enabled, long? ExpectedRevision);

public sealed record PayoutReadinessKey(string? ProfileGuid);

/// <summary>Whether the profile may be paid now, every reason it may not, and what it has available.</summary>
/// <param name="Reasons">Empty when ready: <c>profile_not_active</c>, <c>no_payout_method</c>, <c>tax_form_not_verified</c>,
/// <c>disabled</c>, <c>below_minimum</c>.</param>
public sealed record PayoutReadinessView(string ProfileGuid, bool Ready, IReadOnlyList<string> Reasons, bool Enabled, string? PayoutMethodRef,
    TaxFormStatus TaxFormStatus, long MinimumPayoutMinor, long AvailableMinor, string Currency, ProfileStatus ProfileStatus, long Revision);

public static partial class ProfileRules
{
    public const int MaxEmail = 254;
    public const long MaxAmountMinor = 1_000_000_000_000;

    public static string NormalizeHandle(string handle) => handle.Trim().ToLowerInvariant();

    public static bool IsHandle(string? handle) => handle is not null && HandlePattern().IsMatch(NormalizeHandle(handle));

    public static string? NormalizeEmail(string? email) => RequestRules.Trimmed(email)?.ToLowerInvariant();

    public static bool IsEmail(string? email) => email is null || (email.Trim().Length <= MaxEmail && EmailPattern().IsMatch(email.Trim()));

    /// <summary>A phone as given, in E.164-like form: an optional <c>+</c> and 6–15 digits (spaces and dashes allowed between).</summary>
    public static bool IsPhone(string? phone) => phone is null || PhonePattern().IsMatch(phone.Trim());

    /// <summary>A payout provider token: <c>pm_</c> and 6–64 letters, digits or underscores. Anything else (an IBAN, a card number) is refused.</summary>
    public static bool IsPayoutMethodRef(string? reference) => reference is null || PayoutRefPattern().IsMatch(reference.Trim());

    public static string CurrencyOf(string currency) => currency.Trim().ToUpperInvariant();

    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();

    [GeneratedRegex("^[a-z0-9][a-z0-9_.]{1,39}$")]
    private static partial Regex HandlePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 \-]{4,20}[0-9]$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex("^pm_[A-Za-z0-9_]{6,64}$")]
    private static partial Regex PayoutRefPattern();
}

public sealed class CreateProfileRequestValidator : AbstractValidator<CreateProfileRequest>
{
    public CreateProfileRequestValidator()
    {
        RuleFor(r => r.Handle).NotEmpty().WithMessage("is required").Must(ProfileRules.IsHandle)
            .WithMessage("must be 2–40 characters of a-z, 0-9, _ and . starting with a letter or digit");
        RuleFor(r => r.DisplayName).RequiredText();
        RuleFor(r => r.Email).Must(ProfileRules.IsEmail).WithMessage("is not a valid e-mail address");
        RuleFor(r => r.Phone).Must(ProfileRules.IsPhone).WithMessage("is not a valid phone number");
        RuleFor(r => r.Email).NotEmpty().When(r => r.Phone is null).WithMessage("e-mail or phone is required");
        RuleFor(r => r.PayoutMethodRef).Must(ProfileRules.IsPayoutMethodRef).WithMessage("must be a payout provider token (pm_…), never bank or card details");
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
    }
}

public sealed class ProfileKeyValidator : AbstractValidator<ProfileKey>
{
    public ProfileKeyValidator()
    {
        RuleFor(r => r.ProfileGuid).OptionalGuid();
        RuleFor(r => r.Handle).Must(h => h is null || ProfileRules.IsHandle(h)).WithMessage("is not a valid handle");
        RuleFor(r => r).Must(r => (r.ProfileGuid is null) != (r.Handle is null)).WithName("profile_guid")
            .OverridePropertyName("profile_guid").WithMessage("name the profile by profile_guid or handle (one of them)");
    }
}

public sealed class SetPayoutReadinessRequestValidator : AbstractValidator<SetPayoutReadinessRequest>
{
    public SetPayoutReadinessRequestValidator()
    {
        RuleFor(r => r.ProfileGuid).RequiredGuid();
        RuleFor(r => r.PayoutMethodRef).Must(ProfileRules.IsPayoutMethodRef).WithMessage("must be a payout provider token (pm_…), never bank or card details");
        RuleFor(r => r.MinimumPayoutMinor).InclusiveBetween(0, ProfileRules.MaxAmountMinor).When(r => r.MinimumPayoutMinor is not null)
            .WithMessage($"must be 0–{ProfileRules.MaxAmountMinor}");
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class PayoutReadinessKeyValidator : AbstractValidator<PayoutReadinessKey>
{
    public PayoutReadinessKeyValidator() => RuleFor(r => r.ProfileGuid).RequiredGuid();
}
