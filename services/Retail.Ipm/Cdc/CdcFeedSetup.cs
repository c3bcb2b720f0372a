using Microsoft.Extensions.Options;

namespace Retail.Ipm.Cdc;

/// <summary>/cdc/list: the org change feed, fed from the cdc topic into IPM's own log.</summary>
public static class CdcFeedSetup
{
    public static IServiceCollection AddCdcFeed(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(IpmModule.Id, CdcEntry.Type);
        services.AddRecords(IpmModule.Id, CdcLog.Type);
        services.AddRecords(IpmModule.Id, CdcHead.Type);
        services.AddOptions<CdcOptions>().Bind(configuration.GetSection(CdcOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CdcOptions>, CdcOptionsValidator>();
        services.AddSingleton<CdcCursors>();
        services.AddSingleton<CdcLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CdcLogWriter>());
        services.AddSingleton<CdcRetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<CdcRetentionSweeper>());
        return services;
    }

    public static IEndpointRouteBuilder MapCdcFeed(this IEndpointRouteBuilder routes)
    {
        routes.MapCdcFeedApi();
        routes.MapCdcSubscriber();
        return routes;
    }
}
