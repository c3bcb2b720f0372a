using Retail.Scm.Orders.Saga;
using Retail.Shared.Hosting;
using Retail.Workflows;

namespace Retail.Scm.Orders;

/// <summary>
/// orders (create, place, cancel, search), promises (quote, reserve, allocate, commit, release) and the OrderToReturn
/// saga: services and endpoints.
/// </summary>
public static class OrdersSetup
{
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<OrderHolds>();
        services.AddScoped<OrderLifecycle>();
        services.AddScoped<OrderPromises>();
        services.Configure<OrderSagaOptions>(configuration.GetSection(OrderSagaOptions.Section));
        var options = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        services.AddRetailWorkflows(options, register =>
        {
            register.RegisterWorkflow<OrderToReturnWorkflow>();
            register.RegisterActivity<ReadOrderSagaActivity>();
            register.RegisterActivity<ContinueHoldsActivity>();
            register.RegisterActivity<CancelOrderActivity>();
            register.RegisterActivity<VoidTendersActivity>();
            register.RegisterActivity<RestockReturnActivity>();
            register.RegisterActivity<RefundReturnActivity>();
            register.RegisterActivity<CloseOrderActivity>();
        });
        services.AddRecords(ScmModule.Id, CustomerHoldProjection.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder routes)
    {
        routes.MapOrderEndpoints();
        routes.MapPromiseEndpoints();
        routes.MapOrderSagaSubscribers();
        routes.MapCustomerHoldSubscriber();
        return routes;
    }
}
