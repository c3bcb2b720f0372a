using Microsoft.Data.Sqlite;
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

    /// <summary>Bytes of one lookaside slot of a state file's writer (SQLite's default size).</summary>
    internal const int WriterLookasideSlotBytes = 1200;

    /// <summary>Lookaside slots of a state file's writer: 1.2 MB a file, against SQLite's default 100.</summary>
    internal const int WriterLookasideSlots = 1000;

    /// <summary>
    /// Gives a state file's writer connection a lookaside (SQLite's per-connection allocator for small, short-lived
    /// objects) large enough for one write statement. SQLite opens a cursor on every index of the table for each insert or
    /// update, whether a partial index takes the row or not, and a file holds dozens of record indexes (Accounting 25,
    /// PVM 38, ICS 47, SCM 52). With the default 100 slots a statement in such a file ran out of lookaside and took the rest
    /// from malloc: 53 misses a row at 48 indexes. Measured on a single-row insert (e_sqlite3 of Microsoft.Data.Sqlite
    /// 10.0.15, memory statistics off, 2026-12-07): 48 indexes 33–36 → 28 µs a row, 21 indexes 24–26 → 23–24 µs, no misses
    /// left. The writer's cached prepared statements keep some of it for good, so the slots are counted with them: 20
    /// creates and an update in a file of 60 indexes missed 3,505 times at 100 slots, 111 at 500, none at 1,000. Set right
    /// after the connection opens (SQLite refuses it while lookaside memory is in use); false when refused.
    /// </summary>
    internal static bool SizeWriterLookaside(SqliteConnection connection) =>
        raw.sqlite3_db_config(connection.Handle, raw.SQLITE_DBCONFIG_LOOKASIDE, IntPtr.Zero, WriterLookasideSlotBytes, WriterLookasideSlots)
            == raw.SQLITE_OK;

    /// <summary>Allocations a connection's lookaside could not serve because it was full, since the last call (then reset).</summary>
    internal static int TakeLookasideMisses(SqliteConnection connection)
    {
        raw.sqlite3_db_status(connection.Handle, raw.SQLITE_DBSTATUS_LOOKASIDE_MISS_FULL, out _, out var misses, 1);
        return misses;
    }
}
