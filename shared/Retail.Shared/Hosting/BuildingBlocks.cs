using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Dapr;
using Retail.Shared.Embedded;

namespace Retail.Shared.Hosting;

public static class BuildingBlocks
{
    /// <summary>
    /// Registers, for each app id, a keyed <see cref="State.IStateStore"/> and <see cref="Events.IEventBus"/>,
    /// plus the shared <see cref="Invocation.IServiceInvoker"/>, <see cref="Webhooks.IWebhookSender"/> and
    /// <see cref="Notifications.INotifier"/>, each from the adapter of the configured mode.
    /// </summary>
    public static IServiceCollection AddBuildingBlocks(this IServiceCollection services, RetailOptions options,
        IReadOnlyCollection<string> appIds)
    {
        if (options.Mode == RuntimeMode.Dapr)
        {
            services.AddDaprBuildingBlocks(options, appIds);
        }
        else
        {
            services.AddEmbeddedState(options, appIds);
            services.AddEmbeddedTransports(options);
        }
        return services;
    }
}
