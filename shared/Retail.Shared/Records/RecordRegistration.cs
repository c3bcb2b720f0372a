using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;
using Retail.Shared.State;

namespace Retail.Shared.Records;

public static class RecordRegistration
{
    /// <summary>Registers a scoped <see cref="RecordStore{T}"/> over the app's own state store.</summary>
    public static IServiceCollection AddRecords<T>(this IServiceCollection services, string appId, RecordType<T> type) where T : Record
    {
        services.AddSingleton(type);
        services.AddScoped(sp => new RecordStore<T>(
            sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(appId)),
            type,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RequestContext>()));
        return services;
    }
}
