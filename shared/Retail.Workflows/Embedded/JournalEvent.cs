namespace Retail.Workflows.Embedded;

/// <summary>What one row of an instance's journal records. Values are stored; never renumber.</summary>
internal enum JournalKind
{
    StepStarted = 1,
    ExecutionStarted = 2,
    TaskScheduled = 3,
    TaskCompleted = 4,
    TaskFailed = 5,
    TimerCreated = 6,
    TimerFired = 7,
    EventRaised = 8,
    EventSent = 9,
    ChildCreated = 10,
    ChildCompleted = 11,
    ChildFailed = 12,
    PatchApplied = 13,
    ExecutionCompleted = 14,
    ExecutionFailed = 15,
    ExecutionTerminated = 16,
    ContinuedAsNew = 17,
    DetachedStarted = 18,
}

/// <summary>
/// One journal entry. <see cref="TaskId"/> is the workflow's own sequence number of the command
/// (activity, timer, child, sent event) the entry belongs to, or -1.
/// </summary>
internal sealed record JournalEvent(JournalKind Kind, int TaskId, string? Name, string? Target, string? Data, DateTime Timestamp)
{
    public bool IsCommand => Kind is JournalKind.TaskScheduled or JournalKind.TimerCreated or JournalKind.ChildCreated
        or JournalKind.EventSent or JournalKind.DetachedStarted;
}

/// <summary>A message waiting in an instance's inbox: a result, a fired timer, a raised event, or the start.</summary>
internal sealed record InboxMessage(long Id, JournalKind Kind, int TaskId, string? Name, string? Data, long Generation);
