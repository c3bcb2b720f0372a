using Retail.Scm.Orders;
using Retail.Shared;

namespace Retail.Scm.Quotes;

/// <summary>
/// Quotes (UC-SCM-004): create (priced and taxed as an order would be, held until valid_until), approve (another admin),
/// convert (an order at the held prices, in the same batch as the quote's change), get, list.
/// </summary>
public static class QuotesApi
{
    internal static readonly IReadOnlyList<StateSort> NewestFirst = [new StateSort("created_ms", Descending: true)];

    public static IEndpointRouteBuilder MapQuoteEndpoints(this IEndpointRouteBuilder routes)
    {
        var quotes = routes.MapGroup("/quote").WithTags("Quotes");
        quotes.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Quote lines to a customer: priced by PPM and taxed by the tax policy as an order would be, held until valid_until (pending_approval).");
        quotes.MapPost("/approve", Approve).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Approve a pending quote (an admin other than its creator: 403 same_actor).");
        quotes.MapPost("/convert", Convert).RequireRole(Role.Member).AsWrite()
            .WithSummary("Convert an approved quote before it expires (422 quote_expired) into an order at its held prices; place: true places it at once.");
        quotes.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A quote by quote_guid.");
        quotes.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("Quotes newest first, by status, channel or customer.");
        return routes;
    }

    public static async Task<Results<Created<Quote>, ProblemHttpResult>> Create(CreateQuoteRequest request, OrderLifecycle lifecycle,
        RecordStore<Quote> quotes, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var now = clock.GetUtcNow();
        var validUntil = request.ValidUntil ?? now.Add(QuoteRules.DefaultValidity);
        if (validUntil <= now || validUntil > now.Add(QuoteRules.MaxValidity))
        {
            return ApiProblem.Validation("valid_until", $"must be in the future and at most {QuoteRules.MaxValidity.TotalDays} days ahead");
        }
        var (draft, problem) = await lifecycle.DraftAsync(request.AsOrder(), ct);
        if (problem is not null)
        {
            return problem;
        }
        var quote = new Quote
        {
            QuoteGuid = Ids.New(),
            ChannelCode = draft!.ChannelCode,
            FacilityCode = draft.FacilityCode,
            Customer = draft.Customer,
            Delivery = draft.Delivery,
            Currency = draft.Currency,
            Lines = draft.Lines,
            Totals = draft.Totals,
            TaxInclusive = draft.TaxInclusive,
            ValidUntil = validUntil,
            Note = draft.Note,
            CreatedBy = draft.CreatedBy,
        };
        return (await quotes.CreateAsync(orgcode, quote, [QuoteEvents.Of(ScmEvents.QuoteCreated, orgcode, quote with { Revision = 1 })], ct)).ToCreated();
    }

    public static async Task<Results<Ok<Quote>, ProblemHttpResult>> Approve(QuoteChangeRequest request, RecordStore<Quote> quotes, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await quotes.LoadForChangeAsync(orgcode, QuoteRules.GuidKey(request.QuoteGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Quote.Lifecycle.Check(current.Status, QuoteStatus.Approved) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        if (actor == current.CreatedBy)
        {
            return ScmProblems.SameActor("A quote is approved by an admin other than the one who created it.");
        }
        var now = clock.GetUtcNow();
        if (now >= current.ValidUntil)
        {
            return ScmProblems.QuoteExpired(current.ValidUntil);
        }
        var next = current with { Status = QuoteStatus.Approved, ApprovedBy = actor, ApprovedAt = now };
        return (await quotes.UpdateAsync(orgcode, loaded, next, "status_changed",
            [QuoteEvents.Of(ScmEvents.QuoteApproved, orgcode, next with { Revision = current.Revision + 1 })], ct)).ToOk();
    }

    /// <summary>
    /// approved → converted: the order (created, at the quote's prices and tax, <c>source = quote</c>) and the quote's change
    /// are ONE batch, so a retry or a race converts once (the loser's ETag fails: 409). With <c>place</c> the order is then
    /// placed as <c>/order/place</c> does it; if that fails the order stays created and <c>place_problem</c> says why.
    /// </summary>
    public static async Task<Results<Ok<QuoteConversion>, ProblemHttpResult>> Convert(ConvertQuoteRequest request, OrderLifecycle lifecycle,
        RecordStore<Quote> quotes, RecordStore<Order> orders, RequestContext context, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await quotes.LoadForChangeAsync(orgcode, QuoteRules.GuidKey(request.QuoteGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Quote.Lifecycle.Check(current.Status, QuoteStatus.Converted) is { } refused)
        {
            return refused;
        }
        var now = clock.GetUtcNow();
        if (now >= current.ValidUntil)
        {
            return ScmProblems.QuoteExpired(current.ValidUntil);
        }
        var order = lifecycle.FromPricedLines(current.ChannelCode, current.FacilityCode, current.Customer, current.Delivery, current.Currency,
            current.TaxInclusive, current.Lines, "quote", current.QuoteGuid, request.OrderNumber?.Trim(), current.Note);
        var next = current with
        {
            Status = QuoteStatus.Converted,
            OrderGuid = order.OrderGuid,
            OrderNumber = order.OrderNumber,
            ConvertedBy = context.RequirePrincipal().Id,
            ConvertedAt = now,
        };
        var batch = new RecordBatch();
        var staged = quotes.Update(batch, orgcode, loaded, next, "status_changed",
            [QuoteEvents.Of(ScmEvents.QuoteConverted, orgcode, next with { Revision = current.Revision + 1 })]);
        var created = orders.Create(batch, orgcode, order, [OrderEvents.Changed(ScmEvents.OrderCreated, orgcode, order with { Revision = 1 })]);
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        string? placeProblem = null;
        if (request.Place == true)
        {
            var placed = await lifecycle.PlaceAsync(new OrderChangeRequest(created.OrderGuid, created.Revision), OrdersApi.ClientKey(http), ct);
            switch (placed.Result)
            {
                case Ok<Order> ok:
                    created = ok.Value!;
                    break;
                case ProblemHttpResult refusedPlace:
                    placeProblem = refusedPlace.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code?.ToString() : refusedPlace.ProblemDetails.Title;
                    break;
            }
        }
        return TypedResults.Ok(new QuoteConversion(staged, created, placeProblem));
    }

    public static async Task<Results<Ok<Quote>, ProblemHttpResult>> Get(QuoteKey request, RecordStore<Quote> quotes, RequestContext context,
        CancellationToken ct) =>
        await quotes.GetAsync(context.RequireOrgcode(), QuoteRules.GuidKey(request.QuoteGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such quote.");

    public static async Task<Ok<Page<Quote>>> List(QuoteListRequest request, RecordStore<Quote> quotes, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        if (request.ChannelCode is { } channel)
        {
            filters.Add(StateFilter.Eq("channel_code", Codes.Normalize(channel)));
        }
        if (request.CustomerGuid is { } customer)
        {
            filters.Add(StateFilter.Eq("customer_guid", QuoteRules.GuidKey(customer)));
        }
        return TypedResults.Ok(await quotes.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, sort: NewestFirst, ct: ct));
    }
}
