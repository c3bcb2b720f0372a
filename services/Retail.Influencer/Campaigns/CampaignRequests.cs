using FluentValidation;

namespace Retail.Influencer.Campaigns;

/// <param name="RateBps">0–10000 (1000 = 10 %).</param>
/// <param name="UseTiers">Pay the rate of the discount tier the influencer's attributed volume reached, when it is higher.</param>
/// <param name="ReturnWindowDays">0–365: how long an earning stays pending.</param>
public sealed record CommissionRequest(int? RateBps, bool? UseTiers, int? ReturnWindowDays);

/// <summary>
/// A new campaign (draft). <c>channels</c> left out or empty: every channel. The buyer's discount: <c>buyer_discount_bps</c>
/// (1–10000) off through a PPM promotion behind <c>discount_code</c> (default: the campaign's <c>code</c>, which is what an
/// SCM order carries as <c>campaign_code</c> and presents to pricing).
/// </summary>
public sealed record CreateCampaignRequest(string? Code, string? Name, string? ProfileGuid, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    IReadOnlyList<string>? Channels, string? Currency, CommissionRequest? Commission, string? DiscountCode, int? BuyerDiscountBps);

/// <summary>A campaign named by <c>campaign_guid</c> or by <c>code</c> (exactly one).</summary>
public sealed record CampaignKey(string? CampaignGuid, string? Code);

/// <param name="ProfileGuid">Only this influencer's campaigns.</param>
public sealed record CampaignListRequest(CampaignStatus? Status, string? ProfileGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed record SetCampaignStatusRequest(string? CampaignGuid, CampaignStatus? Status, string? Reason, long? ExpectedRevision);

public static class CampaignRules
{
    public const int MaxChannels = 50;
    public const int MaxBps = 10_000;
    public const int MaxReturnWindowDays = 365;

    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();

    public static List<string> Channels(IReadOnlyList<string>? channels) => channels?.Select(Codes.Normalize).ToList() ?? [];
}

public sealed class CreateCampaignRequestValidator : AbstractValidator<CreateCampaignRequest>
{
    public CreateCampaignRequestValidator()
    {
        RuleFor(r => r.Code).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.ProfileGuid).RequiredGuid();
        RuleFor(r => r.StartsAt).NotNull().WithMessage("is required");
        RuleFor(r => r.EndsAt).Must((r, end) => end is null || r.StartsAt is null || end > r.StartsAt).WithMessage("must be after starts_at");
        RuleFor(r => r.Channels).Must(c => c is null || c.Count <= CampaignRules.MaxChannels).WithMessage($"names at most {CampaignRules.MaxChannels} channels");
        RuleForEach(r => r.Channels).BusinessCode();
        RuleFor(r => r.Channels).Must(c => c is null || c.Select(Codes.Normalize).Distinct(StringComparer.Ordinal).Count() == c.Count)
            .WithMessage("names each channel once");
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
        RuleFor(r => r.Commission).NotNull().WithMessage("is required");
        RuleFor(r => r.Commission!.RateBps).NotNull().WithMessage("is required").InclusiveBetween(0, CampaignRules.MaxBps)
            .OverridePropertyName("commission.rate_bps").When(r => r.Commission is not null);
        RuleFor(r => r.Commission!.ReturnWindowDays).InclusiveBetween(0, CampaignRules.MaxReturnWindowDays)
            .OverridePropertyName("commission.return_window_days").When(r => r.Commission?.ReturnWindowDays is not null);
        RuleFor(r => r.BuyerDiscountBps).InclusiveBetween(0, CampaignRules.MaxBps).When(r => r.BuyerDiscountBps is not null);
        RuleFor(r => r.DiscountCode).OptionalCode();
        RuleFor(r => r.BuyerDiscountBps).NotNull().GreaterThan(0).When(r => r.DiscountCode is not null)
            .WithMessage("is required (1–10000) with a discount_code");
    }
}

public sealed class CampaignKeyValidator : AbstractValidator<CampaignKey>
{
    public CampaignKeyValidator()
    {
        RuleFor(r => r.CampaignGuid).OptionalGuid();
        RuleFor(r => r.Code).OptionalCode();
        RuleFor(r => r).Must(r => (r.CampaignGuid is null) != (r.Code is null)).OverridePropertyName("campaign_guid")
            .WithMessage("name the campaign by campaign_guid or code (one of them)");
    }
}

public sealed class CampaignListRequestValidator : AbstractValidator<CampaignListRequest>
{
    public CampaignListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ProfileGuid).OptionalGuid();
    }
}

public sealed class SetCampaignStatusRequestValidator : AbstractValidator<SetCampaignStatusRequest>
{
    public SetCampaignStatusRequestValidator()
    {
        RuleFor(r => r.CampaignGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

/// <param name="Active">Default true; an inactive tier is kept but never applies.</param>
public sealed record SetDiscountTierRequest(string? TierCode, string? Name, string? Currency, long? ThresholdMinor, int? CommissionRateBps,
    int? BuyerDiscountBps, bool? Active, long? ExpectedRevision);

public sealed record DiscountTierKey(string? TierCode);

public sealed record DiscountTierListRequest(bool? Active, int? Limit, string? NextToken) : IPagedRequest;

public sealed class SetDiscountTierRequestValidator : AbstractValidator<SetDiscountTierRequest>
{
    public SetDiscountTierRequestValidator()
    {
        RuleFor(r => r.TierCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
        RuleFor(r => r.ThresholdMinor).NotNull().WithMessage("is required").InclusiveBetween(0, 1_000_000_000_000_000)
            .WithMessage("must be 0–1000000000000000");
        RuleFor(r => r.CommissionRateBps).NotNull().WithMessage("is required").InclusiveBetween(0, CampaignRules.MaxBps);
        RuleFor(r => r.BuyerDiscountBps).InclusiveBetween(0, CampaignRules.MaxBps).When(r => r.BuyerDiscountBps is not null);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class DiscountTierKeyValidator : AbstractValidator<DiscountTierKey>
{
    public DiscountTierKeyValidator() => RuleFor(r => r.TierCode).BusinessCode();
}

public sealed class DiscountTierListRequestValidator : AbstractValidator<DiscountTierListRequest>
{
    public DiscountTierListRequestValidator() => this.AddPagingRules();
}
