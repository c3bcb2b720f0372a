using System.Collections.Concurrent;
using System.Text.Json;
using Dapr;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;
using Retail.Shared.Hosting;
using Retail.Shared.Problems;
using Retail.Shared.Records;
using Retail.Shared.State;
using Record = Retail.Shared.Records.Record;

namespace Retail.Functional.Tests.Contract;

/// <summary>
/// A small org-scoped service used only to exercise the contract where UAS (not org-scoped) cannot: roles, org
/// status, context headers, revisions, state machines, doom, history, paging and events. It is hosted by the same
/// AddRetail/UseRetail pipeline as every real service.
/// </summary>
public sealed class ProbeModule : IServiceModule
{
    public string AppId => "probe";

    public string Title => "Contract probe";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords("probe", new RecordType<ProbeItem>("item", i => [new("name", i.Name)]));
        services.AddSingleton<ProbeGate>();
        services.AddSingleton<ReceivedEvents>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        var items = routes.MapGroup("/item");
        items.MapPost("/create", Create).RequireRole(Role.Member).AsWrite();
        items.MapPost("/get", Get).RequireRole(Role.Viewer);
        items.MapPost("/update", Update).RequireRole(Role.Member).AsWrite();
        items.MapPost("/status", SetStatus).RequireRole(Role.Admin).AsWrite();
        items.MapPost("/doom", Doom).RequireRole(Role.Admin).AsWrite();
        items.MapPost("/list", List).RequireRole(Role.Viewer);
        items.MapPost("/history", History).RequireRole(Role.Viewer);
        routes.MapPost("/slow", Slow).RequireRole(Role.Member).AsWrite();
        routes.MapPost("/operator-only", () => TypedResults.Ok(new { ok = true })).RequireOperator();
        routes.MapPost("/events/cdc", Receive).WithTopic("pubsub", "cdc").RequireInternal();
        routes.MapPost("/events/usage", Receive).WithTopic("pubsub", "usage").RequireInternal();
    }

    public static readonly StateMachine<ItemStatus> Lifecycle = new(new Dictionary<ItemStatus, ItemStatus[]>
    {
        [ItemStatus.Draft] = [ItemStatus.Active],
        [ItemStatus.Active] = [ItemStatus.Retired],
        [ItemStatus.Retired] = [],
    });

    private static async Task<Results<Created<ProbeItem>, ProblemHttpResult>> Create(CreateItem request, RecordStore<ProbeItem> items,
        RequestContext context, CancellationToken ct)
    {
        var item = new ProbeItem { ItemGuid = Guid.CreateVersion7().ToString(), Name = request.Name!, Count = request.Count };
        var write = await items.CreateAsync(context.Orgcode, item, [new DomainEvent("item.created", new { item_guid = item.ItemGuid })], ct);
        return write.Outcome == RecordWriteOutcome.Duplicate
            ? ApiProblem.Duplicate("An item with this name exists.")
            : TypedResults.Created((string?)null, write.Record!);
    }

    private static async Task<Results<Ok<ProbeItem>, ProblemHttpResult>> Get(ItemKey request, RecordStore<ProbeItem> items,
        RequestContext context, CancellationToken ct) =>
        await items.GetAsync(context.Orgcode, request.ItemGuid, ct: ct) is { } loaded ? TypedResults.Ok(loaded.Record) : ApiProblem.NotFound();

    private static async Task<Results<Ok<ProbeItem>, ProblemHttpResult>> Update(UpdateItem request, RecordStore<ProbeItem> items,
        RequestContext context, CancellationToken ct)
    {
        var (loaded, problem) = await items.LoadForChangeAsync(context.Orgcode, request.ItemGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await items.UpdateAsync(context.Orgcode, loaded!, loaded!.Record with { Name = request.Name ?? loaded.Record.Name }, ct: ct);
        return write.Succeeded ? TypedResults.Ok(write.Record!) : write.Problem();
    }

    private static async Task<Results<Ok<ProbeItem>, ProblemHttpResult>> SetStatus(SetItemStatus request, RecordStore<ProbeItem> items,
        RequestContext context, CancellationToken ct)
    {
        var (loaded, problem) = await items.LoadForChangeAsync(context.Orgcode, request.ItemGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        if (Lifecycle.Check(loaded!.Record.Status, request.Status) is { } refused)
        {
            return refused;
        }
        var write = await items.UpdateAsync(context.Orgcode, loaded, loaded.Record with { Status = request.Status }, "status_changed", ct: ct);
        return write.Succeeded ? TypedResults.Ok(write.Record!) : write.Problem();
    }

    private static async Task<Results<Ok<ProbeItem>, ProblemHttpResult>> Doom(ItemRevision request, RecordStore<ProbeItem> items,
        RequestContext context, CancellationToken ct)
    {
        var (loaded, problem) = await items.LoadForChangeAsync(context.Orgcode, request.ItemGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await items.DoomAsync(context.Orgcode, loaded!, ct: ct);
        return write.Succeeded ? TypedResults.Ok(write.Record!) : write.Problem();
    }

    private static async Task<Ok<Page<ProbeItem>>> List(ListItems request, RecordStore<ProbeItem> items, RequestContext context,
        CancellationToken ct)
    {
        IReadOnlyList<StateFilter>? filters = request.Status is { } status ? [StateFilter.Eq("status", JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()))] : null;
        return TypedResults.Ok(await items.ListAsync(context.Orgcode, filters, Paging.LimitOf(request), request.NextToken,
            request.IncludeDoomed ?? false, ct: ct));
    }

    private static async Task<Ok<Page<HistoryEntry>>> History(ItemKey request, RecordStore<ProbeItem> items, RequestContext context,
        CancellationToken ct) =>
        TypedResults.Ok(await items.HistoryAsync(context.Orgcode, request.ItemGuid, ct: ct));

    private static async Task<Ok<object>> Slow(SlowRequest request, ProbeGate gate, CancellationToken ct)
    {
        Interlocked.Increment(ref gate.Entries);
        gate.Entered.TrySetResult();
        // Bounded, so a test that fails before releasing it does not leave the request hanging.
        await gate.Release.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        return TypedResults.Ok<object>(new { done = request.Tag });
    }

    private static async Task<Results<Ok, StatusCodeHttpResult>> Receive(HttpContext http, ReceivedEvents received)
    {
        if (received.Failing)
        {
            received.CountRefusal();
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        received.Add(http.Request.Headers["ce-type"].ToString(), http.Request.Headers["ce-id"].ToString(), body.RootElement.Clone());
        return TypedResults.Ok();
    }
}

public enum ItemStatus
{
    Draft,
    Active,
    Retired,
}

public sealed record ProbeItem : Record
{
    public required string ItemGuid { get; init; }

    public required string Name { get; init; }

    public int Count { get; init; }

    public ItemStatus Status { get; init; } = ItemStatus.Draft;

    public override string Key => ItemGuid;
}

public sealed record CreateItem(string? Name, int Count, string? Orgcode = null);

public sealed record ItemKey(string ItemGuid);

public sealed record ItemRevision(string ItemGuid, long? ExpectedRevision);

public sealed record UpdateItem(string ItemGuid, string? Name, long? ExpectedRevision);

public sealed record SetItemStatus(string ItemGuid, ItemStatus Status, long? ExpectedRevision);

public sealed record ListItems(int? Limit, string? NextToken, ItemStatus? Status, bool? IncludeDoomed) : IPagedRequest;

public sealed record SlowRequest(string Tag);

public sealed class CreateItemValidator : AbstractValidator<CreateItem>
{
    public CreateItemValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Count).InclusiveBetween(0, 1_000_000);
    }
}

public sealed class ListItemsValidator : AbstractValidator<ListItems>
{
    public ListItemsValidator() => this.AddPagingRules();
}

// Keys and revisions are checked by the store (unknown key 404, stale revision 409), which is what the probe exercises.

public sealed class ItemKeyValidator : NoFieldRules<ItemKey>;

public sealed class ItemRevisionValidator : NoFieldRules<ItemRevision>;

public sealed class UpdateItemValidator : NoFieldRules<UpdateItem>;

public sealed class SetItemStatusValidator : NoFieldRules<SetItemStatus>;

public sealed class SlowRequestValidator : NoFieldRules<SlowRequest>;

/// <summary>Holds the slow write open until a test lets it finish.</summary>
public sealed class ProbeGate
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many requests have entered the handler.</summary>
    public int Entries;
}

public sealed class ReceivedEvents
{
    private readonly ConcurrentQueue<(string Type, string Id, JsonElement Data)> _events = new();
    private int _refusals;

    /// <summary>While set, the subscriber answers 503, as a consumer that is down would.</summary>
    public bool Failing { get; set; }

    public int Refusals => Volatile.Read(ref _refusals);

    public void CountRefusal() => Interlocked.Increment(ref _refusals);

    public void Add(string type, string id, JsonElement data) => _events.Enqueue((type, id, data));

    public IReadOnlyList<(string Type, string Id, JsonElement Data)> All => _events.ToArray();
}
