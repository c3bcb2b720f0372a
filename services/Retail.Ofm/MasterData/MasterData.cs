using System.Text.Json.Serialization;
using FluentValidation;

namespace Retail.Ofm.MasterData;

/// <summary>The lifecycle every piece of OFM master data shares (facilities, zones, teams, cost centres, channels).</summary>
public enum MasterStatus
{
    Active,
    Inactive,
    Retired,
}

/// <summary>A coded master record: unique code within its org (or parent), the shared lifecycle, its own record type.</summary>
public interface IMasterRecord<T> where T : Record, IMasterRecord<T>
{
    static abstract RecordType<T> Type { get; }

    /// <summary>The unique value name its code is stored under.</summary>
    static abstract string CodeName { get; }

    [JsonIgnore]
    string Code { get; }

    MasterStatus Status { get; }

    T WithStatus(MasterStatus status, string? reason);
}

/// <summary>A request naming one record by its guid or its code.</summary>
public interface IKeyOrCode
{
    [JsonIgnore]
    string? Guid { get; }

    [JsonIgnore]
    string? Code { get; }
}

public interface IRevisioned
{
    long? ExpectedRevision { get; }
}

public interface IStatusChange : IKeyOrCode, IRevisioned
{
    MasterStatus? Status { get; }

    string? Reason { get; }
}

/// <summary>An update request applies itself to the current record (fields left null stay as they are).</summary>
public interface IUpdateOf<T> : IKeyOrCode, IRevisioned where T : Record
{
    T Apply(T current);
}

public interface IMasterList : IPagedRequest
{
    MasterStatus? Status { get; }

    bool? IncludeDoomed { get; }
}

public static class MasterLifecycle
{
    public static readonly StateMachine<MasterStatus> Machine = new(new Dictionary<MasterStatus, MasterStatus[]>
    {
        [MasterStatus.Active] = [MasterStatus.Inactive, MasterStatus.Retired],
        [MasterStatus.Inactive] = [MasterStatus.Active, MasterStatus.Retired],
        [MasterStatus.Retired] = [],
    });

    public static string Name(MasterStatus status) => Retail.Shared.Json.SnakeCase.Name(status);
}

/// <summary>
/// The get, list, update and status handlers every master record shares: load by guid or code, check the revision,
/// apply, save with the ETag check, and clear the directory's cached context answers when a status moves.
/// </summary>
public static class MasterDataApi
{
    public static async Task<Loaded<T>?> LoadAsync<T>(RecordStore<T> store, string orgcode, IKeyOrCode key, CancellationToken ct)
        where T : Record, IMasterRecord<T>
    {
        if (!string.IsNullOrWhiteSpace(key.Guid))
        {
            var byGuid = await store.GetAsync(orgcode, key.Guid, ct: ct);
            return byGuid is null || (key.Code is not null && byGuid.Record.Code != Codes.Normalize(key.Code)) ? null : byGuid;
        }
        return string.IsNullOrWhiteSpace(key.Code) ? null : await store.FindAsync(orgcode, T.CodeName, Codes.Normalize(key.Code), ct);
    }

    public static async Task<Results<Ok<T>, ProblemHttpResult>> Get<T, TKey>(TKey request, RecordStore<T> store, RequestContext context,
        CancellationToken ct) where T : Record, IMasterRecord<T> where TKey : IKeyOrCode =>
        await LoadAsync(store, context.RequireOrgcode(), request, ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound($"No such {store.Entity.Replace('_', ' ')} in this org.");

    public static async Task<Ok<Page<T>>> List<T, TList>(TList request, RecordStore<T> store, RequestContext context, CancellationToken ct)
        where T : Record, IMasterRecord<T> where TList : IMasterList =>
        TypedResults.Ok(await ListAsync(store, context.RequireOrgcode(), request, [], ct));

    public static Task<Page<T>> ListAsync<T>(RecordStore<T> store, string orgcode, IMasterList request, IEnumerable<StateFilter> extra,
        CancellationToken ct) where T : Record, IMasterRecord<T>
    {
        var filters = extra.ToList();
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", MasterLifecycle.Name(status)));
        }
        return store.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken, request.IncludeDoomed ?? false, ct: ct);
    }

    public static async Task<Results<Ok<T>, ProblemHttpResult>> Update<T, TUpdate>(TUpdate request, RecordStore<T> store, RequestContext context,
        CancellationToken ct) where T : Record, IMasterRecord<T> where TUpdate : IUpdateOf<T>
    {
        var (loaded, problem) = await LoadForChangeAsync(store, context.RequireOrgcode(), request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await store.UpdateAsync(context.Orgcode, loaded!, request.Apply(loaded!.Record), ct: ct);
        return Answer(write, store.Entity);
    }

    public static async Task<Results<Ok<T>, ProblemHttpResult>> SetStatus<T, TStatus>(TStatus request, RecordStore<T> store,
        RequestContext context, OrgDirectoryCache cache, CancellationToken ct) where T : Record, IMasterRecord<T> where TStatus : IStatusChange
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadForChangeAsync(store, orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var to = request.Status!.Value;
        if (MasterLifecycle.Machine.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        var write = await store.UpdateAsync(orgcode, loaded, current.WithStatus(to, request.Reason), "status_changed",
            [new DomainEvent(DirectoryTopics.ContextChanged,
                new OfmContextChanged(orgcode, store.Entity, current.Code, MasterLifecycle.Name(current.Status), MasterLifecycle.Name(to)))], ct);
        cache.Invalidate(orgcode);
        return Answer(write, store.Entity);
    }

    /// <summary>Loads the record a change names and checks <c>expected_revision</c>; the problem when either fails.</summary>
    public static async Task<(Loaded<T>? Loaded, ProblemHttpResult? Problem)> LoadForChangeAsync<T>(RecordStore<T> store, string orgcode,
        IKeyOrCode request, CancellationToken ct) where T : Record, IMasterRecord<T>
    {
        if (request is IRevisioned { ExpectedRevision: null })
        {
            return (null, ApiProblem.ExpectedRevisionRequired());
        }
        var loaded = await LoadAsync(store, orgcode, request, ct);
        if (loaded is null)
        {
            return (null, ApiProblem.NotFound($"No such {store.Entity.Replace('_', ' ')} in this org."));
        }
        if (request is IRevisioned { ExpectedRevision: { } expected } && loaded.Record.Revision != expected)
        {
            return (null, ApiProblem.RevisionMismatch(loaded.Record.Revision));
        }
        return (loaded, null);
    }

    public static Results<Ok<T>, ProblemHttpResult> Answer<T>(RecordWrite<T> write, string entity) where T : Record => write.Outcome switch
    {
        RecordWriteOutcome.Written => TypedResults.Ok(write.Record!),
        RecordWriteOutcome.Duplicate => ApiProblem.Duplicate($"Another {entity.Replace('_', ' ')} already holds this {write.DuplicateOf}."),
        _ => ApiProblem.RevisionMismatch(write.CurrentRevision ?? 0),
    };

    public static Results<Created<T>, ProblemHttpResult> AnswerCreated<T>(RecordWrite<T> write, string entity) where T : Record =>
        write.Outcome == RecordWriteOutcome.Written
            ? TypedResults.Created((string?)null, write.Record!)
            : ApiProblem.Duplicate($"Another {entity.Replace('_', ' ')} already holds this {write.DuplicateOf}.");
}

public sealed record OfmContextChanged(string Orgcode, string Entity, string Code, string From, string To);

/// <summary>Validation rules shared by the OFM request validators.</summary>
public static class OfmRules
{
    /// <summary>A request naming a record needs its guid or its code.</summary>
    public static void AddKeyRules<T>(this AbstractValidator<T> validator) where T : IKeyOrCode
    {
        validator.RuleFor(r => r.Guid).OptionalGuid();
        // A zone is named "{facility_code}/{zone_code}"; each part is a code.
        validator.RuleFor(r => r.Code).Must(c => c is null || c.Split('/').All(part => Codes.IsValid(Codes.Normalize(part))))
            .WithMessage($"must match {Codes.PatternText}");
        validator.RuleFor(r => r.Guid).Must((r, guid) => !string.IsNullOrWhiteSpace(guid) || !string.IsNullOrWhiteSpace(r.Code))
            .WithMessage("name the record by its guid or its code");
    }

    public static void AddStatusRules<T>(this AbstractValidator<T> validator) where T : IStatusChange
    {
        validator.AddKeyRules();
        validator.RuleFor(r => r.Status).NotNull().WithMessage("is required");
        validator.RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        validator.RuleFor(r => r.Reason).Text(500);
    }

    public static void AddUpdateRules<T, TRecord>(this AbstractValidator<T> validator) where T : IUpdateOf<TRecord> where TRecord : Record
    {
        validator.AddKeyRules();
        validator.RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }

    public static void AddListRules<T>(this AbstractValidator<T> validator) where T : IMasterList => validator.AddPagingRules();

}
