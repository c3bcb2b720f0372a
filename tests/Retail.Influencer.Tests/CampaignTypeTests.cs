using Retail.Influencer.Campaigns;
using Retail.Shared.Records;

namespace Retail.Influencer.Tests;

public sealed class CampaignTypeTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static Campaign Web(CampaignStatus status) => new()
    {
        CampaignGuid = "c1", Code = "ADA10", Name = "Ada", ProfileGuid = "p1", StartsAt = Start, EndsAt = Start.AddDays(30),
        Channels = ["web"], Currency = "EUR", Commission = new CommissionRule(1000, UseTiers: false, ReturnWindowDays: 30), Status = status,
    };

    [Fact]
    public void An_order_counts_only_while_the_campaign_is_active_inside_its_window_and_channels()
    {
        var active = Web(CampaignStatus.Active);
        Assert.True(active.Counts(Start, "web"));
        Assert.False(active.Counts(Start.AddSeconds(-1), "web"));
        Assert.False(active.Counts(Start.AddDays(30), "web"));
        Assert.False(active.Counts(Start, "pos"));
        Assert.True((active with { Channels = [] }).Counts(Start, "pos"));
        Assert.False(Web(CampaignStatus.Paused).Counts(Start, "web"));
        Assert.False(Web(CampaignStatus.Draft).Counts(Start, "web"));
    }

    [Fact]
    public void The_code_is_unique_in_the_org()
    {
        Assert.Equal([new UniqueValue("code", "ADA10")], Campaign.Type.UniquesOf(Web(CampaignStatus.Active)));
    }
}
