using Retail.Shared.Hosting;

namespace Retail.Shared.Embedded;

/// <summary>An app id registered with <see cref="EmbeddedStateRegistration.AddEmbeddedState"/>.</summary>
internal sealed record EmbeddedApp(string AppId);

/// <summary>The open SQLite stores of the process, one per app id; disposing closes the files.</summary>
public sealed class EmbeddedStateStores : IDisposable
{
    private readonly Dictionary<string, SqliteStateStore> _stores = new(StringComparer.Ordinal);

    internal EmbeddedStateStores(RetailOptions options, IEnumerable<EmbeddedApp> apps, TimeProvider time)
    {
        Options = options;
        Time = time;
        foreach (var app in apps)
        {
            if (!_stores.ContainsKey(app.AppId))
            {
                _stores[app.AppId] = new SqliteStateStore(app.AppId, options, time);
            }
        }
    }

    public RetailOptions Options { get; }

    public TimeProvider Time { get; }

    public IReadOnlyCollection<SqliteStateStore> All => _stores.Values;

    public SqliteStateStore Get(string appId) =>
        _stores.TryGetValue(appId, out var store) ? store : throw new KeyNotFoundException($"no embedded state store for app id '{appId}'");

    public void Dispose()
    {
        foreach (var store in _stores.Values)
        {
            store.Dispose();
        }
    }
}
