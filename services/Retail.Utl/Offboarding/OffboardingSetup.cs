using Retail.Shared.Hosting;
using Retail.Workflows;

namespace Retail.Utl.Offboarding;

public static class OffboardingSetup
{
    public static IServiceCollection AddUtlOffboarding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(UtlModule.Id, OffboardingRequest.Type);
        services.AddRecords(UtlModule.Id, LegalHold.Type);
        services.AddScoped<OffboardingSteps>();
        var options = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        services.AddRetailWorkflows(options, register =>
        {
            register.RegisterWorkflow<OffboardingWorkflow>();
            register.RegisterActivity<PrepareExportActivity>();
            register.RegisterActivity<VerifyExportActivity>();
            register.RegisterActivity<FreezeActivity>();
            register.RegisterActivity<ReadGateActivity>();
            register.RegisterActivity<HoldRecheckActivity>();
            register.RegisterActivity<BeginPurgeActivity>();
            register.RegisterActivity<PurgeServiceActivity>();
            register.RegisterActivity<VerifyPurgeActivity>();
            register.RegisterActivity<ClosePurgeActivity>();
            register.RegisterActivity<UnfreezeActivity>();
            register.RegisterActivity<FailOffboardingActivity>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapUtlOffboarding(this IEndpointRouteBuilder routes)
    {
        routes.MapOffboardingApi();
        return routes;
    }
}
