using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Retail.Workflows.Embedded;

internal sealed record InstanceRow(string InstanceId, string Name, WorkflowRuntimeStatus Status, long Generation, string? Input,
    string? Output, string? CustomStatus, StoredFailure? Failure, string? ParentInstanceId, int ParentTaskId, long ParentGeneration,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public bool IsActive => Status is WorkflowRuntimeStatus.Pending or WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Suspended;
}

/// <summary>An activity to run: a row of <c>wf_activities</c>, deleted in the same transaction that records its result.</summary>
internal sealed record ActivityWork(string InstanceId, long Generation, int TaskId, string Name, string? Input, int Attempt,
    DateTime FirstAttemptAt, StoredRetryPolicy? Retry);

internal sealed record StepInput(InstanceRow Instance, IReadOnlyList<JournalEvent> Journal, IReadOnlyList<InboxMessage> Messages);

/// <summary>What a committed step set in motion, for the engine to dispatch.</summary>
internal sealed class StepEffects
{
    public List<string> InstancesToRun { get; } = [];

    public List<ActivityWork> Activities { get; } = [];

    public List<(DateTime DueAt, string InstanceId)> Timers { get; } = [];
}

/// <summary>
/// The SQLite journal (WAL): instances, their journals, their inboxes and the activities to run. One connection,
/// one lock: every change is one short transaction, and the journal of running instances is cached in memory
/// (this process is the journal's only writer).
/// </summary>
internal sealed partial class WorkflowStore : IDisposable
{
    private const int MaxCachedJournals = 50_000;
    private const int MaxBatch = 512;
    private readonly Channel<DbOperation> _operations = Channel.CreateUnbounded<DbOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Generation, List<JournalEvent> Events)> _journals = new(StringComparer.Ordinal);
    private volatile bool _closed;

    public WorkflowStore(string databasePath)
    {
        Retail.Shared.Embedded.SqliteRuntime.EnsureConfigured();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Pooling = false,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA busy_timeout=5000;
            PRAGMA temp_store=MEMORY;
            PRAGMA cache_size=-65536;
            CREATE TABLE IF NOT EXISTS wf_instances(
              instance_id TEXT PRIMARY KEY, name TEXT NOT NULL, status INTEGER NOT NULL, generation INTEGER NOT NULL,
              input TEXT, output TEXT, custom_status TEXT, failure TEXT,
              parent_instance_id TEXT, parent_task_id INTEGER NOT NULL, parent_generation INTEGER NOT NULL,
              created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS wf_instances_status ON wf_instances(status, instance_id);
            CREATE TABLE IF NOT EXISTS wf_journal(
              instance_id TEXT NOT NULL, seq INTEGER NOT NULL, kind INTEGER NOT NULL, task_id INTEGER NOT NULL,
              name TEXT, target TEXT, data TEXT, ts INTEGER NOT NULL, PRIMARY KEY(instance_id, seq)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS wf_inbox(
              id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, generation INTEGER NOT NULL,
              kind INTEGER NOT NULL, task_id INTEGER NOT NULL, name TEXT, data TEXT, visible_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS wf_inbox_instance ON wf_inbox(instance_id, id);
            CREATE TABLE IF NOT EXISTS wf_activities(
              instance_id TEXT NOT NULL, generation INTEGER NOT NULL, task_id INTEGER NOT NULL, name TEXT NOT NULL,
              input TEXT, attempt INTEGER NOT NULL, visible_at INTEGER NOT NULL, first_attempt_at INTEGER NOT NULL, retry TEXT,
              PRIMARY KEY(instance_id, generation, task_id)) WITHOUT ROWID;
            """);
        _thread = new Thread(RunJournalThread) { IsBackground = true, Name = "workflow-journal" };
        _thread.Start();
    }

    public bool IsClosed => _closed;

    /// <summary>Closes the journal: queued operations get their "closed" answer, nothing more is written.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        _operations.Writer.TryComplete();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(30));
        }
    }

    // ---- the journal thread ----------------------------------------------------------------------------------

    /// <summary>Queues <paramref name="body"/> for the journal thread; the task completes once its transaction has committed.</summary>
    private Task<T> Run<T>(Func<T> body, bool throwWhenClosed, T closedResult)
    {
        var operation = new DbOperation<T>(body, throwWhenClosed, closedResult);
        if (_closed || !_operations.Writer.TryWrite(operation))
        {
            operation.Close();
        }
        return operation.Task;
    }

    /// <summary>
    /// One thread owns the connection. It takes every queued operation (up to a batch) and runs them in one
    /// transaction, each in its own savepoint (group commit): one WAL commit carries many steps, and no caller's
    /// thread ever blocks on the journal.
    /// </summary>
    private void RunJournalThread()
    {
        var reader = _operations.Reader;
        var batch = new List<DbOperation>(MaxBatch);
        while (true)
        {
            if (!reader.TryRead(out var first))
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    break;
                }
                continue;
            }
            batch.Add(first);
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            if (_closed)
            {
                batch.ForEach(o => o.Close());
                batch.Clear();
                continue;
            }
            ExecuteBatch(batch);
            batch.Clear();
        }
        _journals.Clear();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
        _connection.Dispose();
    }

    private void ExecuteBatch(List<DbOperation> batch)
    {
        try
        {
            Execute("BEGIN IMMEDIATE");
            foreach (var operation in batch)
            {
                Execute("SAVEPOINT op");
                try
                {
                    operation.Execute();
                    Execute("RELEASE op");
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Execute("ROLLBACK TO op");
                    Execute("RELEASE op");
                    operation.Fail(ex);
                }
            }
            Execute("COMMIT");
        }
        catch (SqliteException ex)
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
            {
                Execute("ROLLBACK");
            }
            _journals.Clear();
            batch.ForEach(o => o.Fail(ex));
        }
        batch.ForEach(o => o.Complete());
    }

    private abstract class DbOperation
    {
        public abstract void Execute();

        public abstract void Fail(Exception exception);

        public abstract void Complete();

        public abstract void Close();
    }

    private sealed class DbOperation<T>(Func<T> body, bool throwWhenClosed, T closedResult) : DbOperation
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public override void Execute() => _result = body();

        public override void Fail(Exception exception) => _error ??= exception;

        public override void Complete()
        {
            if (_error is null)
            {
                _completion.TrySetResult(_result);
            }
            else
            {
                _completion.TrySetException(_error);
            }
        }

        public override void Close()
        {
            if (throwWhenClosed)
            {
                _completion.TrySetException(new ObjectDisposedException(nameof(WorkflowStore), "The workflow journal is closed."));
            }
            else
            {
                _completion.TrySetResult(closedResult);
            }
        }
    }

}

internal sealed record WorkflowOperationOutcomeRow(InstanceRow? Instance, bool Applied);
