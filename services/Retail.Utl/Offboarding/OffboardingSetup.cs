namespace Retail.Utl.Offboarding;

public static class OffboardingSetup
{
    public static IServiceCollection AddUtlOffboarding(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapUtlOffboarding(this IEndpointRouteBuilder routes) => routes;
}
