namespace Retail.Scm.Orders;

/// <summary>
/// Orders (UC-SCM-001): create (prices from PPM, tax from the tax policy), place (every line reserved in ICS, all or
/// none), cancel and line cancel (their holds released), get, list and search.
/// </summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrderEndpoints(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("/order").WithTags("Orders");
        orders.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create an order in a channel: lines by variant, barcode, identifier, alias or code; prices from PPM, tax from the tax policy.");
        orders.MapPost("/place", Place).RequireRole(Role.Member).AsWrite()
            .WithSummary("Place a created order: every line routed and reserved in ICS in one call, all or none (409 insufficient_stock names the lines).");
        orders.MapPost("/cancel", Cancel).RequireRole(Role.Member).AsWrite()
            .WithSummary("Cancel a created or placed order; its holds are released in one ICS call.");
        orders.MapPost("/line/cancel", CancelLine).RequireRole(Role.Member).AsWrite()
            .WithSummary("Cancel a line or part of it (never what shipped); its hold is released (a part: that much of it). The last line cancels the order.");
        orders.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("An order by order_guid or order_number.");
        orders.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("Orders newest first, by status, channel or customer.");
        orders.MapPost("/search", Search).RequireRole(Role.Viewer)
            .WithSummary("Orders newest first by status, customer (guid or e-mail), channel and creation time; or the one with an order number.");
        return orders;
    }

    public static Task<Results<Created<Order>, ProblemHttpResult>> Create(CreateOrderRequest request, OrderLifecycle lifecycle, CancellationToken ct) =>
        lifecycle.CreateAsync(request, ct);

    public static Task<Results<Ok<Order>, ProblemHttpResult>> Place(OrderChangeRequest request, OrderLifecycle lifecycle, HttpContext http,
        CancellationToken ct) =>
        lifecycle.PlaceAsync(request, ClientKey(http), ct);

    public static Task<Results<Ok<Order>, ProblemHttpResult>> Cancel(CancelOrderRequest request, OrderLifecycle lifecycle, CancellationToken ct) =>
        lifecycle.CancelAsync(request, ct);

    public static Task<Results<Ok<Order>, ProblemHttpResult>> CancelLine(CancelLineRequest request, OrderLifecycle lifecycle, CancellationToken ct) =>
        lifecycle.CancelLineAsync(request, ct);

    public static async Task<Results<Ok<Order>, ProblemHttpResult>> Get(OrderGetRequest request, RecordStore<Order> orders, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = request.OrderGuid is { } guid
            ? await orders.GetAsync(orgcode, OrderLifecycle.Key(guid), ct: ct)
            : await orders.FindAsync(orgcode, "order_number", request.OrderNumber!.Trim(), ct);
        return loaded is null ? ApiProblem.NotFound("No such order.") : TypedResults.Ok(loaded.Record);
    }

    public static async Task<Ok<Page<Order>>> List(OrderListRequest request, RecordStore<Order> orders, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        AddEquals(filters, request.Status, request.ChannelCode, request.CustomerGuid, null);
        return TypedResults.Ok(await orders.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, sort: NewestFirst,
            ct: ct));
    }

    public static async Task<Ok<Page<Order>>> Search(OrderSearchRequest request, RecordStore<Order> orders, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.OrderNumber is { } number)
        {
            // Exact: the unique index names at most one order; the other filters still have to hold.
            var found = await orders.FindAsync(orgcode, "order_number", number.Trim(), ct);
            var hit = found?.Record is { } order && Matches(order, request) ? [order] : Array.Empty<Order>();
            return TypedResults.Ok(new Page<Order>(hit, null));
        }
        var filters = new List<StateFilter>();
        AddEquals(filters, request.Status, request.ChannelCode, request.CustomerGuid, request.CustomerEmail);
        if (request.CreatedFrom is { } from)
        {
            filters.Add(StateFilter.Above("created_ms", from.ToUnixTimeMilliseconds(), inclusive: true));
        }
        if (request.CreatedTo is { } to)
        {
            filters.Add(StateFilter.Below("created_ms", to.ToUnixTimeMilliseconds()));
        }
        return TypedResults.Ok(await orders.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken, sort: NewestFirst, ct: ct));
    }

    private static readonly IReadOnlyList<StateSort> NewestFirst = [new StateSort("created_ms", Descending: true), new StateSort("order_guid", Descending: true)];

    private static void AddEquals(List<StateFilter> filters, OrderStatus? status, string? channel, string? customerGuid, string? customerEmail)
    {
        if (status is { } s)
        {
            filters.Add(StateFilter.Eq("status", s));
        }
        if (channel is not null)
        {
            filters.Add(StateFilter.Eq("channel_code", Codes.Normalize(channel)));
        }
        if (customerGuid is not null)
        {
            filters.Add(StateFilter.Eq("customer_guid", customerGuid.Trim().ToLowerInvariant()));
        }
        if (customerEmail is not null)
        {
            filters.Add(StateFilter.Eq("customer_email", customerEmail.Trim().ToLowerInvariant()));
        }
    }

    private static bool Matches(Order order, OrderSearchRequest request) =>
        (request.Status is null || order.Status == request.Status)
        && (request.ChannelCode is null || order.ChannelCode == Codes.Normalize(request.ChannelCode))
        && (request.CustomerGuid is null || order.Customer?.CustomerGuid == request.CustomerGuid.Trim().ToLowerInvariant())
        && (request.CustomerEmail is null || order.Customer?.Email == request.CustomerEmail.Trim().ToLowerInvariant())
        && (request.CreatedFrom is null || order.CreatedAt >= request.CreatedFrom)
        && (request.CreatedTo is null || order.CreatedAt < request.CreatedTo);

    /// <summary>The client's Idempotency-Key, from which the ICS key of a reserve step is derived.</summary>
    internal static string? ClientKey(HttpContext http) =>
        http.Request.Headers.TryGetValue(CredentialHeaders.IdempotencyKey, out var key) && key.ToString() is { Length: > 0 } value ? value : null;
}

/// <summary>The delivery promise (UC-SCM-001): quote, reserve, allocate, commit, release over the order's ICS holds.</summary>
public static class PromisesApi
{
    public static RouteGroupBuilder MapPromiseEndpoints(this IEndpointRouteBuilder routes)
    {
        var promise = routes.MapGroup("/order/promise").WithTags("Promises");
        promise.MapPost("/quote", Quote).RequireRole(Role.Member).AsWrite()
            .WithSummary("Route the open lines and read their availability in ICS (no stock moves); the order keeps the facilities and the ship-by promise.");
        promise.MapPost("/reserve", Reserve).RequireRole(Role.Member).AsWrite()
            .WithSummary("Reserve every open line that holds nothing (after a release or an expiry), all or none, in one ICS call.");
        promise.MapPost("/allocate", Allocate).RequireRole(Role.Member).AsWrite()
            .WithSummary("Allocate every reserved line of a placed order: its hold continued in one ICS call.");
        promise.MapPost("/commit", Commit).RequireRole(Role.Member).AsWrite()
            .WithSummary("Commit every reserved or allocated line of a placed order: its hold continued in one ICS call.");
        promise.MapPost("/release", Release).RequireRole(Role.Member).AsWrite()
            .WithSummary("Release every hold of the order in one ICS call; its lines are open again.");
        return promise;
    }

    public static Task<Results<Ok<PromiseQuote>, ProblemHttpResult>> Quote(OrderChangeRequest request, OrderPromises promises, CancellationToken ct) =>
        promises.QuoteAsync(request, ct);

    public static Task<Results<Ok<Order>, ProblemHttpResult>> Reserve(OrderChangeRequest request, OrderPromises promises, HttpContext http,
        CancellationToken ct) =>
        promises.ReserveAsync(request, OrdersApi.ClientKey(http), ct);

    public static Task<Results<Ok<Order>, ProblemHttpResult>> Allocate(OrderChangeRequest request, OrderPromises promises, CancellationToken ct) =>
        promises.AllocateAsync(request, ct);

    public static Task<Results<Ok<Order>, ProblemHttpResult>> Commit(OrderChangeRequest request, OrderPromises promises, CancellationToken ct) =>
        promises.CommitAsync(request, ct);

    public static Task<Results<Ok<Order>, ProblemHttpResult>> Release(OrderChangeRequest request, OrderPromises promises, CancellationToken ct) =>
        promises.ReleaseAsync(request, ct);
}
