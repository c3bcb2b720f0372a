using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Retail.Shared.Contract;
using Retail.Shared.Problems;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.MasterData;

/// <summary>What a service says about one coded record type's operations; the rest is standard.</summary>
public record LifecycleRoutes<T, TStatus> where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum
{
    /// <summary>The create handler (its own request type and rules). Mapped at <c>/create</c>, member role, as a write.</summary>
    public required Delegate Create { get; init; }

    /// <summary>The update handler, usually <c>MasterDataApi.Update&lt;T, TUpdate&gt;</c>; none when null.</summary>
    public Delegate? Update { get; init; }

    /// <summary>A list with filters of its own; the standard one (status, include_doomed) when null.</summary>
    public Delegate? List { get; init; }

    public string StatusPath { get; init; } = "/status";

    /// <summary>Where create is mapped: <c>/create</c>, or the group's own path (<c>""</c>, PVM's <c>/division</c>).</summary>
    public string CreatePath { get; init; } = "/create";

    /// <summary>A get and a status change for a record named by more than one code (a zone within its facility).</summary>
    public Delegate? Get { get; init; }

    public Delegate? Status { get; init; }

    /// <summary>How <c>/get</c> names the record, where it is not by its guid or code (a zone: facility and zone code).</summary>
    public string? GetBy { get; init; }

    /// <summary>Business events committed with a status change (beside its CDC event).</summary>
    public Func<string, T, TStatus, IEnumerable<DomainEvent>>? StatusEvents { get; init; }

    /// <summary>
    /// A check of the service's own before a move the lifecycle allows (a style's references before it activates, no
    /// active children before a retire): a problem refuses the move. Runs after the revision check.
    /// </summary>
    public Func<IServiceProvider, string, T, TStatus, CancellationToken, Task<ProblemHttpResult?>>? StatusGuard { get; init; }

    /// <summary>What to do once a status change has committed (clear a cache the change makes stale).</summary>
    public Action<IServiceProvider, string>? AfterStatus { get; init; }

    /// <summary>The lifecycle's states, for the status operation's summary.</summary>
    public string StatusNames { get; init; } = string.Join(", ", Enum.GetValues<TStatus>().Select(Json.SnakeCase.Name));
}

/// <summary>The routes of a master record (the shared lifecycle).</summary>
public sealed record MasterRoutes<T> : LifecycleRoutes<T, MasterStatus> where T : Record, IMasterRecord<T>;

/// <summary>
/// The operations every master record shares: create, get, list, update and status, mapped by one call, with the
/// contract's roles (viewer reads, member creates and updates, admin moves status) and checks.
/// </summary>
public static class MasterDataApi
{
    public static RouteGroupBuilder MapMasterData<T>(this RouteGroupBuilder group, MasterRoutes<T> routes) where T : Record, IMasterRecord<T> =>
        group.MapLifecycleData(routes);

    /// <summary>Create, get, list, update and status of a coded record with a lifecycle of its own.</summary>
    public static RouteGroupBuilder MapLifecycleData<T, TStatus>(this RouteGroupBuilder group, LifecycleRoutes<T, TStatus> routes)
        where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum
    {
        var get = routes.Get ?? (Delegate)Get<T>;
        var list = routes.List ?? (Delegate)List<T, TStatus>;
        var status = routes.Status ?? StatusHandler<T, TStatus, StatusChange<T, TStatus>>(routes);
        var name = T.Type.Entity.Replace('_', ' ');
        group.MapPost(routes.CreatePath, routes.Create).RequireRole(Role.Member).AsWrite().WithSummary($"Create a {name}.");
        group.MapPost("/get", get).RequireRole(Role.Viewer).WithSummary($"Read a {name} by {routes.GetBy ?? $"{T.KeyName} or {T.CodeName}"}.");
        group.MapPost("/list", list).RequireRole(Role.Viewer).WithSummary($"List the org's {name}s, by status; doomed ones on request.");
        if (routes.Update is not null)
        {
            group.MapPost("/update", routes.Update).RequireRole(Role.Member).AsWrite().WithSummary($"Change a {name}; fields left out stay as they are.");
        }
        group.MapPost(routes.StatusPath, status).RequireRole(Role.Admin).AsWrite()
            .WithSummary($"Move a {name} through its lifecycle ({routes.StatusNames}).");
        return group;
    }

    /// <summary>The record a request names, by guid (and code, when both are given they must agree) or by code.</summary>
    public static async Task<Loaded<T>?> LoadAsync<T>(RecordStore<T> store, string orgcode, IRecordRef reference, CancellationToken ct)
        where T : Record, ICodedRecord<T>
    {
        var code = reference.CodeRef();
        if (!string.IsNullOrWhiteSpace(reference.GuidRef()))
        {
            var byGuid = await store.GetAsync(orgcode, reference.GuidRef()!, ct: ct);
            return byGuid is null || (code is not null && MasterRecords.CodeOf(byGuid.Record) != code) ? null : byGuid;
        }
        return string.IsNullOrWhiteSpace(code) ? null : await store.FindAsync(orgcode, T.CodeName, code, ct);
    }

    /// <summary>Loads the record a change names and checks <c>expected_revision</c>, in the contract's order.</summary>
    public static async Task<ChangeBase<T>> LoadForChangeAsync<T>(RecordStore<T> store, string orgcode, IRecordRef reference,
        long? expectedRevision, CancellationToken ct) where T : Record, ICodedRecord<T>
    {
        var code = reference.CodeRef();
        if (!string.IsNullOrWhiteSpace(reference.GuidRef()))
        {
            return await store.LoadForChangeAsync(orgcode, reference.GuidRef(), expectedRevision,
                visible: r => code is null || MasterRecords.CodeOf(r) == code, ct: ct);
        }
        return await store.LoadForChangeByAsync(orgcode, T.CodeName, code, expectedRevision, ct: ct);
    }

    public static Task<Results<Ok<T>, ProblemHttpResult>> Get<T>(MasterKey<T> request, RecordStore<T> store, RequestContext context,
        CancellationToken ct) where T : Record, ICodedRecord<T> => GetBy<T, MasterKey<T>>(request, store, context, ct);

    public static async Task<Ok<Page<T>>> List<T, TStatus>(StatusList<T, TStatus> request, RecordStore<T> store, RequestContext context,
        CancellationToken ct) where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum =>
        TypedResults.Ok(await ListAsync(store, context.RequireOrgcode(), request, [], ct));

    /// <summary>The standard list with a service's own filters added.</summary>
    public static Task<Page<T>> ListAsync<T, TStatus>(RecordStore<T> store, string orgcode, IStatusList<TStatus> request,
        IEnumerable<StateFilter> extra, CancellationToken ct) where T : Record, ICodedRecord<T> where TStatus : struct, Enum
    {
        var filters = extra.ToList();
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return store.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken, request.IncludeDoomed ?? false, ct: ct);
    }

    public static async Task<Results<Ok<T>, ProblemHttpResult>> Update<T, TUpdate>(TUpdate request, RecordStore<T> store, RequestContext context,
        CancellationToken ct) where T : Record, ICodedRecord<T> where TUpdate : IUpdateOf<T>
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        return (await store.UpdateAsync(orgcode, loaded!, request.Apply(loaded!.Record), ct: ct)).ToOk();
    }

    /// <summary>The status handler for a request shape; a service with its own shape maps <c>StatusHandler&lt;T, TRequest&gt;(routes)</c>.</summary>
    public static Func<TRequest, RecordStore<T>, RequestContext, HttpContext, CancellationToken, Task<Results<Ok<T>, ProblemHttpResult>>>
        StatusHandler<T, TRequest>(MasterRoutes<T> routes) where T : Record, IMasterRecord<T> where TRequest : IStatusRequest =>
        StatusHandler<T, MasterStatus, TRequest>(routes);

    /// <summary>The status handler of a record with a lifecycle of its own, for a request shape.</summary>
    public static Func<TRequest, RecordStore<T>, RequestContext, HttpContext, CancellationToken, Task<Results<Ok<T>, ProblemHttpResult>>>
        StatusHandler<T, TStatus, TRequest>(LifecycleRoutes<T, TStatus> routes)
        where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum where TRequest : IStatusRequest<TStatus> =>
        (request, store, context, http, ct) => SetStatus<T, TStatus, TRequest>(request, store, context, routes, http.RequestServices, ct);

    /// <summary>Get for a request shape of a service's own (see <see cref="MasterRoutes{T}.Get"/>).</summary>
    public static async Task<Results<Ok<T>, ProblemHttpResult>> GetBy<T, TRequest>(TRequest request, RecordStore<T> store, RequestContext context,
        CancellationToken ct) where T : Record, ICodedRecord<T> where TRequest : IRecordRef =>
        await LoadAsync(store, context.RequireOrgcode(), request, ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound($"No such {store.Entity.Replace('_', ' ')} in this org.");

    public static async Task<Results<Ok<T>, ProblemHttpResult>> SetStatus<T, TStatus, TRequest>(TRequest request, RecordStore<T> store,
        RequestContext context, LifecycleRoutes<T, TStatus> routes, IServiceProvider services, CancellationToken ct)
        where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum where TRequest : IStatusRequest<TStatus>
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var to = request.Status!.Value;
        if (T.Lifecycle.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        if (routes.StatusGuard is not null && await routes.StatusGuard(services, orgcode, current, to, ct) is { } guarded)
        {
            return guarded;
        }
        var write = await store.UpdateAsync(orgcode, loaded, current.WithStatus(to, request.Reason), "status_changed",
            routes.StatusEvents?.Invoke(orgcode, current, to), ct);
        if (write.Succeeded)
        {
            routes.AfterStatus?.Invoke(services, orgcode);
        }
        return write.ToOk();
    }
}
