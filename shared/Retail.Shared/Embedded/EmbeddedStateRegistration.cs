using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Hosting;

namespace Retail.Shared.Embedded;

public static class EmbeddedStateRegistration
{
    /// <summary>SQLite state store and outbox bus per app id. (Being built: see the foundation issue.)</summary>
    public static IServiceCollection AddEmbeddedState(this IServiceCollection services, RetailOptions options,
        IReadOnlyCollection<string> appIds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(appIds);
        return services;
    }
}
