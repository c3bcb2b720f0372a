using System.Text.Json.Serialization;
using Retail.Shared.Records;

namespace Retail.Shared.Collaboration;

public enum InboxState
{
    Open,
    Acknowledged,
    InProgress,
    Done,
    Dismissed,
}

/// <summary>Visibility, apart from the work state: an archived item leaves the default lists and search.</summary>
public enum InboxStatus
{
    Active,
    Archived,
}

public enum InboxPriority
{
    Low,
    Normal,
    High,
    Urgent,
}

public enum AssigneeKind
{
    Member,
    Team,
}

/// <summary>Who the work is for: a member (user guid) or a team (team guid) of the org.</summary>
public sealed record Assignee(AssigneeKind? Kind, string? Id);

/// <summary>A work item about a subject record, assigned to a member or a team.</summary>
public sealed record InboxItem : Record
{
    public required string InboxItemGuid { get; init; }

    public required string Title { get; init; }

    public string? Body { get; init; }

    public required string SubjectEntity { get; init; }

    public required string SubjectKey { get; init; }

    public required Assignee Assignee { get; init; }

    public InboxPriority Priority { get; init; } = InboxPriority.Normal;

    /// <summary>Whole seconds, so the stored RFC 3339 text orders as time does (the "due before" filter compares it).</summary>
    public DateTimeOffset? DueAt { get; init; }

    public InboxState State { get; init; } = InboxState.Open;

    public InboxStatus Status { get; init; } = InboxStatus.Active;

    public string? CreatedBy { get; init; }

    /// <summary>What full-text search may find: title and body while the item is active.</summary>
    public string? SearchText => Status == InboxStatus.Active ? string.Join('\n', new[] { Title, Body }.OfType<string>()) : null;

    [JsonIgnore]
    public override string Key => InboxItemGuid;

    /// <summary>
    /// The visible items of an assignee, in a state, of a subject, or due before a time are index lookups; the due time is
    /// kept as epoch milliseconds beside the record, since timestamps as text do not order when their fractions differ.
    /// </summary>
    public static readonly RecordType<InboxItem> Type = new RecordType<InboxItem>("inbox_item")
        .Computed("due_ms", i => i.DueAt?.ToUnixTimeMilliseconds())
        .IndexBy("status", "assignee.kind", "assignee.id")
        .IndexBy("status", "state")
        .IndexBy("status", "subject_entity", "subject_key")
        .IndexBy("status", "due_ms");
}

public static class InboxRules
{
    /// <summary>Work moves forward one step at a time, and can be dismissed until it is done.</summary>
    public static readonly StateMachine<InboxState> Work = new(new Dictionary<InboxState, InboxState[]>
    {
        [InboxState.Open] = [InboxState.Acknowledged, InboxState.Dismissed],
        [InboxState.Acknowledged] = [InboxState.InProgress, InboxState.Dismissed],
        [InboxState.InProgress] = [InboxState.Done, InboxState.Dismissed],
        [InboxState.Done] = [],
        [InboxState.Dismissed] = [],
    });

    public static readonly StateMachine<InboxStatus> Visibility = new(new Dictionary<InboxStatus, InboxStatus[]>
    {
        [InboxStatus.Active] = [InboxStatus.Archived],
        [InboxStatus.Archived] = [InboxStatus.Active],
    });

    public static DateTimeOffset WholeSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}

/// <summary>An inbox item as answered (without its search text).</summary>
public sealed record InboxItemView(
    string InboxItemGuid,
    string Title,
    string? Body,
    string SubjectEntity,
    string SubjectKey,
    Assignee Assignee,
    InboxPriority Priority,
    DateTimeOffset? DueAt,
    InboxState State,
    InboxStatus Status,
    string? CreatedBy,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static InboxItemView From(InboxItem i) => new(i.InboxItemGuid, i.Title, i.Body, i.SubjectEntity, i.SubjectKey, i.Assignee, i.Priority,
        i.DueAt, i.State, i.Status, i.CreatedBy, i.Revision, i.CreatedAt, i.UpdatedAt);
}
