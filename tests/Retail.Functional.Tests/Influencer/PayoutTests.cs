using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Influencer;
using Retail.Influencer.Earnings;
using Retail.Influencer.Payouts;
using Retail.Influencer.Profiles;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Influencer;

/// <summary>
/// <c>/payout/submit</c> over HTTP (UC-INF-003): readiness, claim-then-provider, once under retries and concurrent submits,
/// declines giving the earnings back, clawbacks netted. Profiles and earnings are seeded straight into the store.
/// </summary>
public sealed class PayoutTests(InfluencerHost host) : IClassFixture<InfluencerHost>
{
    [Fact]
    public async Task UC_INF_003_a_submit_pays_every_available_earning_once_and_moves_the_balance()
    {
        var org = await host.NewOrgAsync();
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 1000,
            (1000, EarningStatus.Available), (2500, EarningStatus.Available), (500, EarningStatus.Available), (700, EarningStatus.Pending),
            (300, EarningStatus.Held));

        using var first = await org.Owner.Client.PostJsonAsync("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid },
            OfmSteps.Org(org.Orgcode, ("Idempotency-Key", "payout-1")));
        var payout = await first.JsonAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("paid", payout.GetProperty("status").GetString());
        Assert.Equal(4000, payout.GetProperty("amount_minor").GetInt64());
        Assert.Equal("EUR", payout.GetProperty("currency").GetString());
        Assert.StartsWith("po_", payout.GetProperty("provider_ref").GetString());
        var payoutGuid = payout.GetProperty("payout_guid").GetString()!;
        Assert.Equal(seeded.Earnings.Take(3).Order(), payout.GetProperty("earning_guids").EnumerateArray().Select(e => e.GetString()!).Order());

        // The same Idempotency-Key replays the first answer; nothing is paid again.
        using var replay = await org.Owner.Client.PostJsonAsync("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid },
            OfmSteps.Org(org.Orgcode, ("Idempotency-Key", "payout-1")));
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(payoutGuid, (await replay.JsonAsync()).GetProperty("payout_guid").GetString());

        // A new submit finds nothing available.
        var nothing = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Problem(HttpStatusCode.Conflict, "nothing_to_pay");
        Assert.Equal(0, nothing.GetProperty("available_minor").GetInt64());

        Assert.Equal(4000, Assert.Single(PayoutSeed.Transfers(host.Factory, org.Orgcode)).Value);
        var earnings = await PayoutSeed.EarningsAsync(host.Factory, org.Orgcode, seeded.Earnings);
        Assert.All(earnings.Take(3), e => Assert.Equal((EarningStatus.Paid, payoutGuid), (e.Status, e.PayoutGuid)));
        Assert.Equal((EarningStatus.Pending, EarningStatus.Held), (earnings[3].Status, earnings[4].Status));
        var balance = await PayoutSeed.BalanceAsync(host.Factory, org.Orgcode, seeded.ProfileGuid);
        Assert.Equal((700, 0, 300, 4000), (balance.PendingMinor, balance.AvailableMinor, balance.HeldMinor, balance.PaidMinor));
        Assert.Single(host.Factory.OutboxEvents("influencer", org.Orgcode, InfluencerEvents.PayoutSubmitted));
        var paid = Assert.Single(host.Factory.OutboxEvents("influencer", org.Orgcode, InfluencerEvents.PayoutPaid));
        Assert.Equal(payoutGuid, paid.GetProperty("payout_guid").GetString());
        Assert.Equal(4000, paid.GetProperty("amount_minor").GetInt64());
    }

    [Fact]
    public async Task Two_concurrent_submits_make_one_payout_and_pay_each_earning_once()
    {
        var org = await host.NewOrgAsync();
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 0,
            (1000, EarningStatus.Available), (2000, EarningStatus.Available), (3000, EarningStatus.Available), (4000, EarningStatus.Available));

        var answers = await Task.WhenAll(
            org.Post(org.Owner, "/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }),
            org.Post(org.Approver, "/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }));
        var outcomes = new List<(HttpStatusCode Status, JsonElement Body)>();
        foreach (var answer in answers)
        {
            using (answer)
            {
                outcomes.Add((answer.StatusCode, await answer.JsonAsync()));
            }
        }
        Assert.Single(outcomes, o => o.Status == HttpStatusCode.Created);
        // The loser answers the winner's payout (200) or finds nothing left to pay (409 nothing_to_pay).
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.Created), o => Assert.True(
            o.Status == HttpStatusCode.OK || (o.Status == HttpStatusCode.Conflict && o.Body.GetProperty("code").GetString() == "nothing_to_pay"), o.Body.ToString()));
        var payoutGuids = outcomes.Where(o => o.Status is HttpStatusCode.Created or HttpStatusCode.OK)
            .Select(o => o.Body.GetProperty("payout_guid").GetString()).Distinct().ToList();
        var payoutGuid = Assert.Single(payoutGuids);

        Assert.Equal(10_000, Assert.Single(PayoutSeed.Transfers(host.Factory, org.Orgcode)).Value);
        Assert.All(await PayoutSeed.EarningsAsync(host.Factory, org.Orgcode, seeded.Earnings),
            e => Assert.Equal((EarningStatus.Paid, payoutGuid), (e.Status, e.PayoutGuid)));
        var balance = await PayoutSeed.BalanceAsync(host.Factory, org.Orgcode, seeded.ProfileGuid);
        Assert.Equal((0, 10_000), (balance.AvailableMinor, balance.PaidMinor));
        Assert.Single(host.Factory.OutboxEvents("influencer", org.Orgcode, InfluencerEvents.PayoutSubmitted));
    }

    [Fact]
    public async Task A_declined_method_fails_the_payout_and_makes_its_earnings_available_again()
    {
        var org = await host.NewOrgAsync();
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 0, method: TestPayoutProvider.DeclineMethod + "_card",
            (1200, EarningStatus.Available), (800, EarningStatus.Available));

        var declined = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid })
            .Problem(HttpStatusCode.UnprocessableEntity, "payout_declined");
        Assert.Equal("payout_method_declined", declined.GetProperty("reason").GetString());
        var failedGuid = declined.GetProperty("payout_guid").GetString()!;
        Assert.Empty(PayoutSeed.Transfers(host.Factory, org.Orgcode));
        Assert.All(await PayoutSeed.EarningsAsync(host.Factory, org.Orgcode, seeded.Earnings),
            e => Assert.Equal((EarningStatus.Available, (string?)null), (e.Status, e.PayoutGuid)));
        var balance = await PayoutSeed.BalanceAsync(host.Factory, org.Orgcode, seeded.ProfileGuid);
        Assert.Equal((2000, 0), (balance.AvailableMinor, balance.PaidMinor));
        var failed = Assert.Single(host.Factory.OutboxEvents("influencer", org.Orgcode, InfluencerEvents.PayoutFailed));
        Assert.Equal((failedGuid, "failed"), (failed.GetProperty("payout_guid").GetString(), failed.GetProperty("status").GetString()));

        // With a method that works, the same earnings are paid by a new payout.
        await PayoutSeed.SetMethodAsync(host.Factory, org.Orgcode, seeded.ProfileGuid, "pm_bank_ok");
        var paid = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Ok(HttpStatusCode.Created);
        Assert.NotEqual(failedGuid, paid.GetProperty("payout_guid").GetString());
        Assert.Equal(2000, paid.GetProperty("amount_minor").GetInt64());
    }

    [Fact]
    public async Task An_unanswered_payout_stays_submitted_and_a_retried_submit_pays_it_once()
    {
        var org = await host.NewOrgAsync();
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 0, method: TestPayoutProvider.UnavailableMethod + "_1",
            (1500, EarningStatus.Available));

        var unavailable = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid })
            .Problem(HttpStatusCode.ServiceUnavailable, "payout_provider_unavailable");
        var payoutGuid = unavailable.GetProperty("payout_guid").GetString()!;
        // Claimed: the earning is taken by the submitted payout, so nothing else can pay it meanwhile.
        Assert.Equal((EarningStatus.Paid, payoutGuid), (await PayoutSeed.EarningsAsync(host.Factory, org.Orgcode, seeded.Earnings)).Select(e => (e.Status, e.PayoutGuid)).Single());
        Assert.Empty(PayoutSeed.Transfers(host.Factory, org.Orgcode));

        var retried = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Ok();
        Assert.Equal((payoutGuid, "paid"), (retried.GetProperty("payout_guid").GetString(), retried.GetProperty("status").GetString()));
        Assert.Equal(1500, Assert.Single(PayoutSeed.Transfers(host.Factory, org.Orgcode)).Value);
        await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Problem(HttpStatusCode.Conflict, "nothing_to_pay");
    }

    [Fact]
    public async Task The_sweep_drives_a_payout_the_provider_did_not_answer()
    {
        await using var factory = InfluencerHost.Start(s => s.Configure<PayoutOptions>(o => o.SweepGrace = TimeSpan.Zero));
        using var @operator = factory.CreateOperatorClient();
        var org = await InfluencerHost.NewOrgAsync(factory, @operator);
        var seeded = await PayoutSeed.ProfileAsync(factory, org.Orgcode, minimum: 0, method: TestPayoutProvider.UnavailableMethod + "_2",
            (900, EarningStatus.Available));
        var unavailable = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid })
            .Problem(HttpStatusCode.ServiceUnavailable, "payout_provider_unavailable");

        Assert.True(await factory.Services.GetRequiredService<PayoutSweeper>().SweepOnceAsync(CancellationToken.None) >= 1);
        Assert.Equal(900, Assert.Single(PayoutSeed.Transfers(factory, org.Orgcode)).Value);
        var paid = Assert.Single(factory.OutboxEvents("influencer", org.Orgcode, InfluencerEvents.PayoutPaid));
        Assert.Equal(unavailable.GetProperty("payout_guid").GetString(), paid.GetProperty("payout_guid").GetString());
        await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Problem(HttpStatusCode.Conflict, "nothing_to_pay");
    }

    [Fact]
    public async Task A_profile_not_ready_is_refused_with_every_reason()
    {
        var org = await host.NewOrgAsync();
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 10_000, method: null,
            (500, EarningStatus.Available));
        await PayoutSeed.ChangeProfileAsync(host.Factory, org.Orgcode, seeded.ProfileGuid,
            p => p with { Status = ProfileStatus.Pending, PayoutReady = false, TaxFormStatus = TaxFormStatus.Submitted });

        var refused = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid })
            .Problem(HttpStatusCode.UnprocessableEntity, "payout_not_ready");
        Assert.Equal(["profile_not_active", "no_payout_method", "tax_form_not_verified", "disabled", "below_minimum"],
            refused.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList());
        Assert.Equal((500, 10_000), (refused.GetProperty("available_minor").GetInt64(), refused.GetProperty("minimum_payout_minor").GetInt64()));

        // Ready but under the minimum: only that reason.
        await PayoutSeed.ChangeProfileAsync(host.Factory, org.Orgcode, seeded.ProfileGuid,
            p => p with { Status = ProfileStatus.Active, PayoutReady = true, TaxFormStatus = TaxFormStatus.Verified, PayoutMethodRef = "pm_ok" });
        var below = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid })
            .Problem(HttpStatusCode.UnprocessableEntity, "payout_not_ready");
        Assert.Equal(["below_minimum"], below.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList());
        Assert.Empty(PayoutSeed.Transfers(host.Factory, org.Orgcode));

        await org.Post("/influencer/payout/submit", new { profile_guid = Guid.CreateVersion7().ToString() })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/influencer/payout/submit", new { profile_guid = "nope" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/payout/submit", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid, amount_minor = 5 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_clawback_of_a_paid_commission_is_netted_from_the_next_payout()
    {
        var org = await host.NewOrgAsync();
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 0, (5000, EarningStatus.Available));
        var first = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Ok(HttpStatusCode.Created);
        Assert.Equal(5000, first.GetProperty("amount_minor").GetInt64());

        // A return claws back 1500 of the paid commission: a debt the next payout nets.
        var clawback = await PayoutSeed.AddEarningAsync(host.Factory, org.Orgcode, seeded.ProfileGuid, -1500, EarningStatus.Available,
            clawsBack: seeded.Earnings[0]);
        var debt = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Problem(HttpStatusCode.Conflict, "nothing_to_pay");
        Assert.Equal(-1500, debt.GetProperty("available_minor").GetInt64());

        var commission = await PayoutSeed.AddEarningAsync(host.Factory, org.Orgcode, seeded.ProfileGuid, 4000, EarningStatus.Available);
        var second = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Ok(HttpStatusCode.Created);
        Assert.Equal(2500, second.GetProperty("amount_minor").GetInt64());
        Assert.Equal(new[] { clawback, commission }.Order(), second.GetProperty("earning_guids").EnumerateArray().Select(e => e.GetString()!).Order());
        var balance = await PayoutSeed.BalanceAsync(host.Factory, org.Orgcode, seeded.ProfileGuid);
        Assert.Equal((0, 7500), (balance.AvailableMinor, balance.PaidMinor));
        Assert.Equal(7500, PayoutSeed.Transfers(host.Factory, org.Orgcode).Sum(t => t.Value));
    }

    [Fact]
    public async Task Submitting_a_payout_is_an_admins_decision()
    {
        var org = await host.NewOrgAsync();
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 0, (1000, EarningStatus.Available));
        await org.Post(org.Clerk, "/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(PayoutSeed.Transfers(host.Factory, org.Orgcode));
        await org.Post(org.Approver, "/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Ok(HttpStatusCode.Created);

        // Another org cannot pay this org's profile: it does not exist there.
        var other = await host.NewOrgAsync();
        await other.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }
}

/// <summary>
/// Seeds profiles, earnings and balances straight into Influencer's store, as the profile, attribution and earnings areas
/// will write them (swapped for the real flow once those endpoints are merged).
/// </summary>
internal static class PayoutSeed
{
    public sealed record Seeded(string ProfileGuid, IReadOnlyList<string> Earnings);

    public static async Task<Seeded> ProfileAsync(RetailHostFactory factory, string orgcode, long minimum, params (long Amount, EarningStatus Status)[] earnings) =>
        await ProfileAsync(factory, orgcode, minimum, "pm_bank_ok", earnings);

    public static async Task<Seeded> ProfileAsync(RetailHostFactory factory, string orgcode, long minimum, string? method,
        params (long Amount, EarningStatus Status)[] earnings)
    {
        using var scope = factory.Services.CreateScope();
        var profiles = scope.ServiceProvider.GetRequiredService<RecordStore<InfluencerProfile>>();
        var entries = scope.ServiceProvider.GetRequiredService<RecordStore<Earning>>();
        var balances = scope.ServiceProvider.GetRequiredService<RecordStore<InfluencerBalance>>();
        var profileGuid = Guid.CreateVersion7().ToString();
        var batch = new RecordBatch();
        profiles.Create(batch, orgcode, new InfluencerProfile
        {
            ProfileGuid = profileGuid, Handle = "ada" + profileGuid[^8..], DisplayName = "Ada", Currency = "EUR", Status = ProfileStatus.Active,
            PayoutReady = true, PayoutMethodRef = method, TaxFormStatus = TaxFormStatus.Verified, MinimumPayoutMinor = minimum,
        });
        var guids = new List<string>();
        foreach (var (amount, status) in earnings)
        {
            var earning = NewEarning(profileGuid, amount, status, null);
            entries.Create(batch, orgcode, earning);
            guids.Add(earning.EarningGuid);
        }
        balances.Create(batch, orgcode, new InfluencerBalance
        {
            ProfileGuid = profileGuid, Currency = "EUR",
            PendingMinor = earnings.Where(e => e.Status == EarningStatus.Pending).Sum(e => e.Amount),
            AvailableMinor = earnings.Where(e => e.Status == EarningStatus.Available).Sum(e => e.Amount),
            HeldMinor = earnings.Where(e => e.Status == EarningStatus.Held).Sum(e => e.Amount),
        });
        Assert.True((await batch.CommitAsync()).Succeeded);
        return new Seeded(profileGuid, guids);
    }

    /// <summary>One more earning (a commission, or a clawback when negative) and its balance change, in one batch.</summary>
    public static async Task<string> AddEarningAsync(RetailHostFactory factory, string orgcode, string profileGuid, long amount, EarningStatus status,
        string? clawsBack = null)
    {
        using var scope = factory.Services.CreateScope();
        var entries = scope.ServiceProvider.GetRequiredService<RecordStore<Earning>>();
        var balances = scope.ServiceProvider.GetRequiredService<RecordStore<InfluencerBalance>>();
        var balance = (await balances.GetAsync(orgcode, profileGuid))!;
        var earning = NewEarning(profileGuid, amount, status, clawsBack);
        var batch = new RecordBatch();
        entries.Create(batch, orgcode, earning);
        balances.Update(batch, orgcode, balance, status == EarningStatus.Pending
            ? balance.Record with { PendingMinor = balance.Record.PendingMinor + amount }
            : balance.Record with { AvailableMinor = balance.Record.AvailableMinor + amount });
        Assert.True((await batch.CommitAsync()).Succeeded);
        return earning.EarningGuid;
    }

    public static Task SetMethodAsync(RetailHostFactory factory, string orgcode, string profileGuid, string method) =>
        ChangeProfileAsync(factory, orgcode, profileGuid, p => p with { PayoutMethodRef = method });

    public static async Task ChangeProfileAsync(RetailHostFactory factory, string orgcode, string profileGuid, Func<InfluencerProfile, InfluencerProfile> change)
    {
        using var scope = factory.Services.CreateScope();
        var profiles = scope.ServiceProvider.GetRequiredService<RecordStore<InfluencerProfile>>();
        var loaded = (await profiles.GetAsync(orgcode, profileGuid))!;
        Assert.True((await profiles.UpdateAsync(orgcode, loaded, change(loaded.Record))).Succeeded);
    }

    public static async Task<IReadOnlyList<Earning>> EarningsAsync(RetailHostFactory factory, string orgcode, IReadOnlyList<string> guids)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RecordStore<Earning>>().GetManyAsync(orgcode, guids);
    }

    public static async Task<InfluencerBalance> BalanceAsync(RetailHostFactory factory, string orgcode, string profileGuid)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<InfluencerBalance>>().GetAsync(orgcode, profileGuid))!.Record;
    }

    /// <summary>What the test provider really paid for this org: payout guid → amount.</summary>
    public static IReadOnlyList<KeyValuePair<string, long>> Transfers(RetailHostFactory factory, string orgcode) =>
        factory.Services.GetRequiredService<TestPayoutProvider>().Transfers.Where(t => t.Key.StartsWith(orgcode + "|", StringComparison.Ordinal)).ToList();

    private static Earning NewEarning(string profileGuid, long amount, EarningStatus status, string? clawsBack)
    {
        var guid = Guid.CreateVersion7().ToString();
        var order = Guid.CreateVersion7().ToString();
        var commission = amount >= 0;
        return new Earning
        {
            EarningGuid = guid,
            Reference = commission ? $"commission:{order}" : $"clawback:{order}:{clawsBack}",
            ProfileGuid = profileGuid,
            CampaignGuid = "campaign-ada",
            CampaignCode = "ada10",
            AttributionGuid = Guid.CreateVersion7().ToString(),
            OrderGuid = order,
            OrderNumber = "SO-" + order[^6..],
            Kind = commission ? EarningKind.Commission : EarningKind.Clawback,
            AmountMinor = amount,
            Currency = "EUR",
            // A 10% commission on the net; a clawback's base is the returned net.
            BaseMinor = Math.Abs(amount) * 10,
            RateBps = 1000,
            Status = status,
            ClawsBack = clawsBack,
        };
    }
}
