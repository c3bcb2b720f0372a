using System.Text.Json;
using System.Text.Json.Serialization;
using Dapr;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared.Json;

namespace Retail.Shared.Events;

/// <summary>A business event as a subscriber takes it: the org it belongs to and its payload.</summary>
public sealed record OrgEvent<T>(string Orgcode, T Payload);

/// <summary>
/// A subscriber that takes its topics' events in batches: Dapr's bulk subscribe (the embedded bus sends the same shape,
/// shared/Retail.Shared/Embedded/README.md), so one request carries up to <see cref="MaxEntries"/> events and the
/// handler writes them in one transaction, where one delivery a request cost an endpoint pipeline and a commit each. A
/// single CloudEvent (bulk off, a replay by hand) is still taken as a batch of one: 200, or 400 when malformed.
/// A bulk reply gives each entry its status: SUCCESS once the batch holding it was applied, RETRY when applying failed
/// (the entries come again; handlers keep the newest revision, so a repeat changes nothing), DROP for a malformed entry,
/// which a redelivery would not mend.
/// </summary>
public static class OrgEventBatches
{
    /// <summary>Events one bulk request carries at most.</summary>
    public const int MaxEntries = 500;

    /// <summary>Subscribes the endpoint to each topic, in bulk.</summary>
    public static RouteHandlerBuilder WithBulkTopics(this RouteHandlerBuilder endpoint, string pubSub, IEnumerable<string> topics)
    {
        foreach (var topic in topics)
        {
            endpoint.WithTopic(pubSub, topic)
                .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = topic, MaxMessagesCount = MaxEntries, MaxAwaitDurationMs = 100 });
        }
        return endpoint;
    }

    /// <summary>
    /// Reads the request (a bulk request or one event), keeps the events whose payload has an org and passes
    /// <paramref name="usable"/>, and hands them to <paramref name="apply"/> at once, in the order they came.
    /// </summary>
    public static async Task<IResult> TakeAsync<T>(HttpContext http, Func<T, bool> usable, Func<IReadOnlyList<OrgEvent<T>>, CancellationToken, Task> apply,
        CancellationToken ct) where T : class
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
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                if (Read(body, usable) is not { } single)
                {
                    return TypedResults.BadRequest();
                }
                await apply([single], ct);
                return TypedResults.Ok();
            }
            var statuses = new List<BulkSubscribeAppResponseEntry>();
            var taken = new List<(string EntryId, OrgEvent<T> Event)>();
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("entryId", out var id) || id.ValueKind != JsonValueKind.String
                    || id.GetString() is not { Length: > 0 } entryId)
                {
                    continue;
                }
                var data = entry.TryGetProperty("event", out var cloudEvent) && cloudEvent.ValueKind == JsonValueKind.Object
                    && cloudEvent.TryGetProperty("data", out var d) ? d : default;
                if (Read(data, usable) is { } taking)
                {
                    taken.Add((entryId, taking));
                }
                else
                {
                    statuses.Add(new BulkSubscribeAppResponseEntry(entryId, BulkSubscribeAppResponseStatus.DROP));
                }
            }
            var outcome = BulkSubscribeAppResponseStatus.SUCCESS;
            if (taken.Count > 0)
            {
                try
                {
                    await apply(taken.Select(t => t.Event).ToList(), ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrgEventBatches))
                        .LogWarning(ex, "A batch of {Count} events for {Route} could not be applied; they are redelivered", taken.Count, http.Request.Path);
                    outcome = BulkSubscribeAppResponseStatus.RETRY;
                }
            }
            statuses.AddRange(taken.Select(t => new BulkSubscribeAppResponseEntry(t.EntryId, outcome)));
            return TypedResults.Json(new BulkSubscribeAppResponse(statuses), ReplyJson);
        }
    }

    /// <summary>Dapr's bulk reply as the SDK types it: camelCase, statuses by name.</summary>
    public static readonly JsonSerializerOptions ReplyJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static OrgEvent<T>? Read<T>(JsonElement data, Func<T, bool> usable) where T : class
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("orgcode", out var org) || org.ValueKind != JsonValueKind.String
            || org.GetString() is not { Length: > 0 } orgcode)
        {
            return null;
        }
        try
        {
            return data.Deserialize<T>(RetailJson.Storage) is { } payload && usable(payload) ? new OrgEvent<T>(orgcode, payload) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
