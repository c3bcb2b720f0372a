using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Influencer;
using Retail.Influencer.Earnings;

namespace Retail.Functional.Tests.Influencer;

/// <summary><c>/statement/create|get|list</c> over HTTP (UC-INF-003): totals that add up, carried balances, no overlaps, roles.</summary>
public sealed class StatementTests(InfluencerHost host) : IClassFixture<InfluencerHost>
{
    [Fact]
    public async Task UC_INF_003_statements_add_up_carry_the_balance_and_never_overlap()
    {
        var org = await host.NewOrgAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 0, (10_000, EarningStatus.Available), (3000, EarningStatus.Pending));
        await PayoutSeed.AddEarningAsync(host.Factory, org.Orgcode, seeded.ProfileGuid, -2000, EarningStatus.Available, clawsBack: seeded.Earnings[0]);
        var payout = await org.Post("/influencer/payout/submit", new { profile_guid = seeded.ProfileGuid }).Ok(HttpStatusCode.Created);
        Assert.Equal(8000, payout.GetProperty("amount_minor").GetInt64());
        var middle = await NextMillisecondAsync();

        var first = await Create(org, seeded.ProfileGuid, start, middle).Ok(HttpStatusCode.Created);
        var totals = first.GetProperty("totals");
        Assert.Equal((2, 130_000L), (totals.GetProperty("attributions").GetInt32(), totals.GetProperty("attributed_net_minor").GetInt64()));
        Assert.Equal((0L, 13_000L, 2000L, 8000L, 3000L), Totals(totals));
        Assert.Equal(Opening(totals) + Earned(totals) - Clawed(totals) - Paid(totals), Closing(totals));
        // Owed at the end of the period is what the balance holds unpaid.
        var balance = await PayoutSeed.BalanceAsync(host.Factory, org.Orgcode, seeded.ProfileGuid);
        Assert.Equal(balance.PendingMinor + balance.AvailableMinor + balance.HeldMinor, Closing(totals));
        Assert.Equal(3, first.GetProperty("earnings").GetArrayLength());
        var payoutLine = Assert.Single(first.GetProperty("payouts").EnumerateArray());
        Assert.Equal(payout.GetProperty("payout_guid").GetString(), payoutLine.GetProperty("payout_guid").GetString());
        Assert.False(first.GetProperty("lines_truncated").GetBoolean());

        // The next period opens where the first closed.
        await PayoutSeed.AddEarningAsync(host.Factory, org.Orgcode, seeded.ProfileGuid, 4000, EarningStatus.Pending);
        var end = await NextMillisecondAsync();
        var second = await Create(org, seeded.ProfileGuid, middle, end).Ok(HttpStatusCode.Created);
        Assert.Equal((3000L, 4000L, 0L, 0L, 7000L), Totals(second.GetProperty("totals")));
        Assert.Equal(first.GetProperty("statement_guid").GetString(), second.GetProperty("previous_statement_guid").GetString());

        // An earlier, empty period is allowed; any overlap is not.
        var earlier = await Create(org, seeded.ProfileGuid, start.AddHours(-2), start.AddHours(-1)).Ok(HttpStatusCode.Created);
        Assert.Equal((0L, 0L, 0L, 0L, 0L), Totals(earlier.GetProperty("totals")));
        var overlap = await Create(org, seeded.ProfileGuid, start.AddMinutes(30), end.AddMilliseconds(-1)).Problem(HttpStatusCode.Conflict, "statement_overlap");
        Assert.Equal(first.GetProperty("statement_guid").GetString(), overlap.GetProperty("statement_guid").GetString());
        await Create(org, seeded.ProfileGuid, start, middle).Problem(HttpStatusCode.Conflict, "statement_overlap");
        await Create(org, seeded.ProfileGuid, start.AddHours(-3), start.AddMinutes(10)).Problem(HttpStatusCode.Conflict, "statement_overlap");

        // Newest period first, paged.
        var page = await org.Post(org.Viewer, "/influencer/statement/list", new { profile_guid = seeded.ProfileGuid, limit = 2 }).Ok();
        Assert.Equal([second.GetProperty("statement_guid").GetString(), first.GetProperty("statement_guid").GetString()], Guids(page));
        var rest = await org.Post(org.Viewer, "/influencer/statement/list",
            new { profile_guid = seeded.ProfileGuid, limit = 2, next_token = page.GetProperty("next_token").GetString() }).Ok();
        Assert.Equal([earlier.GetProperty("statement_guid").GetString()], Guids(rest));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_token").ValueKind);

        var got = await org.Post(org.Viewer, "/influencer/statement/get", new { statement_guid = first.GetProperty("statement_guid").GetString() }).Ok();
        Assert.Equal(Totals(first.GetProperty("totals")), Totals(got.GetProperty("totals")));
        Assert.Equal(3, host.Factory.OutboxEvents("influencer", org.Orgcode, InfluencerEvents.StatementCreated).Count);
    }

    [Fact]
    public async Task A_statement_needs_a_past_period_a_known_profile_and_an_admin()
    {
        var org = await host.NewOrgAsync();
        var seeded = await PayoutSeed.ProfileAsync(host.Factory, org.Orgcode, minimum: 0, (1000, EarningStatus.Available));
        var now = DateTimeOffset.UtcNow;
        await Create(org, seeded.ProfileGuid, now.AddHours(-1), now.AddHours(1)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Create(org, seeded.ProfileGuid, now.AddHours(-1), now.AddHours(-2)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/statement/create", new { profile_guid = seeded.ProfileGuid }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/statement/create", new { profile_guid = seeded.ProfileGuid, period_start_at = "yesterday", period_end_at = now })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Create(org, Guid.CreateVersion7().ToString(), now.AddHours(-2), now.AddHours(-1)).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        await org.Post(org.Clerk, "/influencer/statement/create", new { profile_guid = seeded.ProfileGuid, period_start_at = now.AddHours(-2), period_end_at = now.AddHours(-1) })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/influencer/statement/create", new { profile_guid = seeded.ProfileGuid, period_start_at = now.AddHours(-2), period_end_at = now.AddHours(-1) })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var made = await Create(org, seeded.ProfileGuid, now.AddHours(-2), now.AddHours(-1), org.Approver).Ok(HttpStatusCode.Created);

        await org.Post(org.Viewer, "/influencer/statement/get", new { statement_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Viewer, "/influencer/statement/list", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/influencer/statement/list", new { profile_guid = seeded.ProfileGuid, limit = 0 }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        // Another org sees nothing of it.
        var other = await host.NewOrgAsync();
        await other.Post(other.Viewer, "/influencer/statement/get", new { statement_guid = made.GetProperty("statement_guid").GetString() })
            .Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await other.Post(other.Viewer, "/influencer/statement/list", new { profile_guid = seeded.ProfileGuid }).Ok()).GetProperty("items").GetArrayLength());
    }

    private static Task<HttpResponseMessage> Create(InfluencerOrg org, string profileGuid, DateTimeOffset start, DateTimeOffset end, TestUser? by = null) =>
        org.Post(by ?? org.Owner, "/influencer/statement/create", new { profile_guid = profileGuid, period_start_at = start, period_end_at = end });

    /// <summary>A period boundary after everything written so far (times are kept to the millisecond in the indexes).</summary>
    private static async Task<DateTimeOffset> NextMillisecondAsync()
    {
        await Task.Delay(5);
        var now = DateTimeOffset.UtcNow;
        await Task.Delay(5);
        return now;
    }

    private static (long Opening, long Earned, long Clawed, long Paid, long Closing) Totals(JsonElement t) => (Opening(t), Earned(t), Clawed(t), Paid(t), Closing(t));

    private static long Opening(JsonElement t) => t.GetProperty("opening_minor").GetInt64();

    private static long Earned(JsonElement t) => t.GetProperty("earned_minor").GetInt64();

    private static long Clawed(JsonElement t) => t.GetProperty("clawed_back_minor").GetInt64();

    private static long Paid(JsonElement t) => t.GetProperty("paid_minor").GetInt64();

    private static long Closing(JsonElement t) => t.GetProperty("closing_minor").GetInt64();

    private static List<string?> Guids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("statement_guid").GetString()).ToList();
}
