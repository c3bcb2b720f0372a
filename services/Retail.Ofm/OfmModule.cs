using Retail.Ofm.Channels;
using Retail.Ofm.CostCentres;
using Retail.Ofm.Directory;
using Retail.Ofm.Facilities;
using Retail.Ofm.Members;
using Retail.Ofm.Orgs;
using Retail.Ofm.Teams;
using Retail.Shared.Hosting;

namespace Retail.Ofm;

/// <summary>Org and Facility Management: orgs and ownership, membership and roles, the facility spine, channels, resolvers.</summary>
public sealed class OfmModule : IServiceModule
{
    public const string Id = "ofm";

    public string AppId => Id;

    public string Title => "Org and Facility Management";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(Id, Org.Type);
        services.AddRecords(Id, Member.Type);
        services.AddRecords(Id, Invite.Type);
        services.AddRecords(Id, ServiceAccountAssignment.Type);
        services.AddMasterRecord<PhysicalFacility>(Id);
        services.AddMasterRecord<LegalFacility>(Id);
        services.AddMasterRecord<LogicalFacility>(Id);
        services.AddMasterRecord<Zone>(Id);
        services.AddMasterRecord<Team>(Id);
        services.AddRecords(Id, TeamMember.Type);
        services.AddMasterRecord<CostCentre>(Id);
        services.AddMasterRecord<SalesChannel>(Id);
        services.AddScoped<OrgAccessResolver>();
        services.AddScoped<ContextCodeChecker>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapOrgs();
        routes.MapMembers();
        routes.MapFacilities();
        routes.MapTeams();
        routes.MapCostCentres();
        routes.MapSalesChannels();
        routes.MapResolvers();
        routes.MapDirectory();
    }
}
