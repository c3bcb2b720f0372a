using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Problems;

namespace Retail.Shared.Records;

public enum RecordWriteOutcome
{
    Written,

    /// <summary>Another writer changed the record since it was read; <see cref="RecordWrite{T}.CurrentRevision"/> says where it is.</summary>
    RevisionMismatch,

    /// <summary>A unique value is held by another live record; <see cref="RecordWrite{T}.DuplicateOf"/> names it.</summary>
    Duplicate,
}

public sealed record RecordWrite<T>(RecordWriteOutcome Outcome, T? Record, long? CurrentRevision = null, string? DuplicateOf = null,
    string? Entity = null) where T : Record
{
    public bool Succeeded => Outcome == RecordWriteOutcome.Written;

    /// <summary>The problem a failed write answers: 409 <c>revision_mismatch</c> with the current revision, or 409 <c>duplicate</c> naming the field.</summary>
    public ProblemHttpResult Problem() => Outcome switch
    {
        RecordWriteOutcome.Duplicate => ApiProblem.Duplicate(
            $"Another {(Entity ?? "record").Replace('_', ' ')} already holds this {DuplicateOf ?? "value"}.", DuplicateOf),
        RecordWriteOutcome.RevisionMismatch => ApiProblem.RevisionMismatch(CurrentRevision ?? 0),
        _ => throw new InvalidOperationException("the write succeeded"),
    };

    /// <summary>200 with the written record, or the write's problem.</summary>
    public Results<Ok<T>, ProblemHttpResult> ToOk() => Succeeded ? TypedResults.Ok(Record!) : Problem();

    /// <summary>200 with a view of the written record (what the API shows of it), or the write's problem.</summary>
    public Results<Ok<TView>, ProblemHttpResult> ToOk<TView>(Func<T, TView> view) => Succeeded ? TypedResults.Ok(view(Record!)) : Problem();

    /// <summary>201 with the created record, or the write's problem.</summary>
    public Results<Created<T>, ProblemHttpResult> ToCreated() => Succeeded ? TypedResults.Created((string?)null, Record!) : Problem();

    public Results<Created<TView>, ProblemHttpResult> ToCreated<TView>(Func<T, TView> view) =>
        Succeeded ? TypedResults.Created((string?)null, view(Record!)) : Problem();
}

/// <summary>The record a change starts from, or the problem that stops it.</summary>
public sealed record ChangeBase<T>(Loaded<T>? Loaded, ProblemHttpResult? Problem) where T : Record;

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
