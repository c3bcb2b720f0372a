namespace Retail.Scm.Policies;

/// <summary>channel policy, tax policy with quote and finalize, routing policy and plans: services and endpoints.</summary>
public static class PoliciesSetup
{
    public static IServiceCollection AddPolicies(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapPolicies(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
