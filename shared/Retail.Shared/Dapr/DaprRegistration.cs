using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Hosting;

namespace Retail.Shared.Dapr;

public static class DaprRegistration
{
    /// <summary>The Dapr adapters of every building block. (Being built: see the foundation issue.)</summary>
    public static IServiceCollection AddDaprBuildingBlocks(this IServiceCollection services, RetailOptions options,
        IReadOnlyCollection<string> appIds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(appIds);
        return services;
    }
}
