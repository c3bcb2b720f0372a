using System.Text.RegularExpressions;
using FluentValidation;

namespace Retail.Influencer.Earnings;

/// <summary>Attribute an SCM order (read from SCM, never amounts from the caller) to <c>campaign_code</c>, or to the order's own code.</summary>
public sealed record AttributionRecordRequest(string? OrderGuid, string? CampaignCode);

/// <summary>
/// Earnings by exactly one of: <c>profile_guid</c> (optionally of one <c>status</c>), <c>attribution_guid</c>, <c>order_guid</c>.
/// </summary>
public sealed record EarningListRequest(string? ProfileGuid, EarningStatus? Status, string? AttributionGuid, string? OrderGuid, int? Limit,
    string? NextToken) : IPagedRequest;

public sealed record EarningHoldRequest(string? EarningGuid, long? ExpectedRevision, string? Reason);

public sealed record EarningReleaseRequest(string? EarningGuid, long? ExpectedRevision, string? Reason);

/// <summary>
/// Claw back a commission: <c>amount_minor</c>, or <c>full</c> (all that is left), with a <c>reason</c>, once per
/// <c>reference</c> (the key a repeat is recognised by).
/// </summary>
public sealed record EarningClawbackRequest(string? EarningGuid, long? AmountMinor, bool? Full, string? Reason, string? Reference);

/// <summary>What an attribution answers: the attribution, its commission, the balance, and whether it was recorded before.</summary>
public sealed record AttributionView(Attribution Attribution, Earning? Earning, InfluencerBalance? Balance, bool Replayed);

/// <summary>What an earnings change answers: the entry, the influencer's balance after it, and whether it was a repeat.</summary>
public sealed record EarningMovement(Earning Earning, InfluencerBalance? Balance, bool Replayed);

public static partial class EarningReferences
{
    public const string PatternText = "^[A-Za-z0-9][A-Za-z0-9_.:#/-]{0,127}$";

    public const long MaxAmountMinor = 1_000_000_000_000;

    public static bool IsValid(string? reference) => reference is not null && Pattern().IsMatch(reference.Trim());

    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

public sealed class AttributionRecordRequestValidator : AbstractValidator<AttributionRecordRequest>
{
    public AttributionRecordRequestValidator()
    {
        RuleFor(r => r.OrderGuid).RequiredGuid();
        RuleFor(r => r.CampaignCode).OptionalCode();
    }
}

public sealed class EarningListRequestValidator : AbstractValidator<EarningListRequest>
{
    public EarningListRequestValidator()
    {
        RuleFor(r => r.ProfileGuid).OptionalGuid();
        RuleFor(r => r.AttributionGuid).OptionalGuid();
        RuleFor(r => r.OrderGuid).OptionalGuid();
        RuleFor(r => r)
            .Must(r => new[] { r.ProfileGuid, r.AttributionGuid, r.OrderGuid }.Count(g => g is not null) == 1)
            .WithMessage("give exactly one of profile_guid, attribution_guid, order_guid").OverridePropertyName("profile_guid");
        RuleFor(r => r.Status).Null().When(r => r.ProfileGuid is null).WithMessage("filters a profile's earnings only (with profile_guid)");
        RuleFor(r => r.Limit).InclusiveBetween(1, 500).When(r => r.Limit is not null);
    }
}

public sealed class EarningHoldRequestValidator : AbstractValidator<EarningHoldRequest>
{
    public EarningHoldRequestValidator()
    {
        RuleFor(r => r.EarningGuid).RequiredGuid();
        RuleFor(r => r.Reason).RequiredText(500);
    }
}

public sealed class EarningReleaseRequestValidator : AbstractValidator<EarningReleaseRequest>
{
    public EarningReleaseRequestValidator()
    {
        RuleFor(r => r.EarningGuid).RequiredGuid();
        RuleFor(r => r.Reason).Text(500);
    }
}

public sealed class EarningClawbackRequestValidator : AbstractValidator<EarningClawbackRequest>
{
    public EarningClawbackRequestValidator()
    {
        RuleFor(r => r.EarningGuid).RequiredGuid();
        RuleFor(r => r.AmountMinor).NotNull().When(r => r.Full != true).WithMessage("give amount_minor or full: true");
        RuleFor(r => r.AmountMinor).Null().When(r => r.Full == true).WithMessage("give amount_minor or full: true, not both");
        RuleFor(r => r.AmountMinor).InclusiveBetween(1, EarningReferences.MaxAmountMinor).When(r => r.AmountMinor is not null);
        RuleFor(r => r.Reason).RequiredText(500);
        RuleFor(r => r.Reference).NotEmpty().WithMessage("is required").Must(EarningReferences.IsValid)
            .WithMessage($"must match {EarningReferences.PatternText}");
    }
}
