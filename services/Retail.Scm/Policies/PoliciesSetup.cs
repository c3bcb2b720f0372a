namespace Retail.Scm.Policies;

/// <summary>channel policy, tax policy with quote and finalize, routing policy and plans: services and endpoints.</summary>
public static class PoliciesSetup
{
    public static IServiceCollection AddPolicies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(ScmModule.Id, TaxPolicy.Type);
        services.AddRecords(ScmModule.Id, TaxJurisdiction.Type);
        services.AddRecords(ScmModule.Id, TaxCategoryAssignment.Type);
        services.AddRecords(ScmModule.Id, ExemptionCertificateCopy.Type);
        services.AddRecords(ScmModule.Id, RoutingPolicy.Type);
        services.AddRecords(ScmModule.Id, RoutingPlan.Type);
        services.AddScoped<TaxQuoter>();
        services.AddScoped<ITaxQuoter>(sp => sp.GetRequiredService<TaxQuoter>());
        services.AddScoped<RoutingAvailability>();
        services.AddScoped<OrderRouter>();
        services.AddScoped<IOrderRouter>(sp => sp.GetRequiredService<OrderRouter>());
        return services;
    }

    public static IEndpointRouteBuilder MapPolicies(this IEndpointRouteBuilder routes)
    {
        routes.MapChannelPolicy();
        routes.MapTax();
        routes.MapExemptionSubscriber();
        routes.MapRouting();
        return routes;
    }
}
