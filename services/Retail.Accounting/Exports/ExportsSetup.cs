namespace Retail.Accounting.Exports;

/// <summary>The exports area: exports to MRS, a day's batches with repair, schedules as durable timers.</summary>
public static class ExportsSetup
{
    public static IServiceCollection AddExports(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
