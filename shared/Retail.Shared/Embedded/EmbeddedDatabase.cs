using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Retail.Shared.Hosting;
using SQLitePCL;

namespace Retail.Shared.Embedded;

/// <summary>
/// The SQLite file of one app id: its state, its outbox and the delivery progress of the bus.
/// SQLite has a single writer, so every write runs on one long-lived connection behind a semaphore,
/// inside BEGIN IMMEDIATE; reads use pooled connections and, in WAL mode, never wait for the writer.
/// </summary>
internal sealed class EmbeddedDatabase : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS state (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL,
            etag TEXT NOT NULL,
            expires_at INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS state_expiry ON state (expires_at) WHERE expires_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS meta (
            name TEXT NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO meta (name, value) VALUES ('etag_seq', 0);
        CREATE TABLE IF NOT EXISTS outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            topic TEXT NOT NULL,
            type TEXT NOT NULL,
            source TEXT NOT NULL,
            subject TEXT NULL,
            orgcode TEXT NULL,
            data BLOB NOT NULL,
            time TEXT NOT NULL,
            traceparent TEXT NULL,
            is_cdc INTEGER NOT NULL,
            committed_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS subscribers (
            id TEXT NOT NULL PRIMARY KEY,
            topics TEXT NOT NULL,
            cursor INTEGER NOT NULL,
            first_seen_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS deliveries (
            subscriber TEXT NOT NULL,
            seq INTEGER NOT NULL,
            order_key TEXT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NULL,
            PRIMARY KEY (subscriber, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS deliveries_order ON deliveries (subscriber, order_key, seq);
        CREATE INDEX IF NOT EXISTS deliveries_seq ON deliveries (seq);
        CREATE TABLE IF NOT EXISTS dead_letters (
            subscriber TEXT NOT NULL,
            seq INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            last_error TEXT NULL,
            dead_at INTEGER NOT NULL,
            PRIMARY KEY (subscriber, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS dead_letters_seq ON dead_letters (seq);
        """;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteConnection _writer;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });
    private long _etagSeq;
    private bool _disposed;

    public EmbeddedDatabase(string appId, string path, EmbeddedStateOptions options)
    {
        AppId = appId;
        FilePath = path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var busyMs = (int)Math.Clamp(options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, busyMs / 1000),
        }.ToString();

        // NORMAL in WAL mode: a commit is durable once the process hands it to the OS (survives kill -9),
        // not once it reaches the disk (the last commits can be lost on power loss). FULL fsyncs each commit.
        var synchronous = options.Durability == StateDurability.Full ? "FULL" : "NORMAL";
        _writer = new SqliteConnection(ConnectionString);
        _writer.Open();
        Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={busyMs};");
        Execute(Schema);
        using (var read = _writer.CreateCommand())
        {
            read.CommandText = "SELECT value FROM meta WHERE name = 'etag_seq'";
            _etagSeq = Convert.ToInt64(read.ExecuteScalar(), CultureInfo.InvariantCulture);
            read.CommandText = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)";
            StartSeq = Convert.ToInt64(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    public string AppId { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    /// <summary>The last outbox sequence committed before this process opened the file.</summary>
    public long StartSeq { get; }

    /// <summary>Opens a pooled connection for reads; the caller disposes it.</summary>
    public SqliteConnection OpenReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction. The transaction commits unless the work calls
    /// <see cref="WriteBatch.Abort"/> or throws; either way the semaphore is released.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<WriteBatch, T> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var batch = new WriteBatch(this, _etagSeq);
            Execute("BEGIN IMMEDIATE");
            var finished = false;
            try
            {
                var result = work(batch);
                if (batch.Aborted)
                {
                    Execute("ROLLBACK");
                }
                else
                {
                    if (batch.ETagSeq != _etagSeq)
                    {
                        var save = batch.Command("UPDATE meta SET value = $v WHERE name = 'etag_seq'");
                        save.Parameters.AddWithValue("$v", batch.ETagSeq);
                        save.ExecuteNonQuery();
                    }
                    Execute("COMMIT");
                    _etagSeq = batch.ETagSeq;
                }
                finished = true;
                return result;
            }
            finally
            {
                // SQLite may already have rolled back on its own (for example on a full disk).
                if (!finished && raw.sqlite3_get_autocommit(_writer.Handle) == 0)
                {
                    Execute("ROLLBACK");
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Wakes the dispatcher of this database (a commit put messages in the outbox).</summary>
    public void Signal() => _signal.Writer.TryWrite(true);

    /// <summary>Waits until <see cref="Signal"/> or the timeout, whichever comes first.</summary>
    public async Task WaitForSignalAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout > TimeSpan.Zero)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            await ((Task)_signal.Reader.WaitToReadAsync(cts.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
        _signal.Reader.TryRead(out _);
    }

    internal SqliteCommand CachedCommand(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Parameters.Clear();
        return command;
    }

    private void Execute(string sql)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _writeLock.Wait();
        try
        {
            _disposed = true;
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }
            _commands.Clear();
            _writer.Dispose();
            // Close the pooled handles too, so the file is released (tests delete it; a new host reopens it).
            SqliteConnection.ClearPool(_writer);
        }
        finally
        {
            _writeLock.Release();
        }
        _writeLock.Dispose();
    }
}

/// <summary>The writer's view inside one transaction: cached commands, new ETags, and a way to roll back.</summary>
internal sealed class WriteBatch(EmbeddedDatabase database, long etagSeq)
{
    public long ETagSeq { get; private set; } = etagSeq;

    public bool Aborted { get; private set; }

    public SqliteCommand Command(string sql) => database.CachedCommand(sql);

    public string NextETag() => (++ETagSeq).ToString(CultureInfo.InvariantCulture);

    public void Abort() => Aborted = true;
}
