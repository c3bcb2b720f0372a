using System.Reflection;
using System.Text.Json;
using Retail.Shared.Json;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Bulk;

/// <summary>One accepted record of a call: its index in the call, its natural key, and the record as parsed and normalised.</summary>
public sealed record BulkRow<TRow>(int Index, string Key, TRow Row);

/// <summary>
/// The shape every bulk entity shares: a record of the call is read strictly (an unknown field is a rejection, as for a
/// request), checked by the entity's validator (the service's own create rules), normalised, keyed, and a second record
/// with the same key in one call is refused. What remains is staged by the entity (<see cref="StageAsync"/>) into one
/// <see cref="BulkChanges"/>, which commits them in one transaction.
/// </summary>
public abstract class BulkEntity<TRow> : IBulkEntity where TRow : class
{
    private static readonly NullabilityInfoContext Nullability = new();

    protected BulkEntity(string entity, IReadOnlyList<string> naturalKey, IReadOnlyCollection<string> required)
    {
        Entity = entity;
        NaturalKey = naturalKey;
        Fields = typeof(TRow).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => SnakeCase.Name(p.Name))
            .Select(name => new BulkField(name, TypeName(typeof(TRow).GetProperty(ToPascal(name))!.PropertyType), required.Contains(name)))
            .ToList();
    }

    public string Entity { get; }

    public virtual int SchemaVersion => 1;

    public IReadOnlyList<string> NaturalKey { get; }

    public IReadOnlyList<BulkField> Fields { get; }

    public virtual IReadOnlyCollection<string> ExportFilters => [];

    /// <summary>The service's own rules for a create of this record (its request validator, run on the record).</summary>
    protected abstract FluentValidation.Results.ValidationResult Validate(TRow row);

    /// <summary>The record with its codes normalised (trimmed, lower case), as the service's create would store them.</summary>
    protected abstract TRow Normalize(TRow row);

    protected abstract string KeyOf(TRow row);

    /// <summary>Decides every accepted record (created, updated, unchanged or rejected) into <paramref name="changes"/>.</summary>
    protected abstract Task StageAsync(string orgcode, IReadOnlyList<BulkRow<TRow>> rows, BulkChanges changes, CancellationToken ct);

    public abstract Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct);

    public abstract Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct);

    public abstract Task<long> CountAsync(string orgcode, CancellationToken ct);

    public async Task<BulkUpsertOutcome> UpsertAsync(string orgcode, IReadOnlyList<JsonElement> records, bool dryRun, CancellationToken ct)
    {
        var changes = new BulkChanges(dryRun);
        var rows = new List<BulkRow<TRow>>(records.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < records.Count; index++)
        {
            if (Parse(records[index]) is not { } parsed)
            {
                changes.Reject(index, null, BulkProblems.InvalidRecord, ParseError(records[index]));
                continue;
            }
            var checkedRow = Validate(parsed);
            if (!checkedRow.IsValid)
            {
                var first = checkedRow.Errors[0];
                changes.Reject(index, SafeKey(parsed), BulkProblems.ValidationFailed, first.ErrorMessage, first.PropertyName);
                continue;
            }
            var row = Normalize(parsed);
            var key = KeyOf(row);
            if (!seen.Add(key))
            {
                changes.Reject(index, key, BulkProblems.DuplicateInCall, "An earlier record of this call has the same key.", NaturalKey[0]);
                continue;
            }
            rows.Add(new BulkRow<TRow>(index, key, row));
        }
        if (rows.Count > 0)
        {
            await StageAsync(orgcode, rows, changes, ct);
        }
        return await changes.CommitAsync(ct);
    }

    /// <summary>Every live record of the org, counted by the store over the entity's list index.</summary>
    protected static Task<long> CountLiveAsync<T>(RecordStore<T> store, string orgcode, CancellationToken ct) where T : Record =>
        store.CountAsync(orgcode, ct: ct);

    /// <summary>Found and missing keys, when the natural key is one unique value of <paramref name="store"/>'s records.</summary>
    protected static async Task<BulkKeysResponse> KeysByUniqueAsync<T>(RecordStore<T> store, string orgcode, string uniqueName, IReadOnlyList<string> keys,
        CancellationToken ct) where T : Record
    {
        var found = await store.FindManyAsync(orgcode, uniqueName, keys, ct);
        return new BulkKeysResponse(keys.Where(found.ContainsKey).ToList(), keys.Where(k => !found.ContainsKey(k)).ToList());
    }

    /// <summary>An export's equality filters on record fields (the port has refused names outside <see cref="ExportFilters"/>).</summary>
    protected static List<StateFilter> EqualityFilters(IReadOnlyDictionary<string, string> filters) =>
        filters.Select(f => StateFilter.Eq(f.Key, f.Value)).ToList();

    /// <summary>Why a status move is refused (null when the status stays or the lifecycle allows the move); a new record may start in any status.</summary>
    protected static string? RefusedMove<TStatus>(StateMachine<TStatus> lifecycle, TStatus from, TStatus to) where TStatus : struct, Enum =>
        from.Equals(to) || lifecycle.CanMove(from, to) ? null
            : $"A {SnakeCase.Name(from)} record cannot become {SnakeCase.Name(to)}; allowed: {string.Join(", ", lifecycle.AllowedFrom(from).Select(s => SnakeCase.Name(s)))}.";

    private string? SafeKey(TRow row)
    {
        try
        {
            return KeyOf(Normalize(row));
        }
        catch (Exception ex) when (ex is NullReferenceException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static TRow? Parse(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        try
        {
            return record.Deserialize<TRow>(RetailJson.Api);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ParseError(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return "A record is a JSON object.";
        }
        try
        {
            record.Deserialize<TRow>(RetailJson.Api);
            return "The record is empty.";
        }
        catch (JsonException ex)
        {
            return ex.Message;
        }
    }

    private static string ToPascal(string snake) => string.Concat(snake.Split('_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));

    private static string TypeName(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) ? "string"
            : t == typeof(int) || t == typeof(long) ? "integer"
            : t == typeof(decimal) || t == typeof(double) ? "number"
            : t == typeof(bool) ? "boolean"
            : t == typeof(DateOnly) ? "date"
            : t == typeof(DateTimeOffset) ? "timestamp"
            : t.IsEnum ? "string"
            : t.IsAssignableTo(typeof(System.Collections.IEnumerable)) ? "array"
            : "object";
    }
}

/// <summary>
/// The decisions of one upsert call: a result per record, and the creates and updates staged in one
/// <see cref="RecordBatch"/>. A record equal to the stored one is <c>unchanged</c> and not written (no revision, no event).
/// </summary>
public sealed class BulkChanges(bool dryRun)
{
    private readonly List<BulkResult> _results = [];

    public RecordBatch Batch { get; } = new();

    public bool DryRun => dryRun;

    public void Reject(int index, string? key, string code, string reason, string? field = null) =>
        _results.Add(new BulkResult(index, key, BulkOutcomes.Rejected, code, reason, field));

    public void Reject<TRow>(BulkRow<TRow> row, string code, string reason, string? field = null) => Reject(row.Index, row.Key, code, reason, field);

    /// <summary>
    /// Stages <paramref name="next"/> as a create (no <paramref name="existing"/>) or an update, or nothing when it equals the
    /// stored record. <paramref name="events"/> get the record as it will be stored (its revision included).
    /// </summary>
    public string Upsert<T, TRow>(RecordStore<T> store, string orgcode, BulkRow<TRow> row, Loaded<T>? existing, T next,
        Func<T, IEnumerable<DomainEvent>>? events = null) where T : Record
    {
        string outcome;
        if (existing is null)
        {
            outcome = BulkOutcomes.Created;
            if (!dryRun)
            {
                store.Create(Batch, orgcode, next, events?.Invoke((T)next.Stamp(1, next.CreatedAt, next.UpdatedAt, null)));
            }
        }
        else if (Same(existing.Record, next))
        {
            outcome = BulkOutcomes.Unchanged;
        }
        else
        {
            outcome = BulkOutcomes.Updated;
            if (!dryRun)
            {
                var current = existing.Record;
                store.Update(Batch, orgcode, existing, next, "updated",
                    events?.Invoke((T)next.Stamp(current.Revision + 1, current.CreatedAt, current.UpdatedAt, next.DoomedAt)));
            }
        }
        _results.Add(new BulkResult(row.Index, row.Key, outcome));
        return outcome;
    }

    /// <summary>A record the entity wrote itself (through a ledger of its own, in its own transaction).</summary>
    public void Decided<TRow>(BulkRow<TRow> row, string outcome) => _results.Add(new BulkResult(row.Index, row.Key, outcome));

    /// <summary>Changes a decided record's outcome (an unchanged record whose parts, such as new barcodes, are written beside it).</summary>
    public void Restate(int index, string outcome)
    {
        var at = _results.FindIndex(r => r.Index == index);
        _results[at] = _results[at] with { Outcome = outcome };
    }

    /// <summary>Whether <paramref name="next"/> holds what <paramref name="stored"/> holds (revision and timestamps aside).</summary>
    public static bool Same<T>(T stored, T next) where T : Record =>
        JsonSerializer.SerializeToUtf8Bytes(stored, RetailJson.Storage).AsSpan().SequenceEqual(
            JsonSerializer.SerializeToUtf8Bytes((T)next.Stamp(stored.Revision, stored.CreatedAt, stored.UpdatedAt, stored.DoomedAt), RetailJson.Storage));

    public async Task<BulkUpsertOutcome> CommitAsync(CancellationToken ct)
    {
        if (!dryRun)
        {
            var written = await Batch.CommitAsync(ct);
            if (!written.Succeeded)
            {
                return new BulkUpsertOutcome([], written);
            }
        }
        return new BulkUpsertOutcome(_results.OrderBy(r => r.Index).ToList());
    }
}
