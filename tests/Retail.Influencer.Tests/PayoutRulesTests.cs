using Retail.Influencer.Earnings;
using Retail.Influencer.Payouts;
using Retail.Influencer.Profiles;

namespace Retail.Influencer.Tests;

public sealed class PayoutRulesTests
{
    private static readonly InfluencerProfile Ready = new()
    {
        ProfileGuid = "p1", Handle = "ada", DisplayName = "Ada", Currency = "EUR", Status = ProfileStatus.Active, PayoutReady = true,
        PayoutMethodRef = "pm_ok", TaxFormStatus = TaxFormStatus.Verified,
    };

    [Fact]
    public void A_ready_profile_has_no_reasons_and_each_missing_check_is_named()
    {
        Assert.Empty(PayoutSubmissions.Unready(Ready));
        Assert.Equal(["profile_not_active"], PayoutSubmissions.Unready(Ready with { Status = ProfileStatus.Suspended }));
        Assert.Equal(["disabled"], PayoutSubmissions.Unready(Ready with { PayoutReady = false }));
        Assert.Equal(["no_payout_method"], PayoutSubmissions.Unready(Ready with { PayoutMethodRef = " " }));
        Assert.Equal(["tax_form_not_verified"], PayoutSubmissions.Unready(Ready with { TaxFormStatus = TaxFormStatus.Rejected }));
    }

    [Fact]
    public void Statement_totals_add_up_opening_plus_earned_minus_clawed_back_minus_paid()
    {
        var movements = Movements.None
            .Add(Earning(EarningKind.Commission, 1000, 10_000))
            .Add(Earning(EarningKind.Commission, 333, 3330))
            .Add(Earning(EarningKind.Clawback, -250, 2500))
            .Add(new Payout
            {
                PayoutGuid = "po1", ProfileGuid = "p1", EarningGuids = ["e1"], AmountMinor = 1000, Currency = "EUR", MethodRef = "pm_ok",
                SubmittedBy = "u", SubmittedAt = DateTimeOffset.UnixEpoch,
            });
        var totals = StatementTotals.From(500, movements);
        Assert.Equal(new StatementTotals(2, 13_330, 500, 1333, 250, 1000, 583), totals);
        Assert.Equal(totals.ClosingMinor - totals.OpeningMinor, movements.Net);
    }

    [Fact]
    public async Task The_test_provider_pays_each_key_once_declines_pm_decline_and_answers_pm_unavailable_on_the_first_call_only()
    {
        var provider = new TestPayoutProvider();
        var paid = await provider.PayAsync(new PayoutCommand("org", "k1", "pm_ok", 100, "EUR"), CancellationToken.None);
        Assert.Equal(PayoutOutcomeKind.Paid, paid.Kind);
        Assert.Equal(paid, await provider.PayAsync(new PayoutCommand("org", "k1", "pm_ok", 100, "EUR"), CancellationToken.None));
        Assert.Equal(PayoutOutcomeKind.Declined, (await provider.PayAsync(new PayoutCommand("org", "k2", "pm_decline_x", 100, "EUR"), CancellationToken.None)).Kind);
        Assert.Equal(PayoutOutcomeKind.Unavailable, (await provider.PayAsync(new PayoutCommand("org", "k3", "pm_unavailable", 100, "EUR"), CancellationToken.None)).Kind);
        Assert.Equal(PayoutOutcomeKind.Paid, (await provider.PayAsync(new PayoutCommand("org", "k3", "pm_unavailable", 100, "EUR"), CancellationToken.None)).Kind);
        Assert.Equal(["org|k1", "org|k3"], provider.Transfers.Keys.Order());
    }

    private static Earning Earning(EarningKind kind, long amount, long baseMinor) => new()
    {
        EarningGuid = Guid.NewGuid().ToString(), Reference = "r", ProfileGuid = "p1", CampaignGuid = "c1", CampaignCode = "ada10", AttributionGuid = "a1",
        OrderGuid = "o1", Kind = kind, AmountMinor = amount, Currency = "EUR", BaseMinor = baseMinor,
    };
}
