using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;
using Retail.Influencer.Earnings;

namespace Retail.Functional.Tests.Influencer;

/// <summary>UC-INF-003: commissions stay pending through the return window, then the sweep makes them available; admins hold and release.</summary>
public sealed class EarningsTests
{
    [Fact]
    public async Task UC_INF_003_commissions_become_available_after_the_return_window_and_admins_hold_and_release_them()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = InfluencerScmHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        // The sweep never ticks on its own here: the test runs its passes, so nothing races the steps before them.
        factory.Settings["Influencer:Earnings:AvailabilitySweepInterval"] = "40.00:00:00";
        using var @operator = factory.CreateOperatorClient();
        var scm = await ScmHost.NewOrgAsync(factory, @operator, "infe", stock: 10);
        var viewer = factory.NewUser("viewer");
        await scm.Owner.Join(scm.Orgcode, viewer, "viewer");
        var inf = new InfluencerOrg(scm.Orgcode, scm.Owner, scm.Approver, scm.Clerk, viewer);
        await scm.TaxPolicy();
        var ada = await factory.SeedCampaignAsync(inf.Orgcode, "ada14", rateBps: 1000, returnWindowDays: 14);

        var first = await scm.PlacedOrderAsync("ada14", (0, 1));
        var second = await scm.PlacedOrderAsync("ada14", (1, 1));
        await scm.CommittedAsync(first);
        await scm.CommittedAsync(second);
        await scm.CapturedAsync(first);
        await scm.CapturedAsync(second);
        await Waits.UntilAsync(async () => (await inf.EarningsAsync(new { profile_guid = ada.ProfileGuid })).Count == 2, "both orders attributed");
        var a = Assert.Single(await inf.EarningsAsync(new { order_guid = first.Guid() }));
        var b = Assert.Single(await inf.EarningsAsync(new { order_guid = second.Guid() }));
        Assert.Equal((100L, 110L), (a.Long("amount_minor"), b.Long("amount_minor")));

        // An admin holds the first while pending; the revision is checked, the role too, and a held earning is not held again.
        await inf.Post(inf.Clerk, "/influencer/earnings/hold", new { earning_guid = a.Str("earning_guid"), expected_revision = a.Long("revision"), reason = "check" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await inf.Post("/influencer/earnings/hold", new { earning_guid = a.Str("earning_guid"), reason = "check" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var held = await inf.Post("/influencer/earnings/hold", new { earning_guid = a.Str("earning_guid"), expected_revision = a.Long("revision"), reason = "Suspicious traffic" }).Ok();
        Assert.Equal(("held", "pending"), (held.GetProperty("earning").Str("status"), held.GetProperty("earning").Str("held_from")));
        Assert.Equal((110L, 100L), (held.GetProperty("balance").Long("pending_minor"), held.GetProperty("balance").Long("held_minor")));
        // (The outbox keeps delivered events for a while only: read before time moves.)
        Assert.Equal("Suspicious traffic", Assert.Single(factory.OutboxEvents("influencer", inf.Orgcode, "earning.held")).Str("reason"));
        await inf.Post("/influencer/earnings/hold", new { earning_guid = a.Str("earning_guid"), expected_revision = a.Long("revision"), reason = "again" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await inf.Post("/influencer/earnings/hold", new { earning_guid = a.Str("earning_guid"), expected_revision = held.GetProperty("earning").Long("revision"), reason = "again" })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await inf.Post("/influencer/earnings/release", new { earning_guid = b.Str("earning_guid"), expected_revision = b.Long("revision") })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");

        // Before the window ends the sweep moves nothing.
        var sweeper = factory.Services.GetRequiredService<EarningsSweeper>();
        clock.Advance(TimeSpan.FromDays(13));
        Assert.Equal(0, await sweeper.SweepOnceAsync(CancellationToken.None));

        // Past it (sessions have lapsed: the operator acts from here), the pending one becomes available; the held one waits.
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await sweeper.SweepOnceAsync(CancellationToken.None));
        Assert.Equal(0, await sweeper.SweepOnceAsync(CancellationToken.None));
        var available = Assert.Single(await inf.EarningsAsync(new { profile_guid = ada.ProfileGuid, status = "available" }, @operator));
        Assert.Equal(b.Str("earning_guid"), available.Str("earning_guid"));
        var balance = await factory.BalanceAsync(inf.Orgcode, ada.ProfileGuid);
        Assert.Equal((0L, 110L, 100L), (balance.PendingMinor, balance.AvailableMinor, balance.HeldMinor));

        // Released after its window passed, the held one goes to available, not back to pending.
        var current = Assert.Single(await inf.EarningsAsync(new { order_guid = first.Guid() }, @operator));
        var released = await @operator.Post("/influencer/earnings/release",
            new { earning_guid = a.Str("earning_guid"), expected_revision = current.Long("revision"), reason = "Traffic verified" }, inf.Orgcode).Ok();
        Assert.Equal("available", released.GetProperty("earning").Str("status"));
        Assert.Equal((0L, 210L, 0L), (released.GetProperty("balance").Long("pending_minor"), released.GetProperty("balance").Long("available_minor"),
            released.GetProperty("balance").Long("held_minor")));
        Assert.Single(factory.OutboxEvents("influencer", inf.Orgcode, "earning.available"));
        Assert.Equal("available", Assert.Single(factory.OutboxEvents("influencer", inf.Orgcode, "earning.released")).Str("status"));

        // A clawback of an available commission is an available negative entry: the next payout nets it.
        var clawed = await @operator.Post("/influencer/earnings/clawback",
            new { earning_guid = b.Str("earning_guid"), amount_minor = 50, reason = "Chargeback", reference = "cb-1" }, inf.Orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal((-50L, "available", b.Str("earning_guid")), (clawed.GetProperty("earning").Long("amount_minor"), clawed.GetProperty("earning").Str("status"),
            clawed.GetProperty("earning").Str("claws_back")));
        Assert.Equal((0L, 160L), (clawed.GetProperty("balance").Long("pending_minor"), clawed.GetProperty("balance").Long("available_minor")));
        Assert.Equal(2, (await inf.EarningsAsync(new { profile_guid = ada.ProfileGuid, status = "available" }, @operator)).Count(e => e.Str("kind") == "commission"));
    }
}
