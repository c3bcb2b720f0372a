using Retail.Accounting.Exports;
using Retail.Accounting.Storage;
using Retail.Accounting.Usage;
using Retail.Shared.Collaboration;
using Retail.Shared.Hosting;

namespace Retail.Accounting;

/// <summary>
/// Accounting (operator-only: no org role reaches it): usage events from every authenticated request, lineage, daily
/// rollups, storage usage, the reconcile report, and CSV/NDJSON exports with repairable batches and durable schedules.
/// </summary>
public sealed class AccountingModule : IServiceModule
{
    public const string Id = "accounting";

    public string AppId => Id;

    public string Title => "Accounting and metering";

    /// <summary>
    /// Comments and inbox on Accounting's records, operator-only like the rest. Built once, here: a module's services are
    /// added once per host and tests build hosts in parallel, so nothing adds to it later. Add record types with <c>.Subject(…)</c>.
    /// </summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions
        {
            Endpoints = CollaborationEndpoints.CommentsAndInbox,
            MinimumRole = Role.Operator,
        }
        .Subject(UsageRollup.Type)
        .Subject(StorageUsage.Type)
        .Subject(Export.Type)
        .Subject(ExportBatch.Type)
        .Subject(ExportSchedule.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddUsage(configuration);
        services.AddStorageUsage(configuration);
        services.AddExports(configuration);
        services.AddCommentsAndInbox(Id, Collaboration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapUsage();
        routes.MapStorageUsage();
        routes.MapExports();
        routes.MapCommentsAndInbox(Collaboration);
    }
}
