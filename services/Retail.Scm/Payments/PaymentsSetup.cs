using Dapr.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Retail.Shared.Hosting;

namespace Retail.Scm.Payments;

/// <summary>tender (capture, void, settle) through the payment-provider port, returns and refunds, EDI documents: services and endpoints.</summary>
public static class PaymentsSetup
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(ScmModule.Id, Tender.Type);
        services.AddRecords(ScmModule.Id, SettlementBatch.Type);
        services.AddRecords(ScmModule.Id, OrderReturn.Type);
        services.AddRecords(ScmModule.Id, EdiDocument.Type);

        var options = configuration.GetSection(PaymentOptions.Section).Get<PaymentOptions>() ?? new PaymentOptions();
        var dapr = configuration.GetSection(RetailOptions.Section).GetValue<RuntimeMode?>(nameof(RetailOptions.Mode)) == RuntimeMode.Dapr;
        var provider = options.Provider?.Trim().ToLowerInvariant() ?? (dapr ? "dapr" : "test");
        services.TryAddSingleton(options);
        if (provider == "dapr")
        {
            services.TryAddSingleton<IPaymentProvider>(sp => new DaprBindingPaymentProvider(sp.GetRequiredService<DaprClient>(), options));
        }
        else if (provider == "test")
        {
            services.TryAddSingleton<TestPaymentProvider>();
            services.TryAddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<TestPaymentProvider>());
        }
        else
        {
            throw new InvalidOperationException($"{PaymentOptions.Section}:Provider must be 'test' or 'dapr', not '{options.Provider}'.");
        }
        services.AddScoped<IShipmentDates, ShipmentWindowStarts>();
        services.AddGiftCardTender();
        return services;
    }

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder routes)
    {
        routes.MapTenders();
        routes.MapReturns();
        routes.MapEdi();
        return routes;
    }
}
