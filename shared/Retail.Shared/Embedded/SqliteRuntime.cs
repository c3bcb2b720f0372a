using SQLitePCL;

namespace Retail.Shared.Embedded;

/// <summary>
/// SQLite's process-wide settings, made before the first connection opens (SQLite takes them only before it initializes;
/// later calls are refused and change nothing). Memory statistics off: with them on, every allocation and free of every
/// connection takes one process-wide mutex to count bytes nobody reads (malloc, free and pthread mutexes were a sixth of the
/// host's CPU under spread reservations). Serialized mode stays: a statement a caller forgot to dispose is finalized on the finalizer's
/// thread, which only the connection's mutex keeps from racing its owner.
/// </summary>
public static class SqliteRuntime
{
    private static readonly Lazy<bool> Configured = new(Configure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when SQLite took the settings (false when something opened a connection first).</summary>
    public static bool EnsureConfigured() => Configured.Value;

    private static bool Configure()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
    }
}
