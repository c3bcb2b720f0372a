using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Ipm.Cdc;

/// <summary>
/// Every record change of every service (the <c>cdc</c> topic) appended to its org's log. Acked (200) once the batch holding it
/// committed; a malformed or org-less change is 400 (dead-lettered: a redelivery would not mend it). IPM's own log records
/// (which publish their CDC like any record) are skipped, or the log would feed itself; so are KPI rollups, derived data
/// that changes with every value recorded (the values themselves are in the feed).
/// </summary>
public static class CdcSubscriber
{
    private static readonly HashSet<string> NotFed = [CdcEntry.Type.Entity, CdcLog.Type.Entity, CdcHead.Type.Entity, Kpis.KpiRollup.Type.Entity];

    public static IEndpointRouteBuilder MapCdcSubscriber(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/ipm-cdc", OnChange).WithTopic(pubSub, Topics.Cdc).RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok<CdcAppended>, BadRequest>> OnChange(HttpContext http, CdcLogWriter writer, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var (orgcode, change) = await OrgEventBody.ReadAsync<ChangeBody>(http, ct);
        var app = SourceApp(http, context);
        if (change is not { Entity: { Length: > 0 } entity, Key: { Length: > 0 } key, Op: { Length: > 0 } op, Revision: > 0 } || app is null)
        {
            return TypedResults.BadRequest();
        }
        if (orgcode is null || (app == IpmModule.Id && NotFed.Contains(entity)))
        {
            // Org-less records (operator data) belong to no org's feed.
            return TypedResults.Ok(new CdcAppended(0, 0));
        }
        var data = change.Record.ValueKind == JsonValueKind.Object ? change.Record : JsonSerializer.SerializeToElement(new { });
        var changedAt = data.TryGetProperty("updated_at", out var at) && at.TryGetDateTimeOffset(out var updated) ? updated : clock.GetUtcNow();
        var messageId = Header(http, "ce-id") ?? Header(http, "Cloudevent.id");
        var appended = await writer.AppendAsync(new CdcChange(orgcode, app, entity, key, change.Revision, op, changedAt.ToUniversalTime(), messageId, data), ct);
        return TypedResults.Ok(appended);
    }

    /// <summary>The app that committed the change: the CloudEvent's source, else the calling service.</summary>
    private static string? SourceApp(HttpContext http, RequestContext context)
    {
        var source = Header(http, "ce-source") ?? Header(http, "Cloudevent.source");
        if (source is null && context.Principal is { IsService: true, Id: var id } && id.StartsWith("service:", StringComparison.Ordinal))
        {
            source = id["service:".Length..];
        }
        return source is not null && Codes.IsValid(source) ? source : null;
    }

    private static string? Header(HttpContext http, string name) => http.Request.Headers[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>The CDC payload every record store publishes (see RecordStore): the record's snapshot after the change.</summary>
    private sealed record ChangeBody(string? Entity, string? Key, long Revision, string? Op, JsonElement Record);
}
