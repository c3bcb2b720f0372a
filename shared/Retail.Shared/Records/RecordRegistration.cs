using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
        services.AddRecordIndexes(appId, type);
        // The singletons a store is made of are gathered once; a request's store then costs one lookup (its context).
        services.AddSingleton(sp => new RecordStoreParts<T>(
            sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(appId)), type, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PageTokens>()));
        services.AddScoped(sp => sp.GetRequiredService<RecordStoreParts<T>>().For(sp.GetRequiredService<RequestContext>()));
        return services;
    }

    /// <summary>
    /// The indexes of a record type kept in <paramref name="appId"/>'s store, built at start-up, and the page tokens its
    /// lists use; for a module that makes its own record stores (one per service that mounts it).
    /// </summary>
    public static IServiceCollection AddRecordIndexes<T>(this IServiceCollection services, string appId, RecordType<T> type) where T : Record
    {
        services.TryAddSingleton<PageTokens>();
        services.AddSingleton(new RecordIndexes(appId, [.. type.StateIndexes()]));
        if (!services.Any(d => d.ServiceType == typeof(RecordIndexBuilder)))
        {
            services.AddSingleton<RecordIndexBuilder>();
            services.AddHostedService(sp => sp.GetRequiredService<RecordIndexBuilder>());
            services.AddHealthChecks().AddCheck<RecordIndexBuilder>("record-indexes", tags: ["ready"]);
        }
        return services;
    }
}

/// <summary>The secondary indexes one record type of an app needs.</summary>
public sealed record RecordIndexes(string AppId, IReadOnlyList<StateIndex> Indexes);

/// <summary>
/// Builds every app's record indexes when the app starts (idempotent: existing indexes are kept). Building them over a
/// large store takes a while; until it is done the app is not ready (<c>/healthz</c>), since its lists would scan.
/// </summary>
internal sealed class RecordIndexBuilder(IServiceProvider services, IEnumerable<RecordIndexes> declared) : IHostedService, IHealthCheck
{
    private Task _built = Task.CompletedTask;

    // Awaited: the app's own start (and a test server's first request) waits for its indexes; a listening server
    // reports not ready meanwhile.
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _built = BuildAsync(cancellationToken);
        return _built;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_built.Status switch
        {
            TaskStatus.RanToCompletion => HealthCheckResult.Healthy(),
            TaskStatus.Faulted => HealthCheckResult.Unhealthy("building the record indexes failed", _built.Exception),
            _ => HealthCheckResult.Unhealthy("the record indexes are being built"),
        });

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        foreach (var app in declared.GroupBy(d => d.AppId))
        {
            var store = services.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(app.Key));
            var indexes = RecordStore<Record>.BuiltInIndexes.Concat(app.SelectMany(d => d.Indexes)).DistinctBy(i => i.Name).ToList();
            await store.EnsureIndexesAsync(indexes, cancellationToken);
        }
    }
}

/// <summary>What every request's <see cref="RecordStore{T}"/> of one app and type shares.</summary>
internal sealed record RecordStoreParts<T>(IStateStore Store, RecordType<T> Type, TimeProvider Clock, PageTokens Tokens) where T : Record
{
    public RecordStore<T> For(RequestContext context) => new(Store, Type, Clock, context, Tokens);
}
