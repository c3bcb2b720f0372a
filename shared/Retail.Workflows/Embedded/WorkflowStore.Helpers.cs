using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Retail.Workflows.Embedded;

/// <summary>What the operations share, run on the journal thread.</summary>
internal sealed partial class WorkflowStore
{
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
