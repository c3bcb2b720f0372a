using Retail.Shared.Invocation;

namespace Retail.Influencer.Campaigns;

/// <summary>PPM's promotion as Influencer reads it.</summary>
public sealed record PpmPromotion(string PromotionGuid, string PromotionCode, string Status, long Revision, string? Code);

/// <summary>The buyer's discount code was taken by another active PPM promotion: the campaign cannot offer it.</summary>
public sealed class DiscountCodeTakenException(string code) : Exception($"discount code {code} is held by another active promotion")
{
    public string Code { get; } = code;
}

/// <summary>
/// The buyer's discount of a campaign as a PPM promotion (<c>percent_off</c> on everything, in the campaign's channels and
/// window, applying only when the buyer presents the discount code), through service invocation. The promotion's own code
/// is derived from the campaign (<c>inf-{campaign_guid}</c>) and unique in PPM, so a retried activation finds the promotion
/// it made before instead of making a second. That code is the create's idempotency: no Idempotency-Key, whose stored
/// refusal (the buyer's code taken) would otherwise be replayed after the code was freed. Throws as <see cref="InvocationCalls"/> does: <see cref="ServiceRefusedException"/> for
/// PPM's refusals, <see cref="DependencyUnavailableException"/> when PPM cannot answer.
/// </summary>
public sealed class BuyerDiscounts(IServiceInvoker invoker)
{
    public const string Ppm = "ppm";

    public static string PromotionCodeOf(Campaign campaign) => $"inf-{campaign.CampaignGuid}";

    /// <summary>The guid of the campaign's promotion: the one made before, or a new one.</summary>
    public async Task<string> EnsureAsync(string orgcode, Campaign campaign, CancellationToken ct)
    {
        var promotionCode = PromotionCodeOf(campaign);
        if (await FindAsync(orgcode, promotionCode, ct) is { } existing)
        {
            return existing.PromotionGuid;
        }
        try
        {
            var created = await invoker.SendAsync<PpmPromotion>(Ppm, "/promotion/create", new
            {
                promotion_code = promotionCode,
                name = $"Influencer campaign {campaign.Code}",
                kind = "percent_off",
                percent = campaign.BuyerDiscountBps / 100m,
                targets = new[] { new { kind = "all" } },
                channels = campaign.Channels,
                starts_at = campaign.StartsAt,
                ends_at = campaign.EndsAt,
                code = campaign.DiscountCode,
            }, new InvocationOptions(orgcode), ct);
            return created.PromotionGuid;
        }
        catch (ServiceRefusedException refused) when (refused.Code == "duplicate")
        {
            // Made concurrently by a retry of this activation (found now), or the buyer's code is another promotion's.
            return (await FindAsync(orgcode, promotionCode, ct))?.PromotionGuid ?? throw new DiscountCodeTakenException(campaign.DiscountCode!);
        }
    }

    /// <summary>Ends the campaign's promotion now; one already ended (or gone) is left as it is.</summary>
    public async Task EndAsync(string orgcode, Campaign campaign, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var promotion = await invoker.GetOrNullAsync<PpmPromotion>(Ppm, "/promotion/get", new { promotion_guid = campaign.PromotionGuid },
                new InvocationOptions(orgcode), ct);
            if (promotion is null || promotion.Status == "ended")
            {
                return;
            }
            try
            {
                await invoker.SendAsync<PpmPromotion>(Ppm, "/promotion/end",
                    new { promotion_guid = promotion.PromotionGuid, expected_revision = promotion.Revision, reason = $"campaign {campaign.Code} ended" },
                    new InvocationOptions(orgcode, $"influencer:campaign:{campaign.CampaignGuid}:promotion-end:{promotion.Revision}"), ct);
                return;
            }
            catch (ServiceRefusedException refused) when (refused.Code is "promotion_ended" || (refused.Code is "revision_mismatch" && attempt < 3))
            {
                // Ended meanwhile (the next read says so), or changed meanwhile: read again.
            }
        }
    }

    private Task<PpmPromotion?> FindAsync(string orgcode, string promotionCode, CancellationToken ct) =>
        invoker.GetOrNullAsync<PpmPromotion>(Ppm, "/promotion/get", new { promotion_code = promotionCode }, new InvocationOptions(orgcode), ct);
}
