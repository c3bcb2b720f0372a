using Retail.Influencer.Campaigns;
using Retail.Influencer.Earnings;
using Retail.Influencer.Payouts;
using Retail.Influencer.Profiles;
using Retail.Shared.Collaboration;
using Retail.Shared.Hosting;

namespace Retail.Influencer;

/// <summary>Influencer: affiliate profiles, campaigns and discount tiers, attribution of SCM orders, earnings with holds and clawbacks, payouts and statements.</summary>
public sealed class InfluencerModule : IServiceModule
{
    public const string Id = "influencer";

    public string AppId => Id;

    public string Title => "Influencer and affiliates";

    /// <summary>
    /// Comments and inbox on Influencer's records. Built once, here: a module's services are added once per host and tests
    /// build hosts in parallel, so nothing adds to it later. Add each new record type with <c>.Subject(…)</c>.
    /// </summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions { Endpoints = CollaborationEndpoints.CommentsAndInbox }
        .Subject(InfluencerProfile.Type)
        .Subject(Campaign.Type)
        .Subject(Payout.Type)
        .Subject(Statement.Type)
        .Subject(Attribution.Type)
        .Subject(Earning.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddProfiles(configuration);
        services.AddCampaigns(configuration);
        services.AddEarnings(configuration);
        services.AddPayouts(configuration);
        services.AddCommentsAndInbox(Id, Collaboration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapProfiles();
        routes.MapCampaigns();
        routes.MapEarnings();
        routes.MapPayouts();
        routes.MapCommentsAndInbox(Collaboration);
    }
}
