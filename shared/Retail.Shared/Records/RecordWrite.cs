namespace Retail.Shared.Records;

public enum RecordWriteOutcome
{
    Written,

    /// <summary>Another writer changed the record since it was read; <see cref="RecordWrite{T}.CurrentRevision"/> says where it is.</summary>
    RevisionMismatch,

    /// <summary>A unique value is held by another live record; <see cref="RecordWrite{T}.DuplicateOf"/> names it.</summary>
    Duplicate,
}

public sealed record RecordWrite<T>(RecordWriteOutcome Outcome, T? Record, long? CurrentRevision = null, string? DuplicateOf = null)
    where T : Record
{
    public bool Succeeded => Outcome == RecordWriteOutcome.Written;
}

/// <summary>A business event committed with a record change (transactional outbox). Topic = the event type.</summary>
public sealed record DomainEvent(string Type, object Data, string? Subject = null);

/// <summary>One entry of a record's history: who changed it, when, to which revision, which fields, and the state after.</summary>
public sealed record HistoryEntry(
    string Entity,
    string Key,
    long Revision,
    string Op,
    DateTimeOffset At,
    string? PrincipalId,
    IReadOnlyList<string> Changed,
    System.Text.Json.JsonElement Record);

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextToken);
