using Retail.Ipm.Bulk;
using Retail.Ipm.Catalog;
using Retail.Ipm.Cdc;
using Retail.Ipm.Kpis;
using Retail.Ipm.Webhooks;
using Retail.Shared.Collaboration;
using Retail.Shared.Hosting;

namespace Retail.Ipm;

/// <summary>
/// IPM, the integration plane: Standard Webhooks endpoints fed by every service's business events (retries, attempt
/// logs, replay; SSRF-safe), the org's CDC feed with cursors, bulk import and export through each service's bulk port,
/// the machine-readable contract (event catalog, lifecycles, specimens, paging) and KPIs with alerts.
/// </summary>
public sealed class IpmModule : IServiceModule
{
    public const string Id = "ipm";

    public string AppId => Id;

    public string Title => "Integration plane";

    /// <summary>
    /// IPM's inbox: items IPM itself puts there for a webhook it disabled or a KPI alert that fired, read and worked
    /// through <c>/inbox/get|list|status/set|state/set</c> (endpoints beyond <c>endpoints.tsv</c>, which lists no IPM inbox).
    /// </summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions
        {
            Endpoints = CollaborationEndpoints.InboxGet | CollaborationEndpoints.InboxList | CollaborationEndpoints.InboxStatus
                | CollaborationEndpoints.InboxState,
        }
        .Subject(Webhook.Type)
        .Subject(Retail.Ipm.Kpis.KpiAlert.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddContractCatalog(configuration);
        services.AddWebhooks(configuration);
        // Sealed webhook secrets ("webhook-secret|{org}|{guid}") go with the org at offboarding.
        services.AddSingleton(new Retail.Shared.OrgData.OrgKeyPrefix("webhook-secret"));
        services.AddCdcFeed(configuration);
        services.AddBulk(configuration);
        services.AddKpis(configuration);
        services.AddCommentsAndInbox(Id, Collaboration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapContractCatalog();
        routes.MapWebhooks();
        routes.MapCdcFeed();
        routes.MapBulk();
        routes.MapKpis();
        routes.MapCommentsAndInbox(Collaboration);
    }
}
