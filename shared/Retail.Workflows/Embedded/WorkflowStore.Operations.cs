using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Retail.Workflows.Embedded;

/// <summary>The journal's operations: start, read, list, control, steps and activities, recovery.</summary>
internal sealed partial class WorkflowStore
{
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

    public Task<IReadOnlyList<InstanceRow>> ListAsync(WorkflowRuntimeStatus? status, string? name, string? prefix, int limit, string? after) =>
        Run(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT {InstanceColumns} FROM wf_instances
                WHERE ($status IS NULL OR status = $status) AND ($name IS NULL OR name = $name) AND ($after IS NULL OR instance_id > $after)
                  AND ($prefix IS NULL OR substr(instance_id, 1, length($prefix)) = $prefix)
                ORDER BY instance_id LIMIT {limit}
                """;
            command.Parameters.AddWithValue("$status", status is null ? DBNull.Value : (int)status);
            command.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
            command.Parameters.AddWithValue("$prefix", (object?)prefix ?? DBNull.Value);
            command.Parameters.AddWithValue("$after", (object?)after ?? DBNull.Value);
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
}
