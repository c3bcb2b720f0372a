using System.Globalization;
using Retail.Scm.Orders;
using Retail.Scm.Payments;
using Retail.Scm.Sources;
using Retail.Shared;

namespace Retail.Scm.Quotes;

/// <summary>
/// Special orders (UC-SCM-005): create (a variant or a description, the vendor, quantity and quoted price), approve
/// (another admin), submit (an outbound EDI 850 to the vendor, in the same batch), cancel (before submission), get, list.
/// </summary>
public static class SpecialOrdersApi
{
    public static IEndpointRouteBuilder MapSpecialOrderEndpoints(this IEndpointRouteBuilder routes)
    {
        var special = routes.MapGroup("/special-order").WithTags("Special orders");
        special.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record a customer's request for an item not stocked: a variant or a description, the vendor, the quantity and the quoted price.");
        special.MapPost("/approve", Approve).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Approve a pending special order (an admin other than its creator: 403 same_actor).");
        special.MapPost("/submit", Submit).RequireRole(Role.Member).AsWrite()
            .WithSummary("Submit an approved special order to its vendor: an outbound EDI 850 recorded with it (see /edi/list).");
        special.MapPost("/cancel", Cancel).RequireRole(Role.Member).AsWrite()
            .WithSummary("Cancel a special order before it is submitted (a submitted one is with the vendor: 409 invalid_transition).");
        special.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A special order by special_order_guid.");
        special.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("Special orders newest first, by status, channel, customer or vendor.");
        return routes;
    }

    public static async Task<Results<Created<SpecialOrder>, ProblemHttpResult>> Create(CreateSpecialOrderRequest request, OrderLifecycle lifecycle,
        ScmSources sources, RecordStore<SpecialOrder> specialOrders, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var channel = Codes.Normalize(request.ChannelCode);
        if (await lifecycle.ChannelProblemAsync(orgcode, channel, ct) is { } noChannel)
        {
            return noChannel;
        }
        var variant = request.VariantGuid is null ? null : QuoteRules.GuidKey(request.VariantGuid);
        if (variant is not null && await sources.VariantAsync(orgcode, variant, ct) is null)
        {
            return ScmProblems.UnknownReference("variant_guid", $"No variant {variant} in this org.");
        }
        var guid = Ids.New();
        var c = request.Customer;
        var special = new SpecialOrder
        {
            SpecialOrderGuid = guid,
            PoNumber = $"SPO-{clock.GetUtcNow():yyyyMMdd}-{guid.Replace("-", "", StringComparison.Ordinal)[^10..].ToUpperInvariant()}",
            ChannelCode = channel,
            Customer = c is null ? null : new CustomerRef(c.CustomerGuid?.Trim().ToLowerInvariant(), RequestRules.Trimmed(c.Email)?.ToLowerInvariant(),
                RequestRules.Trimmed(c.Name), RequestRules.Trimmed(c.ExternalRef)),
            VariantGuid = variant,
            Description = RequestRules.Trimmed(request.Description),
            VendorCode = Codes.Normalize(request.VendorCode),
            Quantity = request.Quantity!.Value,
            UnitMinor = request.UnitMinor!.Value,
            Currency = request.Currency!.Trim().ToUpperInvariant(),
            Note = RequestRules.Trimmed(request.Note),
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await specialOrders.CreateAsync(orgcode, special, [QuoteEvents.Of(ScmEvents.SpecialOrderCreated, orgcode, special with { Revision = 1 })], ct))
            .ToCreated();
    }

    public static async Task<Results<Ok<SpecialOrder>, ProblemHttpResult>> Approve(SpecialOrderChangeRequest request, RecordStore<SpecialOrder> specialOrders,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await specialOrders.LoadForChangeAsync(orgcode, QuoteRules.GuidKey(request.SpecialOrderGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (SpecialOrder.Lifecycle.Check(current.Status, SpecialOrderStatus.Approved) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        if (actor == current.CreatedBy)
        {
            return ScmProblems.SameActor("A special order is approved by an admin other than the one who created it.");
        }
        var next = current with { Status = SpecialOrderStatus.Approved, ApprovedBy = actor, ApprovedAt = clock.GetUtcNow() };
        return (await specialOrders.UpdateAsync(orgcode, loaded, next, "status_changed",
            [QuoteEvents.Of(ScmEvents.SpecialOrderApproved, orgcode, next with { Revision = current.Revision + 1 })], ct)).ToOk();
    }

    /// <summary>approved → submitted: the special order and its outbound EDI 850 (partner = the vendor, PO number = the special order's) in ONE batch.</summary>
    public static async Task<Results<Ok<SpecialOrder>, ProblemHttpResult>> Submit(SpecialOrderChangeRequest request, RecordStore<SpecialOrder> specialOrders,
        RecordStore<EdiDocument> documents, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await specialOrders.LoadForChangeAsync(orgcode, QuoteRules.GuidKey(request.SpecialOrderGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (SpecialOrder.Lifecycle.Check(current.Status, SpecialOrderStatus.Submitted) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        var now = clock.GetUtcNow();
        var doc = new EdiDocument
        {
            EdiGuid = Ids.New(),
            DocumentType = "850",
            Direction = EdiDirection.Outbound,
            PartnerCode = current.VendorCode,
            PoNumber = current.PoNumber,
            Payload = SpecialOrderRules.Edi850(current, now),
            Status = EdiStatus.Sent,
            RecordedBy = actor,
        };
        var next = current with { Status = SpecialOrderStatus.Submitted, SubmittedBy = actor, SubmittedAt = now, EdiGuid = doc.EdiGuid };
        var batch = new RecordBatch();
        var staged = specialOrders.Update(batch, orgcode, loaded, next, "status_changed",
            [QuoteEvents.Of(ScmEvents.SpecialOrderSubmitted, orgcode, next with { Revision = current.Revision + 1 })]);
        documents.Create(batch, orgcode, doc, [PaymentEvents.Of(ScmEvents.EdiRecorded, orgcode, doc, 1)]);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(staged) : write.Problem();
    }

    public static async Task<Results<Ok<SpecialOrder>, ProblemHttpResult>> Cancel(CancelSpecialOrderRequest request, RecordStore<SpecialOrder> specialOrders,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await specialOrders.LoadForChangeAsync(orgcode, QuoteRules.GuidKey(request.SpecialOrderGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (SpecialOrder.Lifecycle.Check(current.Status, SpecialOrderStatus.Cancelled) is { } refused)
        {
            return refused;
        }
        var next = current with { Status = SpecialOrderStatus.Cancelled, CancelledAt = clock.GetUtcNow(), StatusReason = RequestRules.Trimmed(request.Reason) };
        return (await specialOrders.UpdateAsync(orgcode, loaded, next, "status_changed",
            [QuoteEvents.Of(ScmEvents.SpecialOrderCancelled, orgcode, next with { Revision = current.Revision + 1 })], ct)).ToOk();
    }

    public static async Task<Results<Ok<SpecialOrder>, ProblemHttpResult>> Get(SpecialOrderKey request, RecordStore<SpecialOrder> specialOrders,
        RequestContext context, CancellationToken ct) =>
        await specialOrders.GetAsync(context.RequireOrgcode(), QuoteRules.GuidKey(request.SpecialOrderGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such special order.");

    public static async Task<Ok<Page<SpecialOrder>>> List(SpecialOrderListRequest request, RecordStore<SpecialOrder> specialOrders, RequestContext context,
        CancellationToken ct)
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
        if (request.VendorCode is { } vendor)
        {
            filters.Add(StateFilter.Eq("vendor_code", Codes.Normalize(vendor)));
        }
        return TypedResults.Ok(await specialOrders.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: QuotesApi.NewestFirst, ct: ct));
    }
}

public static class SpecialOrderRules
{
    /// <summary>An X12 850 (one PO1 line: quantity each, the variant or the description as the vendor's product) for the special order.</summary>
    public static string Edi850(SpecialOrder s, DateTimeOffset now)
    {
        var item = s.VariantGuid ?? s.Description!;
        var segments = new[]
        {
            "ST*850*0001",
            $"BEG*00*SA*{s.PoNumber}**{now.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}",
            $"REF*VN*{s.VendorCode}",
            $"PO1*1*{s.Quantity}*EA***VP*{item.Replace('*', ' ').Replace('~', ' ')}",
            "CTT*1",
            "SE*6*0001",
        };
        return string.Join("~\n", segments) + "~";
    }
}
