using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Retail.Shared.Contract;
using Retail.Shared.State;

namespace Retail.Shared.Records;

public static class RecordRegistration
{
    /// <summary>
    /// Registers a scoped <see cref="RecordStore{T}"/> over the app's own state store, and the type's secondary indexes,
    /// which the store builds at start-up.
    /// </summary>
    public static IServiceCollection AddRecords<T>(this IServiceCollection services, string appId, RecordType<T> type) where T : Record
    {
        services.AddSingleton(type);
        services.TryAddSingleton<PageTokens>();
        services.AddSingleton(new RecordIndexes(appId, [.. type.StateIndexes()]));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecordIndexBuilder>());
        services.AddScoped(sp => new RecordStore<T>(
            sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(appId)),
            type,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RequestContext>(),
            sp.GetRequiredService<PageTokens>()));
        return services;
    }
}

/// <summary>The secondary indexes one record type of an app needs.</summary>
public sealed record RecordIndexes(string AppId, IReadOnlyList<StateIndex> Indexes);

/// <summary>Builds every app's record indexes when the app starts (idempotent: existing indexes are kept).</summary>
internal sealed class RecordIndexBuilder(IServiceProvider services, IEnumerable<RecordIndexes> declared) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var app in declared.GroupBy(d => d.AppId))
        {
            var store = services.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(app.Key));
            var indexes = RecordStore<Record>.BuiltInIndexes.Concat(app.SelectMany(d => d.Indexes)).DistinctBy(i => i.Name).ToList();
            await store.EnsureIndexesAsync(indexes, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
