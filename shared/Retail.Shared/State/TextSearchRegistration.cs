using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Retail.Shared.Dapr;
using Retail.Shared.Embedded;

namespace Retail.Shared.State;

public static class TextSearchRegistration
{
    /// <summary>A keyed <see cref="ITextSearch"/> for <paramref name="appId"/>: FTS5 over the embedded store, unavailable over Dapr's.</summary>
    public static IServiceCollection AddTextSearch(this IServiceCollection services, string appId)
    {
        services.TryAddKeyedSingleton<ITextSearch>(appId, (sp, _) => sp.GetRequiredKeyedService<IStateStore>(appId) switch
        {
            SqliteStateStore sqlite => new SqliteTextSearch(sqlite),
            _ => new DaprTextSearch(appId),
        });
        return services;
    }
}
