using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Retail.Shared.Contract;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

public static class EmbeddedStateRegistration
{
    /// <summary>
    /// A SQLite state store and an outbox event bus per app id (keyed by the app id), the dispatcher that delivers
    /// the outboxes to the <c>.WithTopic</c> endpoints, and <see cref="EventBusDiagnostics"/>.
    /// The first call's <paramref name="options"/> apply to every store.
    /// </summary>
    public static IServiceCollection AddEmbeddedState(this IServiceCollection services, RetailOptions options,
        IReadOnlyCollection<string> appIds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(appIds);

        services.TryAddScoped<RequestContext>();
        services.TryAddSingleton(sp => new EmbeddedStateStores(
            options, sp.GetServices<EmbeddedApp>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));

        var registered = services
            .Where(d => d.ServiceType == typeof(EmbeddedApp) && d.ImplementationInstance is EmbeddedApp)
            .Select(d => ((EmbeddedApp)d.ImplementationInstance!).AppId)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var appId in appIds.Where(registered.Add))
        {
            services.AddSingleton(new EmbeddedApp(appId));
            services.AddKeyedSingleton<IStateStore>(appId, (sp, _) => sp.GetRequiredService<EmbeddedStateStores>().Get(appId));
            services.AddKeyedSingleton<IEventBus>(appId, (sp, _) =>
            {
                var stores = sp.GetRequiredService<EmbeddedStateStores>();
                return new EmbeddedEventBus(stores.Get(appId), stores.Time);
            });
        }

        if (!services.Any(d => d.ServiceType == typeof(EmbeddedEventDispatcher)))
        {
            services.AddSingleton<EmbeddedEventDispatcher>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EmbeddedEventDispatcher>());
            services.AddSingleton<EventBusDiagnostics>();
        }
        return services;
    }
}
