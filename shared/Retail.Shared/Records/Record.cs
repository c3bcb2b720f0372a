using System.Text.Json.Serialization;

namespace Retail.Shared.Records;

/// <summary>
/// The base of every stored record: revision (1 on create, +1 on every change), timestamps, doom.
/// Concrete records add their own <c>{entity}_guid</c> and expose it as <see cref="Key"/>.
/// </summary>
public abstract record Record
{
    public long Revision { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? DoomedAt { get; init; }

    [JsonIgnore]
    public abstract string Key { get; }

    [JsonIgnore]
    public bool IsDoomed => DoomedAt is not null;

    // `this with` clones the runtime type, so the store can stamp any derived record.
    internal Record Stamp(long revision, DateTimeOffset createdAt, DateTimeOffset updatedAt, DateTimeOffset? doomedAt) =>
        this with { Revision = revision, CreatedAt = createdAt, UpdatedAt = updatedAt, DoomedAt = doomedAt };
}

/// <summary>A record as read, with the ETag that makes the next write conditional on nothing having changed.</summary>
public sealed record Loaded<T>(T Record, string ETag) where T : Record;

/// <summary>A unique business identifier (an e-mail, a code): at most one live record holds it.</summary>
public readonly record struct UniqueValue(string Name, string Value);

/// <summary>
/// Describes one kind of record: its entity name (used in keys, CDC types and history) and its unique values.
/// </summary>
public sealed class RecordType<T>(string entity, Func<T, IEnumerable<UniqueValue>>? uniques = null) where T : Record
{
    public string Entity { get; } = entity;

    public IEnumerable<UniqueValue> UniquesOf(T record) => uniques?.Invoke(record) ?? [];
}
