using Retail.Crm.Merge;

namespace Retail.Crm.Fraud;

/// <summary>The fraud area: its services and endpoints.</summary>
public static class FraudSetup
{
    public static IServiceCollection AddFraud(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(CrmModule.Id, FraudPolicy.Type);
        services.AddRecords(CrmModule.Id, FraudPolicyVersion.Type);
        services.AddRecords(CrmModule.Id, FraudAssessment.Type);
        services.AddRecords(CrmModule.Id, FraudHold.Type);
        services.AddRecords(CrmModule.Id, CustomerOrderHistory.Type);
        services.AddRecords(CrmModule.Id, FraudOrderSeen.Type);
        services.AddScoped<FraudAssessor>();
        services.AddScoped<CustomerOrderProjection>();
        services.AddScoped<ICustomerHolds, CustomerHolds>();
        services.AddScoped<ICustomerMergeParticipant, FraudMergeParticipant>();
        return services;
    }

    public static IEndpointRouteBuilder MapFraud(this IEndpointRouteBuilder routes)
    {
        routes.MapFraudEndpoints();
        routes.MapCustomerOrderSubscriber();
        return routes;
    }
}
