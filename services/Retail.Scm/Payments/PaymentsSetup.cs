namespace Retail.Scm.Payments;

/// <summary>tender (capture, void, settle) through the payment-provider port, returns and refunds, EDI documents: services and endpoints.</summary>
public static class PaymentsSetup
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
