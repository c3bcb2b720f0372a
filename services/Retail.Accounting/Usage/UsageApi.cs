using System.Text.Json;
using Retail.Shared.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Accounting.Usage;

/// <summary>
/// Usage events, lineage, rollups and the reconcile report: operator-only. <c>x-orgcode</c> names the org whose usage is
/// read (any org: the operator acts in all); left out, the operator's own bucket (<see cref="UsageRecord.NoOrg"/>: usage
/// with no org). The <c>usage</c> topic's subscriber stores every metered request through the same group-commit writer.
/// </summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/usage", OnUsage).WithTopic(pubSub, Topics.Usage).RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/org-updated", OnOrgUpdated).WithTopic(pubSub, OrgUpdatedTopic).RequireInternal().ExcludeFromDescription();

        var events = routes.MapGroup("/event").WithTags("Usage events").RequireOperator();
        events.MapPost("/record", RecordEvents).AsWrite().WithBodyLimit(4 * 1024 * 1024)
            .WithSummary("Store 1–1000 usage events (an import, a replay); idempotent by event id, counted into their rollups once.");
        events.MapPost("/get", GetEvent).WithSummary("A usage record by its event id.");
        events.MapPost("/list", ListEvents).WithSummary("Usage records of a day range, by app and/or cost centre.");

        routes.MapGroup("/lineage").WithTags("Lineage").RequireOperator()
            .MapPost("/list", ListLineage).WithSummary("The usage of one trace or one request, or of a cost centre over a day range.");

        var rollups = routes.MapGroup("/usage/rollup").WithTags("Usage rollups").RequireOperator();
        rollups.MapPost("/get", GetRollup).WithSummary("One day's usage of an app and cost centre (UC-ACC-001).");
        rollups.MapPost("/list", ListRollups).WithSummary("Daily usage rollups of a day range, by app and/or cost centre (UC-ACC-001).");
        rollups.MapPost("/recompute", RecomputeRollups).AsWrite()
            .WithSummary("Rebuild one day's rollups from its usage records (repairs what the reconcile report finds).");

        routes.MapGroup("/reconcile").WithTags("Reconcile").RequireOperator()
            .MapPost("/report", ReconcileReport).WithSummary("Usage records against rollups per day × app × cost centre: the mismatches.");
        return routes;
    }

    /// <summary>OFM's topic for an org's changed names or time zone (services/Retail.Ofm/OfmEvents.cs).</summary>
    public const string OrgUpdatedTopic = "org.updated";

    /// <summary>An org's time zone may have changed: forget the cached one (idempotent; a redelivery forgets again).</summary>
    public static async Task<Ok> OnOrgUpdated(HttpContext http, IOrgTimeZones zones, CancellationToken ct)
    {
        var (orgcode, payload) = await OrgEventBody.ReadAsync<OrgRef>(http, ct);
        if ((orgcode ?? payload?.Orgcode) is { } org)
        {
            zones.Forget(org);
        }
        return TypedResults.Ok();
    }

    private sealed record OrgRef(string? Orgcode);

    private static string OrgOf(RequestContext context) => context.Orgcode ?? UsageRecord.NoOrg;

    /// <summary>
    /// A message of the topic: a <see cref="UsageBatch"/> (what every service's recorder sends) or one usage event (what
    /// older outboxes may still hold). Acked (200) once the writer's batch holding its events committed, so a redelivery
    /// after a crash stores nothing twice (event ids). An event that cannot be read is logged and left out; a message with
    /// no readable event is 400 (dead-lettered: a redelivery would not mend it). A single event's id is the payload's,
    /// else the CloudEvent's.
    /// </summary>
    public static async Task<Results<Ok<RecordEventsResult>, BadRequest>> OnUsage(HttpContext http, UsageWriter writer,
        ILoggerFactory loggers, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest();
        }
        var ingests = new List<UsageIngest>();
        var unreadable = 0;
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in events.EnumerateArray())
            {
                if (TryIngest(item, null) is { } ingest)
                {
                    ingests.Add(ingest);
                }
                else
                {
                    unreadable++;
                }
            }
        }
        else if (TryIngest(body, http.Request.Headers["ce-id"].ToString() is { Length: > 0 } ce ? ce : null) is { } single)
        {
            ingests.Add(single);
        }
        else
        {
            unreadable++;
        }
        if (unreadable > 0)
        {
            loggers.CreateLogger(typeof(UsageApi)).LogWarning("{Count} usage events of a message could not be read and were left out", unreadable);
        }
        if (ingests.Count == 0)
        {
            return TypedResults.BadRequest();
        }
        var written = await writer.WriteAsync(ingests, ct);
        return TypedResults.Ok(new RecordEventsResult(written.Recorded, written.Duplicates));
    }

    private static UsageIngest? TryIngest(JsonElement item, string? fallbackId)
    {
        UsageEvent? usage;
        try
        {
            usage = item.ValueKind == JsonValueKind.Object ? item.Deserialize<UsageEvent>(RetailJson.Storage) : null;
        }
        catch (JsonException)
        {
            return null;
        }
        var id = usage?.Id ?? fallbackId;
        if (usage is null || id is null || !UsageRequestRules.IsIdentifier(id) || usage.Service is null || usage.PrincipalId is null)
        {
            return null;
        }
        return IngestOf(id, usage.Orgcode, usage.Service, usage.Operation, usage.Cccode, usage.PrincipalId, usage.PrincipalKind,
            usage.Status, usage.DurationMs, usage.RequestBytes, usage.ResponseBytes, usage.TraceId, usage.RequestId, usage.At);
    }

    private static UsageIngest IngestOf(string id, string? orgcode, string service, string? operation, string? cccode, string principalId,
        string? principalKind, int status, double durationMs, long? requestBytes, long? responseBytes, string? traceId, string? requestId,
        DateTimeOffset at)
    {
        var org = orgcode is { Length: > 0 } ? Codes.Normalize(orgcode) : UsageRecord.NoOrg;
        return new UsageIngest(id, Codes.IsValid(org) ? org : UsageRecord.NoOrg, Codes.Normalize(service), operation ?? "", cccode is null ? null : Codes.Normalize(cccode),
            principalId, principalKind ?? "user", status, Math.Max(0, durationMs), Math.Max(0, requestBytes ?? 0), Math.Max(0, responseBytes ?? 0),
            traceId, requestId, at.ToUniversalTime());
    }

    public static async Task<Results<Ok<RecordEventsResult>, ProblemHttpResult>> RecordEvents(RecordEventsRequest request, UsageWriter writer,
        RequestContext context, CancellationToken ct)
    {
        var header = context.Orgcode;
        var ingests = new List<UsageIngest>(request.Events!.Count);
        for (var i = 0; i < request.Events.Count; i++)
        {
            var e = request.Events[i];
            var org = e.Orgcode is null ? header : Codes.Normalize(e.Orgcode);
            if (header is not null && org != header)
            {
                return ApiProblem.Create(StatusCodes.Status400BadRequest, ProblemCodes.ContextMismatch, "The body names another org.",
                    $"events[{i}].orgcode differs from x-orgcode.");
            }
            ingests.Add(IngestOf(e.Id!, org, e.Service!, e.Operation, e.Cccode, e.PrincipalId!, Codes.Normalize(e.PrincipalKind), e.Status!.Value,
                e.DurationMs!.Value, e.RequestBytes, e.ResponseBytes, e.TraceId, e.RequestId, e.At!.Value));
        }
        try
        {
            var written = await writer.WriteAsync(ingests, ct);
            return TypedResults.Ok(new RecordEventsResult(written.Recorded, written.Duplicates));
        }
        catch (UsageWriteFailedException)
        {
            // Nothing of the batch was stored; the same events (same ids) may simply be sent again.
            return ApiProblem.DependencyUnavailable("accounting usage store");
        }
    }

    public static async Task<Results<Ok<UsageRecord>, ProblemHttpResult>> GetEvent(GetEventRequest request, RecordStore<UsageRecord> records,
        RequestContext context, CancellationToken ct)
    {
        var found = await records.GetAsync(OrgOf(context), request.EventId!, ct: ct);
        return found is null ? ApiProblem.NotFound("No such usage event.") : TypedResults.Ok(found.Record);
    }

    public static async Task<Ok<Page<UsageRecord>>> ListEvents(ListEventsRequest request, RecordStore<UsageRecord> records, RequestContext context,
        CancellationToken ct) =>
        TypedResults.Ok(await records.ListAsync(OrgOf(context), Filters(request.DayFrom!, request.DayTo!, request.App, request.Cccode),
            Paging.LimitOf(request), request.NextToken, sort: Order(request.App, request.Cccode), ct: ct));

    public static async Task<Ok<Page<UsageRecord>>> ListLineage(ListLineageRequest request, RecordStore<UsageRecord> records, RequestContext context,
        CancellationToken ct)
    {
        IReadOnlyList<StateFilter> filters = request.TraceId is { } trace ? [StateFilter.Eq("trace_id", trace)]
            : request.RequestId is { } requestId ? [StateFilter.Eq("request_id", requestId)]
            : Filters(request.DayFrom!, request.DayTo!, null, request.Cccode);
        var order = request.TraceId is null && request.RequestId is null ? Order(null, request.Cccode) : null;
        return TypedResults.Ok(await records.ListAsync(OrgOf(context), filters, Paging.LimitOf(request), request.NextToken, sort: order, ct: ct));
    }

    public static async Task<Results<Ok<UsageRollup>, ProblemHttpResult>> GetRollup(GetRollupRequest request, RecordStore<UsageRollup> rollups,
        RequestContext context, CancellationToken ct)
    {
        var key = UsageRollup.KeyOf(request.Day!, Codes.Normalize(request.App), request.Cccode is null ? null : Codes.Normalize(request.Cccode));
        var found = await rollups.GetAsync(OrgOf(context), key, ct: ct);
        return found is null ? ApiProblem.NotFound("No usage of that app and cost centre on that day.") : TypedResults.Ok(found.Record);
    }

    public static async Task<Ok<Page<UsageRollup>>> ListRollups(ListRollupsRequest request, RecordStore<UsageRollup> rollups, RequestContext context,
        CancellationToken ct) =>
        TypedResults.Ok(await rollups.ListAsync(OrgOf(context), Filters(request.DayFrom!, request.DayTo!, request.App, request.Cccode),
            Paging.LimitOf(request), request.NextToken, ct: ct));

    public static async Task<Results<Ok<RecomputeResult>, ProblemHttpResult>> RecomputeRollups(RecomputeRollupsRequest request, UsageDays days,
        RequestContext context, CancellationToken ct)
    {
        var result = await days.RecomputeAsync(OrgOf(context), request.Day!, ct);
        return result is null
            ? ApiProblem.DependencyUnavailable("accounting (the day's rollups kept changing while they were rebuilt; try again)")
            : TypedResults.Ok(result);
    }

    public static async Task<Ok<ReconcileReport>> ReconcileReport(ReconcileReportRequest request, UsageDays days, RequestContext context,
        CancellationToken ct) =>
        TypedResults.Ok(await days.ReconcileAsync(OrgOf(context), request.DayFrom!, request.DayTo!, ct));

    /// <summary>A day range (inclusive) with an app and/or cost centre: read through day_app, or cccode_day when a cost centre is named.</summary>
    internal static List<StateFilter> Filters(string from, string to, string? app, string? cccode)
    {
        var filters = new List<StateFilter>();
        if (app is not null)
        {
            filters.Add(StateFilter.Eq("app", Codes.Normalize(app)));
        }
        if (cccode is not null)
        {
            filters.Add(StateFilter.Eq("cccode", Codes.Normalize(cccode)));
        }
        filters.Add(StateFilter.Above("day", from, inclusive: true));
        filters.Add(StateFilter.Below("day", to, inclusive: true));
        return filters;
    }

    /// <summary>
    /// The order of a day-range list: the order of the index <see cref="Filters"/> reads, so every page is read straight from
    /// the index from its token on. Without a cost centre that is day_app (by day, app, event id; with an app named, the
    /// app part is the same in every row); with one, cccode_day (by day, event id). Ordered by id alone, each page would
    /// sort every record of the range first.
    /// </summary>
    internal static IReadOnlyList<StateSort> Order(string? app, string? cccode) =>
        cccode is null ? [new("day"), new("app"), new("key")] : [new("day"), new("key")];
}
