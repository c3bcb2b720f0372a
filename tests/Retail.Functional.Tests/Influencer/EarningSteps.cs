using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;
using Retail.Influencer.Campaigns;
using Retail.Influencer.Earnings;
using Retail.Influencer.Profiles;
using Retail.Shared.Embedded;
using Retail.Shared.Events;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Influencer;

/// <summary>An influencer profile and its campaign, as the attribution and earnings tests seed them.</summary>
public sealed record SeededCampaign(string ProfileGuid, string CampaignGuid, string Code);

/// <summary>
/// Steps of the attribution, earnings and clawback tests. <see cref="SeedCampaignAsync"/> writes an active profile and a
/// campaign straight through Influencer's record store: the one place to swap for the campaigns area's endpoints once merged.
/// </summary>
internal static class EarningSteps
{
    public static async Task<SeededCampaign> SeedCampaignAsync(this RetailHostFactory factory, string orgcode, string code, int rateBps = 1000,
        int returnWindowDays = 30, CampaignStatus status = CampaignStatus.Active, IReadOnlyList<string>? channels = null)
    {
        using var scope = factory.Services.CreateScope();
        var profile = new InfluencerProfile
        {
            ProfileGuid = Guid.CreateVersion7().ToString(),
            Handle = $"{code}.handle",
            DisplayName = $"Influencer {code}",
            Currency = "EUR",
            Status = ProfileStatus.Active,
        };
        var profiles = await scope.ServiceProvider.GetRequiredService<RecordStore<InfluencerProfile>>().CreateAsync(orgcode, profile);
        Assert.True(profiles.Succeeded, profiles.Outcome.ToString());
        var campaign = new Campaign
        {
            CampaignGuid = Guid.CreateVersion7().ToString(),
            Code = code,
            Name = $"Campaign {code}",
            ProfileGuid = profile.ProfileGuid,
            StartsAt = DateTimeOffset.UtcNow.AddDays(-1),
            Channels = channels ?? [],
            Currency = "EUR",
            Commission = new CommissionRule(rateBps, UseTiers: false, returnWindowDays),
            Status = status,
        };
        var campaigns = await scope.ServiceProvider.GetRequiredService<RecordStore<Campaign>>().CreateAsync(orgcode, campaign);
        Assert.True(campaigns.Succeeded, campaigns.Outcome.ToString());
        return new SeededCampaign(profile.ProfileGuid, campaign.CampaignGuid, code);
    }

    /// <summary>The influencer's balance record as Influencer keeps it (until the payouts area serves it).</summary>
    public static async Task<InfluencerBalance> BalanceAsync(this RetailHostFactory factory, string orgcode, string profileGuid)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<InfluencerBalance>>().GetAsync(orgcode, profileGuid))!.Record;
    }

    /// <summary>An order of (variant index, quantity) lines in <c>web</c>, carrying <paramref name="campaignCode"/>, created and placed.</summary>
    public static async Task<JsonElement> PlacedOrderAsync(this ScmOrg scm, string? campaignCode, params (int Variant, long Quantity)[] lines)
    {
        var created = await scm.Post(scm.Clerk, "/scm/order/create", new
        {
            channel_code = "web",
            lines = lines.Select(l => new { variant_guid = scm.Variants[l.Variant], quantity = l.Quantity }).ToArray(),
            customer = new { email = "ada@example.com", name = "Ada" },
            delivery = OrderSteps.Ship(),
            campaign_code = campaignCode,
        }).Ok(HttpStatusCode.Created);
        return await scm.Placed(created);
    }

    /// <summary>The placed order's stock committed (so no reservation lapses while time moves), captured, shipped and delivered.</summary>
    public static async Task<JsonElement> CommittedAsync(this ScmOrg scm, JsonElement placed) =>
        await scm.Post(scm.Clerk, "/scm/order/promise/commit", new { order_guid = placed.Guid(), expected_revision = placed.Revision() }).Ok();

    /// <summary>The placed order paid (the saga cancels an order not captured in time, so tests that move time capture it).</summary>
    public static async Task CapturedAsync(this ScmOrg scm, JsonElement placed) =>
        await scm.Post(scm.Clerk, "/scm/tender/capture", new { order_guid = placed.Guid(), payment_method_token = "pm_visa_4242" }).Ok(HttpStatusCode.Created);

    public static async Task DeliveredAsync(this ScmOrg scm, JsonElement placed)
    {
        await scm.CommittedAsync(placed);
        await scm.CapturedAsync(placed);
        var shipment = await scm.ShipAll(await scm.Shipment(placed.Guid()));
        await scm.Step(shipment, "deliver").Ok();
    }

    /// <summary>A return of <paramref name="quantity"/> of line <paramref name="lineNo"/>, requested and received; answers its guid.</summary>
    public static async Task<string> ReturnedAsync(this ScmOrg scm, string orderGuid, int lineNo, long quantity)
    {
        var requested = await scm.Post(scm.Clerk, "/scm/return/request",
            new { order_guid = orderGuid, lines = new[] { new { line_no = lineNo, quantity } }, reason = "Does not fit" }).Ok(HttpStatusCode.Created);
        var returnGuid = requested.Str("return_guid");
        await scm.Post(scm.Clerk, "/scm/return/receive", new
        {
            return_guid = returnGuid,
            expected_revision = requested.Revision(),
            lines = new[] { new { line_no = lineNo, condition = "resellable" } },
        }).Ok();
        return returnGuid;
    }

    public static async Task<IReadOnlyList<JsonElement>> EarningsAsync(this InfluencerOrg org, object filter, HttpClient? client = null)
    {
        var answer = client is null
            ? await org.Post(org.Viewer, "/influencer/earnings/list", filter).Ok()
            : await client.Post("/influencer/earnings/list", filter, org.Orgcode).Ok();
        return answer.GetProperty("items").EnumerateArray().ToList();
    }

    /// <summary>SCM's business event delivered again, as at-least-once delivery may: the same data SCM committed.</summary>
    public static async Task RedeliverAsync(this RetailHostFactory factory, string orgcode, string type, JsonElement data)
    {
        await factory.Services.GetRequiredKeyedService<IEventBus>("scm").PublishAsync(type, type, data, new EventOptions(Orgcode: orgcode));
        await DrainedAsync(factory);
    }

    /// <summary>Every event SCM committed has been delivered (or dead-lettered).</summary>
    public static Task DrainedAsync(RetailHostFactory factory)
    {
        var diagnostics = factory.Services.GetRequiredService<EventBusDiagnostics>();
        return Waits.UntilAsync(async () => await diagnostics.PendingCountAsync("scm") == 0, "SCM's outbox has delivered its events");
    }

    public static long Long(this JsonElement json, string name) => json.GetProperty(name).GetInt64();

    public static string Str(this JsonElement json, string name) => json.GetProperty(name).GetString()!;
}
