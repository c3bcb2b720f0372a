using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Retail.Shared.Hosting;
using SQLitePCL;

namespace Retail.Shared.Embedded;

/// <summary>
/// The SQLite file of one app id: its state, its outbox and the delivery progress of the bus.
/// SQLite has a single writer, so every write is queued to one writer loop that owns one long-lived connection.
/// The loop commits whatever has queued up together (group commit): one BEGIN IMMEDIATE … COMMIT per batch, each
/// write in its own SAVEPOINT, so a write that conflicts or throws is rolled back alone and the others still commit.
/// A write's task completes only after its batch has committed. Reads use pooled connections and, in WAL mode,
/// never wait for the writer.
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
        CREATE INDEX IF NOT EXISTS deliveries_retry ON deliveries (next_attempt_at) WHERE attempts > 0;
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

    private const int MaxBatch = 256;

    private readonly Channel<IWriteRequest> _writes = Channel.CreateUnbounded<IWriteRequest>(new UnboundedChannelOptions
    {
        SingleReader = true,
    });
    private readonly Task _writeLoop;
    private readonly SqliteConnection _writer;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentBag<ReadConnection> _readers = [];
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });
    private bool _disposed;

    // Commits nudge the checkpointer (a bounded channel of one: a nudge while one waits is dropped).
    private readonly Channel<bool> _committed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });
    private readonly Task _checkpointLoop;
    private readonly TimeSpan _checkpointInterval;

    /// <summary>Set on every reader connection when it opens (page cache, memory map): they are per connection.</summary>
    private readonly string _readerPragmas;

    public EmbeddedDatabase(string appId, string path, EmbeddedStateOptions options)
    {
        SqliteRuntime.EnsureConfigured();
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
        SqliteRuntime.SizeWriterLookaside(_writer);
        Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={busyMs};");
        // Statement and savepoint journals in memory: every request of a batch runs in a SAVEPOINT, and SQLite keeps the
        // pre-image of each page a request touches in a sub-journal that spills to a temporary file past 64 KiB. Traced
        // on the catalog load, those spills were 4 of every 10 write calls of the host. They hold a batch's pre-images
        // only until its commit; nothing durable lives there (a crash loses the open transaction either way).
        Execute("PRAGMA temp_store=MEMORY;");
        // With a background checkpointer the writer checkpoints itself only if the log outgrows CheckpointPages (the
        // checkpointer fell behind); without one, SQLite's own rule (every CheckpointPages) applies.
        _checkpointInterval = options.CheckpointInterval;
        Execute(FormattableString.Invariant($"PRAGMA wal_autocheckpoint={Math.Max(0, options.CheckpointPages)};"));
        Execute(FormattableString.Invariant($"PRAGMA cache_size=-{Math.Max(1, options.WriterCacheMiB) * 1024}; PRAGMA mmap_size={Math.Max(0L, options.MemoryMapMiB) * 1024 * 1024};"));
        _readerPragmas = FormattableString.Invariant($"PRAGMA cache_size=-{Math.Max(1, options.ReaderCacheMiB) * 1024}; PRAGMA mmap_size={Math.Max(0L, options.MemoryMapMiB) * 1024 * 1024};");
        Execute(Schema);
        AddRecordColumns();
        using (var read = _writer.CreateCommand())
        {
            // Kept until this process's dispatcher has registered its subscribers: a process that stops before that
            // leaves its position for the next one, so a subscriber it had still gets what it committed.
            read.CommandText = $"""
                INSERT OR IGNORE INTO meta (name, value)
                    VALUES ('{SubscriberStartName}', coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0));
                SELECT value FROM meta WHERE name = '{SubscriberStartName}';
                """;
            StartSeq = Convert.ToInt64(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        _writeLoop = Task.Run(WriteLoopAsync);
        _checkpointLoop = _checkpointInterval > TimeSpan.Zero ? Task.Run(CheckpointLoopAsync) : Task.CompletedTask;
    }

    /// <summary>
    /// Copies committed log pages into the file from a connection of its own, at most once per
    /// <see cref="EmbeddedStateOptions.CheckpointInterval"/> while commits arrive. A checkpoint run by the committing
    /// connection (SQLite's default, every 1,000 pages) held the single writer for its copy and fsync, and every write
    /// queued behind it (the reservation benchmark: a third of the host's CPU in pwrite and fsync). PASSIVE never takes the
    /// write lock, so commits go on meanwhile; pages a reader still needs are copied by a later run.
    /// </summary>
    private async Task CheckpointLoopAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (await _committed.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _committed.Reader.TryRead(out _);
                try
                {
                    connection ??= OpenConfigured();
                    using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    checkpoint.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // Busy or failing: the next commit nudges again, and the writer's own rule still bounds the log.
                }
                await Task.Delay(_checkpointInterval).ConfigureAwait(false);
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>
    /// The record fields every record index and list names (see <see cref="StateQueryRunner.Field"/>), as virtual columns
    /// computed from the value: an index condition <c>entity = 'x'</c> over a column costs a write far less than the same
    /// <c>json_extract</c> in each of a file's dozens of partial indexes. Virtual, so a file made before them gains them
    /// with ALTER TABLE (no rewrite); the indexes over them are built again by the index check at start-up.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> RecordColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["entity"] = "entity",
        ["orgcode"] = "orgcode",
        ["key"] = "record_key",
    };

    private void AddRecordColumns()
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var columns = _writer.CreateCommand())
        {
            columns.CommandText = "SELECT name FROM pragma_table_xinfo('state')";
            using var reader = columns.ExecuteReader();
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }
        foreach (var (path, column) in RecordColumns)
        {
            if (present.Contains(column))
            {
                continue;
            }
            try
            {
                Execute($"ALTER TABLE state ADD COLUMN {column} TEXT GENERATED ALWAYS AS (json_extract(value, '$.\"{path}\"')) VIRTUAL");
            }
            catch (SqliteException ex) when (ex.Message.Contains("duplicate column name", StringComparison.Ordinal))
            {
                // Another process opening the same file added it first.
            }
        }
    }

    public string AppId { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    /// <summary>The meta row holding <see cref="StartSeq"/> until a dispatcher has registered its subscribers.</summary>
    internal const string SubscriberStartName = "subscriber_start";

    /// <summary>
    /// Where a subscriber seen for the first time starts: the last outbox sequence committed before this process opened
    /// the file or, if an earlier process stopped before its dispatcher registered its subscribers here, before that
    /// process opened it (what that process committed was meant for subscribers it never got to record).
    /// </summary>
    public long StartSeq { get; }

    /// <summary>Opens a pooled connection for reads; the caller disposes it.</summary>
    public SqliteConnection OpenReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return OpenConfigured();
    }

    private SqliteConnection OpenConfigured()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = _readerPragmas;
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// An open reader connection with the statements it has prepared, for one caller until it disposes the lease.
    /// Reads on hot paths use this: SQLite parses and plans a statement once per connection instead of on every read.
    /// </summary>
    public ReadConnection RentReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_readers.TryTake(out var reader))
        {
            return reader;
        }
        return new ReadConnection(this, OpenConfigured());
    }

    internal void Return(ReadConnection reader)
    {
        if (_disposed || _readers.Count >= MaxIdleReaders)
        {
            reader.Close();
            return;
        }
        _readers.Add(reader);
        if (_disposed && _readers.TryTake(out var late))
        {
            late.Close();
        }
    }

    // More than the thread pool keeps busy on a small machine; a burst beyond it opens connections that are closed after.
    private const int MaxIdleReaders = 32;

    /// <summary>
    /// Runs <paramref name="work"/> atomically on the writer connection: its changes commit, unless it calls
    /// <see cref="WriteBatch.Abort"/> or throws, in which case none of them do. The work runs on the writer loop and
    /// must be synchronous and quick.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<WriteBatch, T> work, CancellationToken cancellationToken)
    {
        var request = new WriteRequest<T>(work, cancellationToken);
        if (!_writes.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(EmbeddedDatabase), $"the state file of '{AppId}' is closed");
        }
        return request.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<IWriteRequest>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var request))
            {
                if (!request.TryCancel())
                {
                    batch.Add(request);
                }
            }
            if (batch.Count > 0)
            {
                try
                {
                    CommitBatch(batch);
                    _committed.Writer.TryWrite(true);
                }
                catch (Exception ex)
                {
                    // The loop's own statements failed (SAVEPOINT, ROLLBACK TO …): fail what is still waiting and keep
                    // the loop alive for later writes. Requests already completed ignore this.
                    batch.ForEach(r => r.Fail(ex));
                    AbandonTransaction(ex);
                }
            }
        }
    }

    private void CommitBatch(List<IWriteRequest> requests)
    {
        try
        {
            Run("BEGIN IMMEDIATE");
        }
        catch (SqliteException ex)
        {
            requests.ForEach(r => r.Fail(ex));
            AbandonTransaction(ex);
            return;
        }
        WriterFault = null;

        var done = new List<IWriteRequest>(requests.Count);
        // Read under the write lock, not from memory: another process on the same file must not hand out the same ETags.
        long seq;
        try
        {
            seq = Convert.ToInt64(CachedCommand("SELECT value FROM meta WHERE name = 'etag_seq'").ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException ex)
        {
            requests.ForEach(r => r.Fail(ex));
            AbandonTransaction(ex);
            return;
        }
        var start = seq;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var batch = new WriteBatch(this, seq);
            Run("SAVEPOINT w");
            try
            {
                request.Run(batch);
                if (batch.Aborted)
                {
                    Run("ROLLBACK TO w");
                }
                else
                {
                    seq = batch.ETagSeq;
                }
                Run("RELEASE w");
                done.Add(request);
            }
            catch (Exception ex)
            {
                request.Fail(ex);
                if (InTransaction)
                {
                    Run("ROLLBACK TO w");
                    Run("RELEASE w");
                    continue;
                }
                // SQLite rolled the whole transaction back (for example on a full disk): nothing of this batch stays.
                var lost = new IOException($"the write transaction of '{AppId}' was rolled back by SQLite", ex);
                done.ForEach(r => r.Fail(lost));
                requests.Skip(i + 1).ToList().ForEach(r => r.Fail(lost));
                return;
            }
        }

        try
        {
            if (seq != start)
            {
                var save = CachedCommand("UPDATE meta SET value = $v WHERE name = 'etag_seq'");
                save.Parameters.AddWithValue("$v", seq);
                save.ExecuteNonQuery();
            }
            Run("COMMIT");
        }
        catch (Exception ex)
        {
            done.ForEach(r => r.Fail(ex));
            AbandonTransaction(ex);
            return;
        }
        done.ForEach(r => r.Complete());
    }

    private void AbandonTransaction(Exception cause)
    {
        try
        {
            if (InTransaction)
            {
                Run("ROLLBACK");
            }
        }
        catch (SqliteException ex)
        {
            // Kept for health checks; the next batch tries again (its BEGIN fails while this transaction is open).
            WriterFault = new IOException($"the state file of '{AppId}' could not roll back after: {cause.Message}", ex);
        }
    }

    /// <summary>The last failure that left the writer connection in doubt, for health checks; null when healthy.</summary>
    public Exception? WriterFault { get; private set; }

    private bool InTransaction => raw.sqlite3_get_autocommit(_writer.Handle) == 0;

    private void Run(string sql) => CachedCommand(sql).ExecuteNonQuery();

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

    /// <summary>Allocations the writer's lookaside could not serve since the last call (see <see cref="SqliteRuntime.SizeWriterLookaside"/>).</summary>
    internal int TakeWriterLookasideMisses() => SqliteRuntime.TakeLookasideMisses(_writer);

    internal SqliteCommand CachedCommand(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            TryPrepare(command);
            _commands[sql] = command;
        }
        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// Prepares a cached command once: Microsoft.Data.Sqlite otherwise parses and plans its SQL again on every execution.
    /// A text whose later statements name what its earlier ones create cannot be prepared ahead; it stays unprepared.
    /// </summary>
    internal static void TryPrepare(SqliteCommand command)
    {
        try
        {
            command.Prepare();
        }
        catch (SqliteException)
        {
        }
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
        _disposed = true;
        // Writes already queued still commit; later ones are refused.
        _writes.Writer.TryComplete();
        _writeLoop.GetAwaiter().GetResult();
        _committed.Writer.TryComplete();
        _checkpointLoop.GetAwaiter().GetResult();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
        _writer.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Close();
        }
        // Close the pooled handles too, so the file is released (tests delete it; a new host reopens it).
        SqliteConnection.ClearPool(_writer);
    }

    private interface IWriteRequest
    {
        bool TryCancel();

        void Run(WriteBatch batch);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class WriteRequest<T>(Func<WriteBatch, T> work, CancellationToken cancellationToken) : IWriteRequest
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public bool TryCancel() => cancellationToken.IsCancellationRequested && _done.TrySetCanceled(cancellationToken);

        public void Run(WriteBatch batch) => _result = work(batch);

        public void Complete() => _done.TrySetResult(_result!);

        public void Fail(Exception exception) => _done.TrySetException(exception);
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

/// <summary>
/// A reader connection lent by <see cref="EmbeddedDatabase.RentReader"/>: <see cref="Command"/> answers the same
/// prepared command for the same SQL each time (parameters cleared). Used by one caller at a time; disposing returns it.
/// </summary>
internal sealed class ReadConnection(EmbeddedDatabase database, SqliteConnection connection) : IDisposable
{
    // Statements differ by shape (filters, IN-list sizes), not by value; a connection that somehow collects more starts over.
    private const int MaxStatements = 256;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count >= MaxStatements)
            {
                DisposeCommands();
            }
            command = connection.CreateCommand();
            command.CommandText = sql;
            EmbeddedDatabase.TryPrepare(command);
            _commands[sql] = command;
        }
        command.Parameters.Clear();
        return command;
    }

    public void Dispose() => database.Return(this);

    internal void Close()
    {
        DisposeCommands();
        connection.Dispose();
    }

    private void DisposeCommands()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
    }
}
