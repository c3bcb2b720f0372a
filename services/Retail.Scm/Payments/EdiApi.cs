using Retail.Scm.Orders;
using Retail.Shared;

namespace Retail.Scm.Payments;

/// <summary>EDI documents (850, 855, 856, 810), inbound and outbound, with their handling status.</summary>
public static class EdiApi
{
    public static IEndpointRouteBuilder MapEdi(this IEndpointRouteBuilder routes)
    {
        var edi = routes.MapGroup("/edi").WithTags("EDI");
        edi.MapPost("/record", Record).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record an inbound (received) or outbound (sent) EDI document with its payload, partner and reference.");
        edi.MapPost("/status/set", SetStatus).RequireRole(Role.Member).AsWrite()
            .WithSummary("Move an EDI document to acknowledged, processed or failed (with the error).");
        edi.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read an EDI document by edi_guid.");
        edi.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List EDI documents by type, direction, status or reference.");
        return routes;
    }

    public static async Task<Results<Created<EdiDocument>, ProblemHttpResult>> Record(RecordEdiRequest request, RecordStore<EdiDocument> documents,
        RecordStore<Order> orders, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var orderGuid = request.OrderGuid is null ? null : PaymentRules.GuidKey(request.OrderGuid);
        if (orderGuid is not null && await orders.GetAsync(orgcode, orderGuid, ct: ct) is null)
        {
            return ScmProblems.UnknownReference("order_guid", $"No order {orderGuid} in this org.");
        }
        var doc = new EdiDocument
        {
            EdiGuid = Ids.New(),
            DocumentType = request.DocumentType!.Trim(),
            Direction = request.Direction!.Value,
            PartnerCode = Codes.Normalize(request.PartnerCode),
            OrderGuid = orderGuid,
            PoNumber = RequestRules.Trimmed(request.PoNumber),
            ControlNumber = RequestRules.Trimmed(request.ControlNumber),
            Payload = request.Payload!,
            Status = request.Direction == EdiDirection.Inbound ? EdiStatus.Received : EdiStatus.Sent,
            RecordedBy = context.RequirePrincipal().Id,
        };
        return (await documents.CreateAsync(orgcode, doc, [PaymentEvents.Of(ScmEvents.EdiRecorded, orgcode, doc, 1)], ct)).ToCreated();
    }

    public static async Task<Results<Ok<EdiDocument>, ProblemHttpResult>> SetStatus(SetEdiStatusRequest request, RecordStore<EdiDocument> documents,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await documents.LoadForChangeAsync(orgcode, PaymentRules.GuidKey(request.EdiGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var doc = loaded!.Record;
        var to = request.Status!.Value;
        if (EdiDocument.Lifecycle.Check(doc.Status, to) is { } refused)
        {
            return refused;
        }
        var now = clock.GetUtcNow();
        var next = doc with
        {
            Status = to,
            Error = to == EdiStatus.Failed ? request.Error!.Trim() : null,
            StatusSetBy = context.RequirePrincipal().Id,
            AcknowledgedAt = to == EdiStatus.Acknowledged ? now : doc.AcknowledgedAt,
            ProcessedAt = to == EdiStatus.Processed ? now : doc.ProcessedAt,
        };
        return (await documents.UpdateAsync(orgcode, loaded, next, "status_changed",
            [PaymentEvents.Of(ScmEvents.EdiStatusChanged, orgcode, next, doc.Revision + 1)], ct)).ToOk();
    }

    public static async Task<Results<Ok<EdiDocument>, ProblemHttpResult>> Get(EdiKey request, RecordStore<EdiDocument> documents, RequestContext context,
        CancellationToken ct) =>
        await documents.GetAsync(context.RequireOrgcode(), PaymentRules.GuidKey(request.EdiGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such EDI document.");

    public static async Task<Ok<Page<EdiDocument>>> List(EdiListRequest request, RecordStore<EdiDocument> documents, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.DocumentType is { } type)
        {
            filters.Add(StateFilter.Eq("document_type", type.Trim()));
        }
        if (request.Direction is { } direction)
        {
            filters.Add(StateFilter.Eq("direction", direction));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        if (RequestRules.Trimmed(request.Reference) is { } reference)
        {
            filters.Add(StateFilter.Eq("reference", Guid.TryParse(reference, out var guid) ? guid.ToString() : reference));
        }
        return TypedResults.Ok(await documents.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }
}
