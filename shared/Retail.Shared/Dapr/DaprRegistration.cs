using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Retail.Shared.Contract;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Json;
using Retail.Shared.Notifications;
using Retail.Shared.OrgData;
using Retail.Shared.State;
using Retail.Shared.Webhooks;

namespace Retail.Shared.Dapr;

public static class DaprRegistration
{
    public const string SidecarHttpClient = "dapr-sidecar";

    /// <summary>
    /// The Dapr adapters of every building block. The sidecar's endpoints and API token come from the usual
    /// DAPR_GRPC_ENDPOINT / DAPR_HTTP_ENDPOINT / DAPR_API_TOKEN settings. One app id per sidecar is the Dapr model:
    /// app ids registered beside one sidecar share its key space.
    /// </summary>
    public static IServiceCollection AddDaprBuildingBlocks(this IServiceCollection services, RetailOptions options,
        IReadOnlyCollection<string> appIds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(appIds);

        services.AddDaprClient(builder => builder.UseJsonSerializationOptions(RetailJson.Storage));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DaprAdapterOptions>();

        // State transactions go through the sidecar's HTTP API (see DaprStateStore), at the address and with the token the
        // DaprClient uses: DAPR_HTTP_ENDPOINT (or DAPR_HTTP_PORT) and DAPR_API_TOKEN.
        services.AddHttpClient(SidecarHttpClient, (sp, client) =>
        {
            var configuration = sp.GetService<IConfiguration>();
            client.BaseAddress = new Uri(DaprDefaults.GetDefaultHttpEndpoint(configuration).TrimEnd('/') + "/");
            if (DaprDefaults.GetDefaultDaprApiToken(configuration) is { Length: > 0 } token)
            {
                client.DefaultRequestHeaders.Add("dapr-api-token", token);
            }
        });

        foreach (var appId in appIds)
        {
            // Two components over the same table: only the record store's has the outbox, so only records reach cdc.
            services.AddKeyedSingleton<IStateStore>(appId, (sp, _) => NewStateStore(sp, appId, options.StateStoreName, hasOutbox: false));
            services.AddKeyedSingleton<IStateStore>(StateStoreKeys.Records(appId), (sp, _) =>
                NewStateStore(sp, appId, sp.GetRequiredService<DaprAdapterOptions>().RecordStateStoreName, hasOutbox: true));
            // The org's entries for offboarding (UTL), found through the org tag every write of an org's key carries.
            services.AddKeyedSingleton<IOrgDataPart>(appId, (sp, _) => new DaprStatePart(
                sp.GetRequiredKeyedService<IStateStore>(appId) as DaprStateStore
                ?? throw new InvalidOperationException($"the state store of {appId} is not the Dapr adapter")));
            services.AddKeyedSingleton<IEventBus>(appId, (sp, _) => new DaprEventBus(sp.GetRequiredService<DaprClient>(), appId,
                options, sp.GetRequiredService<TimeProvider>()));
        }

        var callerAppId = appIds.FirstOrDefault() ?? "retail";
        services.AddSingleton<IServiceInvoker>(sp => new DaprServiceInvoker(sp.GetRequiredService<DaprClient>(), callerAppId,
            sp.GetRequiredService<DaprAdapterOptions>(), sp.GetRequiredService<ILogger<DaprServiceInvoker>>()));
        services.AddSingleton<IWebhookSender>(sp => new DaprWebhookSender(sp.GetRequiredService<DaprClient>(), options,
            sp.GetRequiredService<DaprAdapterOptions>(), sp.GetRequiredService<ILogger<DaprWebhookSender>>(),
            WebhookAddressPolicy.Parse(sp.GetService<IConfiguration>()?[WebhookDeliveryOptions.Section + ":AllowedAddresses"])));
        services.AddSingleton<INotifier>(sp => new DaprNotifier(sp.GetRequiredService<DaprClient>(), options));
        services.AddSingleton<IOperatorKeyProvider>(sp => new DaprOperatorKeyProvider(sp.GetRequiredService<DaprClient>(), options,
            sp.GetRequiredService<DaprAdapterOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DaprOperatorKeyProvider>>()));
        return services;

        DaprStateStore NewStateStore(IServiceProvider sp, string appId, string storeName, bool hasOutbox) => new(
            sp.GetRequiredService<DaprClient>(), sp.GetRequiredService<IHttpClientFactory>().CreateClient(SidecarHttpClient), appId,
            storeName, hasOutbox, options, sp.GetRequiredService<DaprAdapterOptions>(), sp.GetRequiredService<ILogger<DaprStateStore>>(),
            sp.GetServices<OrgKeyPrefix>());
    }
}
