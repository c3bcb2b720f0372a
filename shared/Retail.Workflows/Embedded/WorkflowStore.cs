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
internal sealed class WorkflowStore : IDisposable
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

    // ---- start and control -------------------------------------------------------------------------------------

    /// <summary>Creates the instance and its start message; null when an unfinished instance with the id exists.</summary>
    public Task<InstanceRow?> CreateAsync(string instanceId, string name, string? input, DateTime now) =>
        Run(() =>
        {
            var existing = ReadInstance(instanceId);
            if (existing is { IsActive: true })
            {
                return null;
            }
            if (existing is not null)
            {
                DeleteInstance(instanceId);
            }
            var row = new InstanceRow(instanceId, name, WorkflowRuntimeStatus.Pending, 0, input, null, null, null, null, -1, 0, now, now);
            InsertInstance(row);
            InsertInbox(instanceId, 0, JournalKind.ExecutionStarted, -1, name, input, now);
            return row;
        }, throwWhenClosed: true, closedResult: (InstanceRow?)null);

    public Task<InstanceRow?> GetAsync(string instanceId) =>
        Run(() =>
        {
            return ReadInstance(instanceId);
        }, throwWhenClosed: true, closedResult: (InstanceRow?)null);

    public Task<IReadOnlyList<InstanceRow>> ListAsync(WorkflowRuntimeStatus? status, string? name, int limit, string? after) =>
        Run(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT {InstanceColumns} FROM wf_instances
                WHERE ($status IS NULL OR status = $status) AND ($name IS NULL OR name = $name) AND ($after IS NULL OR instance_id > $after)
                ORDER BY instance_id LIMIT $limit
                """;
            command.Parameters.AddWithValue("$status", status is null ? DBNull.Value : (int)status);
            command.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
            command.Parameters.AddWithValue("$after", (object?)after ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var rows = new List<InstanceRow>();
            while (reader.Read())
            {
                rows.Add(ReadInstanceRow(reader));
            }
            return rows;
        }, throwWhenClosed: true, closedResult: (IReadOnlyList<InstanceRow>)[]);

    public Task<IReadOnlyList<(long Seq, JournalEvent Event)>?> HistoryAsync(string instanceId) =>
        Run(() =>
        {
            if (ReadInstance(instanceId) is null)
            {
                return null;
            }
            return ReadJournal(instanceId).Select((e, i) => ((long)i, e)).ToList();
        }, throwWhenClosed: true, closedResult: (IReadOnlyList<(long Seq, JournalEvent Event)>?)null);

    /// <summary>Puts a raised event in the inbox of an unfinished instance.</summary>
    public Task<WorkflowOperationOutcomeRow> RaiseEventAsync(string instanceId, string eventName, string? payload, DateTime now) =>
        Run(() =>
        {
            var row = ReadInstance(instanceId);
            if (row is null || !row.IsActive)
            {
                return new(row, false);
            }
            InsertInbox(instanceId, -1, JournalKind.EventRaised, -1, eventName, payload, now);
            return new(row, true);
        }, throwWhenClosed: true, closedResult: new WorkflowOperationOutcomeRow(null, false));

    /// <summary>Moves the instance from one of <paramref name="from"/> to <paramref name="to"/>.</summary>
    public Task<WorkflowOperationOutcomeRow> TransitionAsync(string instanceId, WorkflowRuntimeStatus[] from, WorkflowRuntimeStatus to, DateTime now) =>
        Run(() =>
        {
            var row = ReadInstance(instanceId);
            if (row is null || !from.Contains(row.Status))
            {
                return new(row, false);
            }
            var target = to;
            using var command = Command("UPDATE wf_instances SET status=$s, updated_at=$u WHERE instance_id=$id",
                ("$s", (int)target), ("$u", now.Ticks), ("$id", instanceId));
            command.ExecuteNonQuery();
            return new(row with { Status = target }, true);
        }, throwWhenClosed: true, closedResult: new WorkflowOperationOutcomeRow(null, false));

    /// <summary>Terminates the instance and every unfinished child of it; returns the instances whose parents must hear of it.</summary>
    public Task<WorkflowOperationOutcomeRow> TerminateAsync(string instanceId, string? output, DateTime now, List<string> toRun) =>
        Run(() =>
        {
            var row = ReadInstance(instanceId);
            if (row is null || !row.IsActive)
            {
                return new(row, false);
            }
            TerminateTree(row, output, now, toRun);
            return new(row with { Status = WorkflowRuntimeStatus.Terminated }, true);
        }, throwWhenClosed: true, closedResult: new WorkflowOperationOutcomeRow(null, false));

    public Task<WorkflowOperationOutcomeRow> PurgeAsync(string instanceId) =>
        Run(() =>
        {
            var row = ReadInstance(instanceId);
            if (row is null || row.IsActive)
            {
                return new(row, false);
            }
            DeleteInstance(instanceId);
            return new(row, true);
        }, throwWhenClosed: true, closedResult: new WorkflowOperationOutcomeRow(null, false));

    // ---- steps -------------------------------------------------------------------------------------------------

    /// <summary>What one step of an instance needs, or null when the instance cannot take a step now.</summary>
    public Task<StepInput?> LoadStepAsync(string instanceId, DateTime now) =>
        Run(() =>
        {
            if (_closed)
            {
                return null;
            }
            var row = ReadInstance(instanceId);
            if (row is null || row.Status is not (WorkflowRuntimeStatus.Pending or WorkflowRuntimeStatus.Running))
            {
                return null;
            }
            var messages = new List<InboxMessage>();
            using (var command = Command("SELECT id, kind, task_id, name, data, generation FROM wf_inbox WHERE instance_id=$id AND visible_at<=$now ORDER BY id",
                ("$id", instanceId), ("$now", now.Ticks)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    messages.Add(new InboxMessage(reader.GetInt64(0), (JournalKind)reader.GetInt32(1), reader.GetInt32(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5)));
                }
            }
            if (messages.Count == 0)
            {
                return null;
            }
            if (!_journals.TryGetValue(instanceId, out var journal) || journal.Generation != row.Generation)
            {
                journal = (row.Generation, ReadJournal(instanceId));
                if (_journals.Count >= MaxCachedJournals)
                {
                    _journals.Clear();
                }
                _journals[instanceId] = journal;
            }
            return new StepInput(row, journal.Events, messages);
        }, throwWhenClosed: false, closedResult: (StepInput?)null);

    /// <summary>
    /// Commits one step atomically: consumed messages out, journal entries in, new work out. Returns null (and
    /// changes nothing) when the instance was suspended, terminated or restarted while the step ran.
    /// </summary>
    public Task<StepEffects?> CommitStepAsync(InstanceRow instance, IReadOnlyList<InboxMessage> consumed, StepOutcome outcome, DateTime now) =>
        Run(() => CommitStepBody(instance, consumed, outcome, now), throwWhenClosed: false, closedResult: (StepEffects?)null);

    private StepEffects? CommitStepBody(InstanceRow instance, IReadOnlyList<InboxMessage> consumed, StepOutcome outcome, DateTime now)
    {
        {
            var current = ReadInstance(instance.InstanceId);
            if (current is null || current.Generation != instance.Generation
                || current.Status is not (WorkflowRuntimeStatus.Pending or WorkflowRuntimeStatus.Running))
            {
                return null;
            }
            var effects = new StepEffects();
            using (var delete = Command("DELETE FROM wf_inbox WHERE id=$id", ("$id", 0L)))
            {
                foreach (var message in consumed)
                {
                    delete.Parameters["$id"].Value = message.Id;
                    delete.ExecuteNonQuery();
                }
            }
            var journal = _journals.TryGetValue(instance.InstanceId, out var cached) && cached.Generation == instance.Generation
                ? cached.Events
                : ReadJournal(instance.InstanceId);
            AppendJournal(instance.InstanceId, journal.Count, outcome.NewEvents);

            var terminal = outcome.Result is StepResult.Completed or StepResult.Failed;
            foreach (var command in outcome.Commands)
            {
                ApplyCommand(instance, command, terminal || outcome.Result == StepResult.ContinuedAsNew, now, effects);
            }

            var status = outcome.Result switch
            {
                StepResult.Completed => WorkflowRuntimeStatus.Completed,
                StepResult.Failed => WorkflowRuntimeStatus.Failed,
                _ => WorkflowRuntimeStatus.Running,
            };
            using (var update = Command("""
                UPDATE wf_instances SET status=$s, output=$o, failure=$f, custom_status=$c, updated_at=$u WHERE instance_id=$id
                """, ("$s", (int)status), ("$o", (object?)(terminal ? outcome.OutputJson : null) ?? DBNull.Value),
                ("$f", (object?)outcome.Failure?.ToJson() ?? DBNull.Value), ("$c", (object?)outcome.CustomStatusJson ?? DBNull.Value),
                ("$u", now.Ticks), ("$id", instance.InstanceId)))
            {
                update.ExecuteNonQuery();
            }

            if (terminal)
            {
                DeleteWork(instance.InstanceId);
                NotifyParent(current, outcome.Result == StepResult.Completed, outcome.OutputJson, outcome.Failure, now, effects);
                _journals.Remove(instance.InstanceId);
            }
            else if (outcome.Result == StepResult.ContinuedAsNew)
            {
                ContinueAsNew(current, outcome, now);
                _journals.Remove(instance.InstanceId);
                effects.InstancesToRun.Add(instance.InstanceId);
            }
            else
            {
                journal.AddRange(outcome.NewEvents);
                _journals[instance.InstanceId] = (instance.Generation, journal);
            }
            return effects;
        }
    }

    // ---- activities --------------------------------------------------------------------------------------------

    /// <summary>Records an activity's result and removes it from the work table; false when it is no longer wanted.</summary>
    public Task<bool> CompleteActivityAsync(ActivityWork work, bool succeeded, string? data, DateTime now) =>
        Run(() =>
        {
            using var delete = Command("DELETE FROM wf_activities WHERE instance_id=$id AND generation=$g AND task_id=$t",
                ("$id", work.InstanceId), ("$g", work.Generation), ("$t", work.TaskId));
            if (delete.ExecuteNonQuery() == 0)
            {
                return false;
            }
            InsertInbox(work.InstanceId, work.Generation, succeeded ? JournalKind.TaskCompleted : JournalKind.TaskFailed,
                work.TaskId, work.Name, data, now);
            return true;
        }, throwWhenClosed: false, closedResult: false);

    public Task<bool> RescheduleActivityAsync(ActivityWork work, DateTime visibleAt) =>
        Run(() =>
        {
            if (_closed)
            {
                return false;
            }
            using var update = Command("""
                UPDATE wf_activities SET attempt=$a, visible_at=$v WHERE instance_id=$id AND generation=$g AND task_id=$t
                """, ("$a", work.Attempt), ("$v", visibleAt.Ticks), ("$id", work.InstanceId), ("$g", work.Generation), ("$t", work.TaskId));
            return update.ExecuteNonQuery() > 0;
        }, throwWhenClosed: false, closedResult: false);

    // ---- recovery ----------------------------------------------------------------------------------------------

    /// <summary>After a start or a crash: every inbox that holds messages, and every activity not yet recorded as done.</summary>
    public Task<(List<(DateTime VisibleAt, string InstanceId)> Inboxes, List<(DateTime VisibleAt, ActivityWork Work)> Activities)> RecoverAsync() =>
        Run(() =>
        {
            var inboxes = new List<(DateTime, string)>();
            using (var command = Command("SELECT instance_id, visible_at FROM wf_inbox GROUP BY instance_id, visible_at"))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    inboxes.Add((new DateTime(reader.GetInt64(1), DateTimeKind.Utc), reader.GetString(0)));
                }
            }
            var activities = new List<(DateTime, ActivityWork)>();
            using (var command = Command("""
                SELECT a.instance_id, a.generation, a.task_id, a.name, a.input, a.attempt, a.first_attempt_at, a.retry, a.visible_at
                FROM wf_activities a JOIN wf_instances i ON i.instance_id = a.instance_id
                WHERE i.status IN ($pending, $running, $suspended)
                """, ("$pending", (int)WorkflowRuntimeStatus.Pending), ("$running", (int)WorkflowRuntimeStatus.Running),
                ("$suspended", (int)WorkflowRuntimeStatus.Suspended)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var retry = reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<StoredRetryPolicy>(reader.GetString(7), WorkflowKeys.StorageJson);
                    activities.Add((new DateTime(reader.GetInt64(8), DateTimeKind.Utc), new ActivityWork(reader.GetString(0), reader.GetInt64(1),
                        reader.GetInt32(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5),
                        new DateTime(reader.GetInt64(6), DateTimeKind.Utc), retry)));
                }
            }
            return (inboxes, activities);
        }, throwWhenClosed: true, closedResult: default((List<(DateTime VisibleAt, string InstanceId)>, List<(DateTime VisibleAt, ActivityWork Work)>)));

    // ---- helpers (called under the lock) -----------------------------------------------------------------------

    private void ApplyCommand(InstanceRow instance, WorkflowCommand command, bool finishing, DateTime now, StepEffects effects)
    {
        var entry = command.Event;
        switch (entry.Kind)
        {
            case JournalKind.TaskScheduled when !finishing:
                var retry = StoredRetryPolicy.From(command.Retry);
                using (var insert = Command("""
                    INSERT OR IGNORE INTO wf_activities(instance_id, generation, task_id, name, input, attempt, visible_at, first_attempt_at, retry)
                    VALUES($id, $g, $t, $n, $i, 1, $v, $v, $r)
                    """, ("$id", instance.InstanceId), ("$g", instance.Generation), ("$t", entry.TaskId), ("$n", entry.Name!),
                    ("$i", (object?)entry.Data ?? DBNull.Value), ("$v", now.Ticks),
                    ("$r", retry is null ? DBNull.Value : JsonSerializer.Serialize(retry, WorkflowKeys.StorageJson))))
                {
                    insert.ExecuteNonQuery();
                }
                effects.Activities.Add(new ActivityWork(instance.InstanceId, instance.Generation, entry.TaskId, entry.Name!, entry.Data, 1, now, retry));
                break;
            case JournalKind.TimerCreated when !finishing:
                var fireAt = new DateTime(long.Parse(entry.Data!, CultureInfo.InvariantCulture), DateTimeKind.Utc);
                InsertInbox(instance.InstanceId, instance.Generation, JournalKind.TimerFired, entry.TaskId, null, null, fireAt);
                effects.Timers.Add((fireAt, instance.InstanceId));
                break;
            case JournalKind.EventSent:
                var target = ReadInstance(entry.Target!);
                if (target is { IsActive: true })
                {
                    InsertInbox(target.InstanceId, -1, JournalKind.EventRaised, -1, entry.Name, entry.Data, now);
                    effects.InstancesToRun.Add(target.InstanceId);
                }
                break;
            case JournalKind.ChildCreated:
                var childId = entry.Target!;
                var existing = ReadInstance(childId);
                if (existing is { IsActive: true })
                {
                    var failure = new StoredFailure("WorkflowAlreadyExists", $"A workflow instance '{childId}' is already running.", null);
                    InsertInbox(instance.InstanceId, instance.Generation, JournalKind.ChildFailed, entry.TaskId, entry.Name, failure.ToJson(), now);
                    effects.InstancesToRun.Add(instance.InstanceId);
                    break;
                }
                if (existing is not null)
                {
                    DeleteInstance(childId);
                }
                InsertInstance(new InstanceRow(childId, entry.Name!, WorkflowRuntimeStatus.Pending, 0, entry.Data, null, null, null,
                    instance.InstanceId, entry.TaskId, instance.Generation, now, now));
                InsertInbox(childId, 0, JournalKind.ExecutionStarted, -1, entry.Name, entry.Data, now);
                effects.InstancesToRun.Add(childId);
                break;
            case JournalKind.DetachedStarted:
                var detachedId = entry.Target!;
                var previous = ReadInstance(detachedId);
                if (previous is { IsActive: true })
                {
                    break;
                }
                if (previous is not null)
                {
                    DeleteInstance(detachedId);
                }
                var startAt = command.NotBefore is { } notBefore && notBefore > now ? notBefore : now;
                InsertInstance(new InstanceRow(detachedId, entry.Name!, WorkflowRuntimeStatus.Pending, 0, entry.Data, null, null, null,
                    null, -1, 0, now, now));
                InsertInbox(detachedId, 0, JournalKind.ExecutionStarted, -1, entry.Name, entry.Data, startAt);
                effects.Timers.Add((startAt, detachedId));
                break;
            default:
                break;
        }
    }

    private void ContinueAsNew(InstanceRow instance, StepOutcome outcome, DateTime now)
    {
        var generation = instance.Generation + 1;
        using (var delete = Command("DELETE FROM wf_journal WHERE instance_id=$id", ("$id", instance.InstanceId)))
        {
            delete.ExecuteNonQuery();
        }
        DeleteWork(instance.InstanceId, keepEvents: true);
        using (var update = Command("UPDATE wf_instances SET generation=$g, input=$i, output=NULL, updated_at=$u WHERE instance_id=$id",
            ("$g", generation), ("$i", (object?)outcome.OutputJson ?? DBNull.Value), ("$u", now.Ticks), ("$id", instance.InstanceId)))
        {
            update.ExecuteNonQuery();
        }
        InsertInbox(instance.InstanceId, generation, JournalKind.ExecutionStarted, -1, instance.Name, outcome.OutputJson, now);
        foreach (var (name, data) in outcome.Carryover)
        {
            InsertInbox(instance.InstanceId, -1, JournalKind.EventRaised, -1, name, data, now);
        }
    }

    private void NotifyParent(InstanceRow child, bool succeeded, string? output, StoredFailure? failure, DateTime now, StepEffects? effects)
    {
        if (child.ParentInstanceId is null)
        {
            return;
        }
        var parent = ReadInstance(child.ParentInstanceId);
        if (parent is not { IsActive: true } || parent.Generation != child.ParentGeneration)
        {
            return;
        }
        InsertInbox(parent.InstanceId, parent.Generation, succeeded ? JournalKind.ChildCompleted : JournalKind.ChildFailed,
            child.ParentTaskId, child.Name, succeeded ? output : (failure ?? new StoredFailure("Unknown", "The child workflow failed.", null)).ToJson(), now);
        effects?.InstancesToRun.Add(parent.InstanceId);
    }

    private void TerminateTree(InstanceRow row, string? output, DateTime now, List<string> toRun)
    {
        var journal = ReadJournal(row.InstanceId);
        AppendJournal(row.InstanceId, journal.Count, [new JournalEvent(JournalKind.ExecutionTerminated, -1, null, null, output, now)]);
        using (var update = Command("UPDATE wf_instances SET status=$s, output=$o, updated_at=$u WHERE instance_id=$id",
            ("$s", (int)WorkflowRuntimeStatus.Terminated), ("$o", (object?)output ?? DBNull.Value), ("$u", now.Ticks), ("$id", row.InstanceId)))
        {
            update.ExecuteNonQuery();
        }
        DeleteWork(row.InstanceId);
        _journals.Remove(row.InstanceId);
        var effects = new StepEffects();
        NotifyParent(row, false, null, new StoredFailure("WorkflowTerminated", $"The child workflow '{row.InstanceId}' was terminated.", null), now, effects);
        toRun.AddRange(effects.InstancesToRun);
        var children = new List<InstanceRow>();
        using (var command = Command($"SELECT {InstanceColumns} FROM wf_instances WHERE parent_instance_id=$id AND status IN ($p, $r, $s)",
            ("$id", row.InstanceId), ("$p", (int)WorkflowRuntimeStatus.Pending), ("$r", (int)WorkflowRuntimeStatus.Running),
            ("$s", (int)WorkflowRuntimeStatus.Suspended)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                children.Add(ReadInstanceRow(reader));
            }
        }
        foreach (var child in children)
        {
            TerminateTree(child, null, now, toRun);
        }
    }

    private void DeleteWork(string instanceId, bool keepEvents = false)
    {
        using var inbox = Command(keepEvents
            ? "DELETE FROM wf_inbox WHERE instance_id=$id AND kind<>$e"
            : "DELETE FROM wf_inbox WHERE instance_id=$id", ("$id", instanceId), ("$e", (int)JournalKind.EventRaised));
        inbox.ExecuteNonQuery();
        using var activities = Command("DELETE FROM wf_activities WHERE instance_id=$id", ("$id", instanceId));
        activities.ExecuteNonQuery();
    }

    private void DeleteInstance(string instanceId)
    {
        DeleteWork(instanceId);
        using var journal = Command("DELETE FROM wf_journal WHERE instance_id=$id", ("$id", instanceId));
        journal.ExecuteNonQuery();
        using var instance = Command("DELETE FROM wf_instances WHERE instance_id=$id", ("$id", instanceId));
        instance.ExecuteNonQuery();
        _journals.Remove(instanceId);
    }

    private void InsertInstance(InstanceRow row)
    {
        using var insert = Command("""
            INSERT INTO wf_instances(instance_id, name, status, generation, input, parent_instance_id, parent_task_id, parent_generation, created_at, updated_at)
            VALUES($id, $n, $s, $g, $i, $p, $pt, $pg, $c, $c)
            """, ("$id", row.InstanceId), ("$n", row.Name), ("$s", (int)row.Status), ("$g", row.Generation), ("$i", (object?)row.Input ?? DBNull.Value),
            ("$p", (object?)row.ParentInstanceId ?? DBNull.Value), ("$pt", row.ParentTaskId), ("$pg", row.ParentGeneration), ("$c", row.CreatedAt.Ticks));
        insert.ExecuteNonQuery();
    }

    private void InsertInbox(string instanceId, long generation, JournalKind kind, int taskId, string? name, string? data, DateTime visibleAt)
    {
        using var insert = Command("""
            INSERT INTO wf_inbox(instance_id, generation, kind, task_id, name, data, visible_at) VALUES($id, $g, $k, $t, $n, $d, $v)
            """, ("$id", instanceId), ("$g", generation), ("$k", (int)kind), ("$t", taskId), ("$n", (object?)name ?? DBNull.Value),
            ("$d", (object?)data ?? DBNull.Value), ("$v", visibleAt.Ticks));
        insert.ExecuteNonQuery();
    }

    private void AppendJournal(string instanceId, int firstSeq, IReadOnlyList<JournalEvent> events)
    {
        using var insert = Command("""
            INSERT INTO wf_journal(instance_id, seq, kind, task_id, name, target, data, ts) VALUES($id, $s, $k, $t, $n, $tg, $d, $ts)
            """, ("$id", instanceId), ("$s", 0), ("$k", 0), ("$t", 0), ("$n", DBNull.Value), ("$tg", DBNull.Value), ("$d", DBNull.Value), ("$ts", 0L));
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            insert.Parameters["$s"].Value = firstSeq + i;
            insert.Parameters["$k"].Value = (int)e.Kind;
            insert.Parameters["$t"].Value = e.TaskId;
            insert.Parameters["$n"].Value = (object?)e.Name ?? DBNull.Value;
            insert.Parameters["$tg"].Value = (object?)e.Target ?? DBNull.Value;
            insert.Parameters["$d"].Value = (object?)e.Data ?? DBNull.Value;
            insert.Parameters["$ts"].Value = e.Timestamp.Ticks;
            insert.ExecuteNonQuery();
        }
    }

    private List<JournalEvent> ReadJournal(string instanceId)
    {
        using var command = Command("SELECT kind, task_id, name, target, data, ts FROM wf_journal WHERE instance_id=$id ORDER BY seq", ("$id", instanceId));
        using var reader = command.ExecuteReader();
        var events = new List<JournalEvent>();
        while (reader.Read())
        {
            events.Add(new JournalEvent((JournalKind)reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                new DateTime(reader.GetInt64(5), DateTimeKind.Utc)));
        }
        return events;
    }

    private const string InstanceColumns = "instance_id, name, status, generation, input, output, custom_status, failure, parent_instance_id, parent_task_id, parent_generation, created_at, updated_at";

    private InstanceRow? ReadInstance(string instanceId)
    {
        using var command = Command($"SELECT {InstanceColumns} FROM wf_instances WHERE instance_id=$id", ("$id", instanceId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadInstanceRow(reader) : null;
    }

    private static InstanceRow ReadInstanceRow(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), (WorkflowRuntimeStatus)reader.GetInt32(2), reader.GetInt64(3),
        reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<StoredFailure>(reader.GetString(7), WorkflowKeys.StorageJson),
        reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetInt32(9), reader.GetInt64(10),
        new DateTime(reader.GetInt64(11), DateTimeKind.Utc), new DateTime(reader.GetInt64(12), DateTimeKind.Utc));

    // Statements are prepared once and reused (all under the lock): parsing SQL on every call was a large share of a step.
    private CachedCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            _commands[sql] = command;
        }
        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = value;
        }
        return new CachedCommand(command);
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A reused statement; disposing it keeps it for the next call.</summary>
    private readonly struct CachedCommand(SqliteCommand command) : IDisposable
    {
        public SqliteParameterCollection Parameters => command.Parameters;

        public int ExecuteNonQuery() => command.ExecuteNonQuery();

        public SqliteDataReader ExecuteReader() => command.ExecuteReader();

        public void Dispose()
        {
        }
    }

}

internal sealed record WorkflowOperationOutcomeRow(InstanceRow? Instance, bool Applied);
