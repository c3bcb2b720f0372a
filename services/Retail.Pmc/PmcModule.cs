using Retail.Pmc.Products;
using Retail.Pmc.Runs;
using Retail.Pmc.Storefront;
using Retail.Shared.Hosting;
using Retail.Workflows;

namespace Retail.Pmc;

/// <summary>Product Merchandising Control: publish profiles and runs, immutable revisions per channel, pointers and packs, the storefront read side.</summary>
public sealed class PmcModule : IServiceModule
{
    public const string Id = "pmc";

    public string AppId => Id;

    public string Title => "Product Merchandising Control";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        services.AddRecords(Id, PublishProfile.Type);
        services.AddRecords(Id, PublishRun.Type);
        services.AddRecords(Id, RunItem.Type);
        services.AddRecords(Id, ProductRevision.Type);
        services.AddRecords(Id, ChannelProduct.Type);
        services.AddRecords(Id, Pack.Type);
        services.AddRecords(Id, ChannelStats.Type);
        services.AddProducts();
        services.AddRuns(configuration, options);
        services.AddStorefront(configuration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapProfiles();
        routes.MapRuns();
        routes.MapProducts();
        routes.MapPacks();
        routes.MapStorefront();
    }
}
