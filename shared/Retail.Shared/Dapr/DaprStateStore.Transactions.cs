using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.State;

namespace Retail.Shared.Dapr;

/// <summary>The transaction body and its metadata, as the sidecar's HTTP transaction API takes them.</summary>
public sealed partial class DaprStateStore
{
    /// <summary>
    /// The body of <c>POST /v1.0/state/{store}/transaction</c>. Values are written as JSON (with their sort twins), so
    /// the store keeps them as JSON. A change event is a second upsert of the same key marked <c>outbox.projection</c>,
    /// right after its write: the outbox publishes the projection's value in place of the written one, and drops it
    /// from the transaction.
    /// </summary>
    private byte[] TransactionBody(StateTransaction transaction, OutboxPlan plan)
    {
        var projections = new Dictionary<string, OutboxMessage>(plan.Projections, StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("operations");
            foreach (var operation in transaction.Operations)
            {
                switch (operation)
                {
                    case StateUpsert upsert:
                        projections.Remove(upsert.Key, out var cdc);
                        WriteOperation(writer, "upsert", upsert.Key, Tagged(upsert.Key, DaprSortKeys.AddTo(upsert.Value)), upsert.ETag,
                            UpsertMetadata(upsert, cdc), firstWrite: true);
                        if (cdc is not null)
                        {
                            WriteOperation(writer, "upsert", upsert.Key, JsonNode.Parse(cdc.Data), null, ProjectionMetadata(), firstWrite: false);
                        }
                        break;
                    case StateDelete delete:
                        WriteOperation(writer, "delete", delete.Key, null, delete.ETag, null, firstWrite: true);
                        break;
                    default:
                        throw new ArgumentException($"unknown state operation {operation.GetType().Name}", nameof(transaction));
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A value under an org's key carries the org tag (<see cref="DaprOrgTags"/>), written with it in the same operation.</summary>
    private JsonNode? Tagged(string key, JsonNode? value) =>
        OrgData.OrgStateKeys.OrgOf(key, orgPrefixes) is { } orgcode ? DaprOrgTags.AddTo(value, AppId, orgcode, key) : value;

    private static void WriteOperation(Utf8JsonWriter writer, string operation, string key, JsonNode? value, string? etag,
        Dictionary<string, string>? metadata, bool firstWrite)
    {
        writer.WriteStartObject();
        writer.WriteString("operation", operation);
        writer.WriteStartObject("request");
        writer.WriteString("key", key);
        if (operation == "upsert")
        {
            writer.WritePropertyName("value");
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }
        if (!string.IsNullOrEmpty(etag))
        {
            writer.WriteString("etag", etag);
        }
        if (metadata is { Count: > 0 })
        {
            writer.WriteStartObject("metadata");
            foreach (var (name, text) in metadata)
            {
                writer.WriteString(name, text);
            }
            writer.WriteEndObject();
        }
        if (firstWrite)
        {
            writer.WriteStartObject("options");
            writer.WriteString("concurrency", "first-write");
            writer.WriteString("consistency", "strong");
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Indexes of the Dapr state table are the operator's (components/README.md lists them); nothing to do here.</summary>
    public Task EnsureIndexesAsync(IReadOnlyList<StateIndex> indexes, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private static Dictionary<string, string>? UpsertMetadata(StateUpsert upsert, OutboxMessage? cdc)
    {
        if (upsert.Ttl is null && cdc is null)
        {
            return null;
        }
        var metadata = cdc is null ? new Dictionary<string, string>() : CloudEventMetadata(cdc);
        if (upsert.Ttl is { } ttl)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds));
            metadata[TtlMetadataKey] = seconds.ToString(CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    // contentType makes daprd publish the projection's value as JSON data (datacontenttype application/json).
    private static Dictionary<string, string> ProjectionMetadata() => new()
    {
        ["outbox.projection"] = "true",
        ["contentType"] = "application/json",
    };

    /// <summary>
    /// The outbox copies the metadata of the written upsert (not of its projection) into the CloudEvent key for key, so
    /// the keys are the bare attribute names. It keeps its own <c>id</c> (the outbox transaction's), so consumers of
    /// <c>cdc</c> dedupe on the record key and revision in the data, not on the event id.
    /// </summary>
    internal static Dictionary<string, string> CloudEventMetadata(OutboxMessage message)
    {
        var metadata = new Dictionary<string, string>
        {
            ["type"] = message.Type,
            ["source"] = message.Source,
            ["time"] = message.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        };
        if (message.Subject is not null)
        {
            metadata["subject"] = message.Subject;
        }
        if (message.Orgcode is not null)
        {
            metadata["orgcode"] = message.Orgcode;
        }
        if (message.TraceParent is not null)
        {
            metadata["traceparent"] = message.TraceParent;
        }
        return metadata;
    }
}
