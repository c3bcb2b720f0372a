using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Dapr;
using Retail.Shared.Embedded;
using Retail.Shared.OrgData;
using Retail.Shared.State;

namespace Retail.Shared.Hosting;

public static class BuildingBlocks
{
    /// <summary>
    /// Registers, for each app id, a keyed <see cref="IStateStore"/> (and one under <see cref="StateStoreKeys.Records"/>
    /// for the record store) and <see cref="Events.IEventBus"/>, plus the shared <see cref="Invocation.IServiceInvoker"/>,
    /// <see cref="Webhooks.IWebhookSender"/> and <see cref="Notifications.INotifier"/>, each from the adapter of the
    /// configured mode.
    /// </summary>
    public static IServiceCollection AddBuildingBlocks(this IServiceCollection services, RetailOptions options,
        IReadOnlyCollection<string> appIds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(appIds);
        if (options.Mode == RuntimeMode.Dapr)
        {
            services.AddDaprBuildingBlocks(options, appIds);
        }
        else
        {
            services.AddEmbeddedState(options, appIds);
            services.AddEmbeddedTransports(options);
            // The embedded store commits CDC rows only for what the record store writes, so one store serves both keys.
            foreach (var appId in appIds)
            {
                services.AddKeyedSingleton<IStateStore>(StateStoreKeys.Records(appId),
                    (sp, _) => sp.GetRequiredKeyedService<IStateStore>(appId));
                // Dapr mode has no state meter yet (its PostgreSQL table would need a query of its own): see Accounting's README.
                services.AddKeyedSingleton<IStorageMeter>(appId, (sp, _) => new SqliteStorageMeter(sp.GetRequiredService<EmbeddedStateStores>().Get(appId)));
                // The org's data for offboarding (UTL): its state entries first, then what the outbox keeps of its events.
                services.AddKeyedSingleton<IOrgDataPart>(appId, (sp, _) =>
                    new SqliteStatePart(sp.GetRequiredService<EmbeddedStateStores>().Get(appId), sp.GetServices<OrgKeyPrefix>()));
                services.AddKeyedSingleton<IOrgDataPart>(appId, (sp, _) => new SqliteEventsPart(sp.GetRequiredService<EmbeddedStateStores>().Get(appId)));
            }
        }
        return services;
    }
}
