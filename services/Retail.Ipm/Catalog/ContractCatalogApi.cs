namespace Retail.Ipm.Catalog;

/// <summary>
/// The machine-readable contract: every event type with the JSON schema of its data, every record type's export
/// contract, every state machine, an example payload of each, and the paging rules. It describes the API, not an org's
/// data, so any signed-in principal may read it and no org is needed. Lists page like every list (a few hundred entries:
/// <c>limit</c> 500 reads one in a page).
/// </summary>
public static class ContractCatalogApi
{
    public static RouteGroupBuilder MapContractCatalogApi(this IEndpointRouteBuilder routes)
    {
        var contract = routes.MapGroup("").WithTags("Contract").RequireAuthenticated();
        contract.MapPost("/event/catalog/list", ListEvents)
            .WithSummary("Every event type of every service: its app, a summary, the CloudEvent envelope and the JSON Schema of its data; CDC changes per record type.");
        contract.MapPost("/export/contract/list", ListExportContracts)
            .WithSummary("Every record type's export contract: key field, unique values, indexes, JSON Schema, schema version, gzip NDJSON.");
        contract.MapPost("/lifecycle/list", ListLifecycles)
            .WithSummary("Every entity's state machine as the code checks it: states, initial, terminal and the allowed transitions.");
        contract.MapPost("/specimen/get", GetSpecimen).WithSummary("An example payload of an event's data or an entity's record, valid against its schema.");
        contract.MapPost("/pagination/get", GetPagination).WithSummary("The paging contract of every list and search: limit, next_token, order, errors.");
        return contract;
    }

    public static async Task<Ok<Page<EventCatalogItem>>> ListEvents(EventCatalogListRequest request, ContractCatalog catalog, PageTokens tokens,
        CancellationToken ct)
    {
        var app = request.App is null ? null : Codes.Normalize(request.App);
        var items = catalog.Events.Where(e => (app is null || e.App == app) && (request.Kind is null || e.Kind == request.Kind)).ToList();
        return TypedResults.Ok(await PageAsync(items, e => e.Type, $"ipm/event_catalog|{app}|{request.Kind}", request, tokens, ct));
    }

    public static async Task<Ok<Page<ExportContract>>> ListExportContracts(ExportContractListRequest request, ContractCatalog catalog, PageTokens tokens,
        CancellationToken ct)
    {
        var app = request.App is null ? null : Codes.Normalize(request.App);
        var items = catalog.Exports.Where(e => app is null || e.App == app).ToList();
        return TypedResults.Ok(await PageAsync(items, e => $"{e.App}.{e.Entity}", $"ipm/export_contract|{app}", request, tokens, ct));
    }

    public static async Task<Ok<Page<Lifecycle>>> ListLifecycles(LifecycleListRequest request, ContractCatalog catalog, PageTokens tokens, CancellationToken ct)
    {
        var app = request.App is null ? null : Codes.Normalize(request.App);
        var items = catalog.Lifecycles.Where(l => app is null || l.App == app).ToList();
        return TypedResults.Ok(await PageAsync(items, l => $"{l.App}.{l.Entity}.{l.StatusType}", $"ipm/lifecycle|{app}", request, tokens, ct));
    }

    public static Results<Ok<Specimen>, ProblemHttpResult> GetSpecimen(SpecimenGetRequest request, ContractCatalog catalog)
    {
        var name = request.Name!.Trim();
        if (request.Kind == SpecimenKind.Event)
        {
            return catalog.EventSpecimen(name, request.Topic?.Trim()) is { } specimen
                ? TypedResults.Ok(specimen)
                : ApiProblem.NotFound($"No event type '{name}' with a known data schema in the catalog.");
        }
        var found = catalog.EntitySpecimens(name);
        return found.Count switch
        {
            0 => ApiProblem.NotFound($"No entity '{name}' in the catalog."),
            1 => TypedResults.Ok(found[0]),
            _ => ApiProblem.Validation("name", $"names an entity of several apps: use one of {string.Join(", ", found.Select(f => $"{f.App}.{f.Name}"))}"),
        };
    }

    public static Ok<PagingContract> GetPagination(PaginationGetRequest request) => TypedResults.Ok(PagingContractOf());

    /// <summary>The rules as the shared paging code enforces them (<see cref="Paging"/>, <see cref="PageTokens"/>).</summary>
    public static PagingContract PagingContractOf() => new(
        new PagingLimit("limit", Paging.DefaultLimit, Paging.MinLimit, Paging.MaxLimit, $"a limit outside {Paging.MinLimit}–{Paging.MaxLimit} is 400 {ProblemCodes.ValidationFailed}"),
        new PagingToken("next_token", Paging.MaxTokenLength,
            "opaque: encrypted and authenticated (AES-GCM); clients pass it back unchanged and never parse it",
            "the list it was issued for: app, entity, org, filters and sort; another list, org or deployment refuses it",
            "null on the last page", "does not expire: valid while the deployment keeps its page token key",
            "keyset continuation: a page starts after the last item of the previous one, so items added or changed meanwhile are not skipped twice or repeated"),
        "stable: each list sorts by a stated key with the record key as tie-breaker, the same for every page",
        "none: there is no offset paging",
        [
            new("next_token altered, forged, or from another list, org or deployment", 400, ProblemCodes.InvalidNextToken),
            new($"next_token longer than {Paging.MaxTokenLength} characters", 400, ProblemCodes.ValidationFailed),
            new($"limit below {Paging.MinLimit} or above {Paging.MaxLimit}", 400, ProblemCodes.ValidationFailed),
            new("last page", 200, null),
        ]);

    // The catalog lists live in memory, sorted by a unique key: a page continues after the key its token sealed.
    private static async Task<Page<T>> PageAsync<T>(IReadOnlyList<T> items, Func<T, string> keyOf, string list, IPagedRequest request, PageTokens tokens,
        CancellationToken ct)
    {
        var after = await tokens.OpenAsync(request.NextToken, list, ct);
        var limit = Paging.LimitOf(request);
        var page = items.OrderBy(keyOf, StringComparer.Ordinal).Where(i => after is null || string.CompareOrdinal(keyOf(i), after) > 0).Take(limit + 1).ToList();
        var more = page.Count > limit;
        if (more)
        {
            page.RemoveAt(limit);
        }
        return new Page<T>(page, more ? await tokens.SealAsync(keyOf(page[^1]), list, ct) : null);
    }
}
