using System.Text.Json;
using Dapr.AspNetCore;
using Microsoft.Extensions.Options;
using Retail.Shared.Bulk;
using Retail.Shared.Json;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Ipm.Cdc;

/// <summary>
/// Every record change of every service (the <c>cdc</c> topic) appended to its org's log. The topic is bulk-subscribed
/// (Dapr's bulk subscribe; the embedded bus sends the same shape): one request carries up to
/// <see cref="MaxBulkEntries"/> changes, appended by one commit of the log writer, each answered with its own status
/// (SUCCESS once the batch holding it committed; DROP for a malformed or org-less change, which a redelivery would not
/// mend; RETRY when the commit failed). A single CloudEvent (bulk off, or a replay by hand) is still taken: 200 once
/// committed, 400 when malformed. IPM's own log records (which publish their CDC like any record) are skipped, or the
/// log would feed itself; so are KPI rollups, derived data that changes with every value recorded (the values
/// themselves are in the feed).
/// </summary>
public static class CdcSubscriber
{
    /// <summary>Changes one bulk request carries at most: within the log writer's batch, and a body of a few MiB.</summary>
    public const int MaxBulkEntries = 1000;

    private static readonly HashSet<string> NotFed = [CdcEntry.Type.Entity, CdcLog.Type.Entity, CdcHead.Type.Entity, Kpis.KpiRollup.Type.Entity];

    public static IEndpointRouteBuilder MapCdcSubscriber(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/ipm-cdc", OnChange).WithTopic(pubSub, Topics.Cdc)
            .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = Topics.Cdc, MaxMessagesCount = MaxBulkEntries, MaxAwaitDurationMs = 200 })
            .WithBodyLimit(BulkLimits.MaxBodyBytes)
            .RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<IResult> OnChange(HttpContext http, CdcLogWriter writer, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest();
        }
        using (document)
        {
            var body = document.RootElement;
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("entries", out var entries) && entries.ValueKind == JsonValueKind.Array)
            {
                return TypedResults.Json(await OnBulkAsync(entries, writer, clock, ct), OrgEventBatches.ReplyJson);
            }
            var app = SourceApp(Header(http, "ce-source") ?? Header(http, "Cloudevent.source"), context);
            if (ReadChange(body, app, Header(http, "ce-id") ?? Header(http, "Cloudevent.id"), clock) is not { } read)
            {
                return TypedResults.BadRequest();
            }
            return TypedResults.Ok(read.Change is null ? new CdcAppended(0, 0) : await writer.AppendAsync(read.Change, ct));
        }
    }

    private static async Task<BulkSubscribeAppResponse> OnBulkAsync(JsonElement entries, CdcLogWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var statuses = new List<BulkSubscribeAppResponseEntry>();
        var appends = new List<(string EntryId, Task<CdcAppended> Append)>();
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("entryId", out var id) || id.GetString() is not { Length: > 0 } entryId)
            {
                continue;
            }
            // The entry's CloudEvent: its source and id as attributes, the change (with its orgcode) as data.
            var cloudEvent = entry.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
            var data = cloudEvent.ValueKind == JsonValueKind.Object && cloudEvent.TryGetProperty("data", out var d) ? d : default;
            var read = data.ValueKind == JsonValueKind.Object
                ? ReadChange(data, SourceApp(Attribute(cloudEvent, "source"), context: null), Attribute(cloudEvent, "id"), clock)
                : null;
            if (read is null)
            {
                statuses.Add(new BulkSubscribeAppResponseEntry(entryId, BulkSubscribeAppResponseStatus.DROP));
            }
            else if (read.Change is null)
            {
                statuses.Add(new BulkSubscribeAppResponseEntry(entryId, BulkSubscribeAppResponseStatus.SUCCESS));
            }
            else
            {
                // Enqueued together, so the writer commits them together (and in this order).
                appends.Add((entryId, writer.AppendAsync(read.Change, ct)));
            }
        }
        foreach (var (entryId, append) in appends)
        {
            try
            {
                await append;
                statuses.Add(new BulkSubscribeAppResponseEntry(entryId, BulkSubscribeAppResponseStatus.SUCCESS));
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // The writer logged why; the entry comes again.
                statuses.Add(new BulkSubscribeAppResponseEntry(entryId, BulkSubscribeAppResponseStatus.RETRY));
            }
        }
        return new BulkSubscribeAppResponse(statuses);
    }

    /// <summary>
    /// The change a CDC payload describes; null when it is malformed (refused).
    /// </summary>
    private static ChangeRead? ReadChange(JsonElement body, string? app, string? messageId, TimeProvider clock)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        ChangeBody? change;
        try
        {
            change = body.Deserialize<ChangeBody>(RetailJson.Storage);
        }
        catch (JsonException)
        {
            return null;
        }
        if (change is not { Entity: { Length: > 0 } entity, Key: { Length: > 0 } key, Op: { Length: > 0 } op, Revision: > 0 } || app is null)
        {
            return null;
        }
        var orgcode = body.TryGetProperty("orgcode", out var org) && org.ValueKind == JsonValueKind.String ? org.GetString() : null;
        if (orgcode is null || (app == IpmModule.Id && NotFed.Contains(entity)))
        {
            // Org-less records (operator data) belong to no org's feed.
            return new ChangeRead(null);
        }
        var data = change.Record.ValueKind == JsonValueKind.Object ? change.Record : JsonSerializer.SerializeToElement(new { });
        var changedAt = data.TryGetProperty("updated_at", out var at) && at.TryGetDateTimeOffset(out var updated) ? updated : clock.GetUtcNow();
        return new ChangeRead(new CdcChange(orgcode, app, entity, key, change.Revision, op, changedAt.ToUniversalTime(), messageId, data));
    }

    /// <summary>The app that committed the change: the CloudEvent's source, else the calling service.</summary>
    private static string? SourceApp(string? source, RequestContext? context)
    {
        if (source is null && context?.Principal is { IsService: true, Id: var id } && id.StartsWith("service:", StringComparison.Ordinal))
        {
            source = id["service:".Length..];
        }
        return source is not null && Codes.IsValid(source) ? source : null;
    }

    private static string? Attribute(JsonElement cloudEvent, string name) =>
        cloudEvent.ValueKind == JsonValueKind.Object && cloudEvent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() is { Length: > 0 } text ? text : null
            : null;

    private static string? Header(HttpContext http, string name) => http.Request.Headers[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>A readable CDC payload: the change to append, or none when it belongs to no org's feed.</summary>
    private sealed record ChangeRead(CdcChange? Change);

    /// <summary>The CDC payload every record store publishes (see RecordStore): the record's snapshot after the change.</summary>
    private sealed record ChangeBody(string? Entity, string? Key, long Revision, string? Op, JsonElement Record);
}
