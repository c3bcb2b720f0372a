using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace Retail.Dapr.Tests.Fakes;

/// <summary>An operation of a state transaction as the store receives it, whichever API carried it.</summary>
public sealed record FakeStateOperation(string Operation, string Key, string? ETag, bool FirstWrite, string? StoredJson, bool Binary,
    IReadOnlyDictionary<string, string> Metadata)
{
    public bool IsProjection => Metadata.TryGetValue("outbox.projection", out var value) && value == "true";
}

/// <summary>
/// The part of daprd's API that the adapters call, answered from memory, with one <c>state.postgresql</c> v1 table
/// behind every state component (as the deployment has it). It records every request so a test can assert what went
/// on the wire, and behaves like daprd and the store where that matters:
/// <list type="bullet">
/// <item>a transaction whose ETag check fails is rejected whole with the store's "possible etag mismatch" text;</item>
/// <item>a value that reaches the store as bytes (every gRPC transaction) is kept as a base64 JSON string, as v1 does,
/// so the query API never matches it (components-contrib#3574); a JSON value (the HTTP API) is kept as JSON;</item>
/// <item>queries compare and sort <c>value-&gt;'a'-&gt;&gt;'b'</c> as text, and a limited page always carries a token;</item>
/// <item>a committed transaction on a component with the outbox (<see cref="OutboxStores"/>) publishes one CloudEvent per
/// upsert to <c>cdc</c>, with the runtime's own id and type and the upsert's metadata copied in key for key.</item>
/// </list>
/// The handlers are virtual because ASP.NET Core gRPC binds only methods whose base definition sits on the type named
/// by <see cref="BindServiceMethodAttribute"/>, as generated service bases have them.
/// </summary>
[BindServiceMethod(typeof(FakeDaprSidecar), nameof(BindService))]
public class FakeDaprSidecar
{
    private const string ConflictText = "error while executing state transaction: possible etag mismatch. error from state store: no rows";

    private readonly object gate = new();
    private readonly Dictionary<string, Row> state = new(StringComparer.Ordinal);
    private long nextETag;

    private sealed record Row(string Json, string ETag, bool Binary)
    {
        public ByteString Value => Binary
            ? ByteString.FromBase64(JsonNode.Parse(Json)!.GetValue<string>())
            : ByteString.CopyFromUtf8(Json);
    }

    public ConcurrentQueue<object> Requests { get; } = new();

    public ConcurrentDictionary<string, Dictionary<string, string>> Secrets { get; } = new();

    /// <summary>The state components whose metadata configures the transactional outbox.</summary>
    public HashSet<string> OutboxStores { get; } = new(StringComparer.Ordinal) { "recordstore" };

    /// <summary>What the outbox delivered to its publish topic (<c>cdc</c>), in order.</summary>
    public ConcurrentQueue<JsonObject> CdcEvents { get; } = new();

    /// <summary>Transactions that arrived through the HTTP API: the component name and the request body.</summary>
    public ConcurrentQueue<(string Store, JsonObject Body)> HttpTransactions { get; } = new();

    /// <summary>The app id of the sidecar, the <c>source</c> of what its outbox publishes.</summary>
    public string AppId { get; set; } = "app";

    /// <summary>Answers an output binding call; may throw an <see cref="RpcException"/> to play a failing binding.</summary>
    public Func<DaprProto.InvokeBindingRequest, DaprProto.InvokeBindingResponse> BindingResponder { get; set; } =
        _ => new DaprProto.InvokeBindingResponse();

    /// <summary>Runs after a query has been answered from the table (and before the answer leaves): another writer's turn.</summary>
    public Action<DaprProto.QueryStateRequest>? AfterQuery { get; set; }

    /// <summary>When set, transactions fail with this store error instead of running.</summary>
    public string? TransactionError { get; set; }

    public T[] Recorded<T>() => [.. Requests.OfType<T>()];

    /// <summary>Stores <paramref name="json"/> as a JSON value, as a JSON write through the HTTP API would.</summary>
    public string Seed(string key, string json)
    {
        lock (gate)
        {
            var etag = NewETag();
            state[key] = new Row(JsonNode.Parse(json)!.ToJsonString(), etag, false);
            return etag;
        }
    }

    /// <summary>The value as a read gives it back (base64 decoded for a value stored as bytes).</summary>
    public string? Stored(string key)
    {
        lock (gate)
        {
            return state.TryGetValue(key, out var row) ? row.Value.ToStringUtf8() : null;
        }
    }

    /// <summary>The JSON document in the table's value column, what the query API sees.</summary>
    public string? StoredDocument(string key)
    {
        lock (gate)
        {
            return state.TryGetValue(key, out var row) ? row.Json : null;
        }
    }

    /// <summary>Every key in the table with its JSON document, as the query API sees it: a snapshot to compare later.</summary>
    public IReadOnlyDictionary<string, string> Documents()
    {
        lock (gate)
        {
            return state.ToDictionary(pair => pair.Key, pair => pair.Value.Json, StringComparer.Ordinal);
        }
    }

    public virtual Task<DaprProto.GetStateResponse> GetState(DaprProto.GetStateRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        lock (gate)
        {
            return Task.FromResult(state.TryGetValue(request.Key, out var row)
                ? new DaprProto.GetStateResponse { Data = row.Value, Etag = row.ETag }
                : new DaprProto.GetStateResponse());
        }
    }

    public virtual Task<DaprProto.GetBulkStateResponse> GetBulkState(DaprProto.GetBulkStateRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        var response = new DaprProto.GetBulkStateResponse();
        lock (gate)
        {
            foreach (var key in request.Keys)
            {
                response.Items.Add(state.TryGetValue(key, out var row)
                    ? new DaprProto.BulkStateItem { Key = key, Data = row.Value, Etag = row.ETag }
                    : new DaprProto.BulkStateItem { Key = key });
            }
        }
        return Task.FromResult(response);
    }

    /// <summary>The gRPC transaction API: values reach the store as raw bytes.</summary>
    public virtual Task<Empty> ExecuteStateTransaction(DaprProto.ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        var operations = request.Operations.Select(op => new FakeStateOperation(
            op.OperationType, op.Request.Key, op.Request.Etag?.Value,
            op.Request.Options?.Concurrency == DaprProto.StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite,
            op.OperationType == "upsert" ? JsonSerializer.Serialize(op.Request.Value.ToBase64()) : null, true,
            new Dictionary<string, string>(op.Request.Metadata))).ToList();
        var error = Transact(request.StoreName, operations);
        return error is null ? Task.FromResult(new Empty()) : throw new RpcException(new Status(StatusCode.Internal, error));
    }

    /// <summary>
    /// The HTTP transaction API (<c>POST /v1.0/state/{store}/transaction</c>): values arrive as JSON and are stored as JSON.
    /// Returns the error message daprd would answer with 500, or null on success.
    /// </summary>
    public string? TransactOverHttp(string store, JsonObject body)
    {
        HttpTransactions.Enqueue((store, body));
        var operations = body["operations"]!.AsArray().Select(node =>
        {
            var request = node!["request"]!.AsObject();
            var metadata = request["metadata"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
            var operation = node["operation"]!.GetValue<string>();
            return new FakeStateOperation(operation, request["key"]!.GetValue<string>(), request["etag"]?.GetValue<string>(),
                request["options"]?["concurrency"]?.GetValue<string>() == "first-write",
                operation == "upsert" ? (request["value"]?.ToJsonString() ?? "null") : null, false, metadata);
        }).ToList();
        return Transact(store, operations);
    }

    private string? Transact(string store, List<FakeStateOperation> operations)
    {
        if (TransactionError is { } failure)
        {
            return failure;
        }
        lock (gate)
        {
            // daprd takes the projections out before the store sees the transaction.
            var projections = operations.Where(op => op.IsProjection).ToDictionary(op => op.Key, StringComparer.Ordinal);
            var writes = operations.Where(op => !op.IsProjection).ToList();
            foreach (var op in writes)
            {
                var exists = state.TryGetValue(op.Key, out var current);
                var mismatch = op.Operation switch
                {
                    "upsert" when !string.IsNullOrEmpty(op.ETag) => !exists || current!.ETag != op.ETag,
                    "upsert" => op.FirstWrite && exists,
                    "delete" when !string.IsNullOrEmpty(op.ETag) => !exists || current!.ETag != op.ETag,
                    _ => false,
                };
                if (mismatch)
                {
                    return ConflictText;
                }
            }
            foreach (var op in writes)
            {
                if (op.Operation == "upsert")
                {
                    state[op.Key] = new Row(op.StoredJson!, NewETag(), op.Binary);
                }
                else
                {
                    state.Remove(op.Key);
                }
            }
            if (OutboxStores.Contains(store))
            {
                foreach (var op in writes.Where(op => op.Operation == "upsert"))
                {
                    CdcEvents.Enqueue(OutboxEvent(op, projections.GetValueOrDefault(op.Key)));
                }
            }
        }
        return null;
    }

    // As the runtime's outbox builds it: its own id, the default type and the app as source, the projection's value (or
    // the write's) as data, then every metadata key of the write copied in, except data and id.
    private JsonObject OutboxEvent(FakeStateOperation write, FakeStateOperation? projection)
    {
        var payload = projection ?? write;
        var contentType = payload.Metadata.GetValueOrDefault("contentType");
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.NewGuid().ToString(),
            ["source"] = AppId,
            ["type"] = "com.dapr.event.sent",
            ["topic"] = "cdc",
            ["pubsubname"] = "pubsub",
            ["datacontenttype"] = contentType ?? "text/plain",
            ["data"] = contentType == "application/json" && !payload.Binary ? JsonNode.Parse(payload.StoredJson!) : payload.StoredJson,
        };
        foreach (var (key, value) in write.Metadata.Where(m => m.Key is not ("data" or "id")))
        {
            cloudEvent[key] = value;
        }
        return cloudEvent;
    }

    /// <summary>
    /// As <c>state.postgresql</c> v1 runs a query: EQ, IN and AND over <c>value-&gt;…-&gt;&gt;'field'</c> compared as text with
    /// each value as Go prints it, ORDER BY the same text (NULLs last ascending, first descending), LIMIT and an OFFSET
    /// token, and a token on every limited page.
    /// </summary>
    public virtual Task<DaprProto.QueryStateResponse> QueryStateAlpha1(DaprProto.QueryStateRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        var query = JsonNode.Parse(request.Query)!.AsObject();
        var filter = query["filter"] as JsonObject;
        var sorts = (query["sort"] as JsonArray ?? []).Select(s => (Key: s!["key"]!.GetValue<string>(),
            Descending: string.Equals(s["order"]?.GetValue<string>(), "DESC", StringComparison.OrdinalIgnoreCase))).ToList();
        var limit = query["page"]?["limit"]?.GetValue<int>() ?? 0;
        var skip = query["page"]?["token"]?.GetValue<string>() is { } token ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var response = new DaprProto.QueryStateResponse();
        lock (gate)
        {
            IEnumerable<KeyValuePair<string, Row>> rows = state.Where(pair => filter is null || Matches(JsonNode.Parse(pair.Value.Json), filter));
            IOrderedEnumerable<KeyValuePair<string, Row>>? ordered = null;
            foreach (var (key, descending) in sorts)
            {
                var comparer = new PostgresText(descending);
                ordered = ordered is null
                    ? rows.OrderBy(pair => TextAt(JsonNode.Parse(pair.Value.Json), key), comparer)
                    : ordered.ThenBy(pair => TextAt(JsonNode.Parse(pair.Value.Json), key), comparer);
            }
            var page = (ordered ?? rows.OrderBy(pair => pair.Key, StringComparer.Ordinal)).Skip(skip);
            var results = (limit > 0 ? page.Take(limit) : page).ToList();
            foreach (var (key, row) in results)
            {
                response.Results.Add(new DaprProto.QueryStateItem { Key = key, Data = ByteString.CopyFromUtf8(row.Json), Etag = row.ETag });
            }
            if (limit > 0)
            {
                response.Token = (skip + results.Count).ToString(CultureInfo.InvariantCulture);
            }
        }
        AfterQuery?.Invoke(request);
        return Task.FromResult(response);
    }

    private static bool Matches(JsonNode? document, JsonObject filter)
    {
        var (op, body) = filter.Single();
        return op switch
        {
            "AND" => body!.AsArray().All(f => Matches(document, f!.AsObject())),
            "OR" => body!.AsArray().Any(f => Matches(document, f!.AsObject())),
            "EQ" => body!.AsObject().All(p => TextAt(document, p.Key) == GoText(p.Value)),
            "IN" => body!.AsObject().All(p => p.Value!.AsArray().Any(v => TextAt(document, p.Key) == GoText(v))),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "unsupported filter " + op)),
        };
    }

    // value->'a'->>'b': SQL NULL when any step is missing or not an object, the JSON text of what is found otherwise.
    private static string? TextAt(JsonNode? document, string path)
    {
        var node = document;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var next) ? next : null;
            if (node is null)
            {
                return null;
            }
        }
        return node!.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
    }

    // The query's values are decoded by Go's encoding/json and printed with %v.
    private static string GoText(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => value.GetValue<double>().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "<nil>",
    };

    private sealed class PostgresText(bool descending) : IComparer<string?>
    {
        public int Compare(string? x, string? y) => (x, y) switch
        {
            (null, null) => 0,
            // NULL sorts as the largest value: last ascending, first descending.
            (null, _) => descending ? -1 : 1,
            (_, null) => descending ? 1 : -1,
            _ => descending ? string.CompareOrdinal(y, x) : string.CompareOrdinal(x, y),
        };
    }

    public virtual Task<Empty> PublishEvent(DaprProto.PublishEventRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        return Task.FromResult(new Empty());
    }

    public virtual Task<DaprProto.InvokeBindingResponse> InvokeBinding(DaprProto.InvokeBindingRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        return Task.FromResult(BindingResponder(request));
    }

    public virtual Task<DaprProto.GetSecretResponse> GetSecret(DaprProto.GetSecretRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        if (!Secrets.TryGetValue(request.Key, out var values))
        {
            throw new RpcException(new Status(StatusCode.Internal, $"failed getting secret with key {request.Key}: secret not found"));
        }
        var response = new DaprProto.GetSecretResponse();
        response.Data.Add(values);
        return Task.FromResult(response);
    }

    /// <summary>What <c>bindings.http</c> sends as request headers: only the metadata keys that start with a capital letter.</summary>
    public static Dictionary<string, string> HttpBindingHeaders(DaprProto.InvokeBindingRequest request) =>
        request.Metadata.Where(pair => pair.Key.Length > 0 && char.IsUpper(pair.Key[0]))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <c>bindings.smtp</c> sends the request data as a <c>text/html</c> body; these are the lines a mail client shows
    /// of it: tags dropped, entities decoded, whitespace collapsed except inside <c>pre</c>, line breaks at <c>br</c>.
    /// </summary>
    public static string[] MailClientLines(string html)
    {
        const char Break = '\u0002';
        var text = Regex.Replace(html, "<pre[^>]*>(.*?)</pre>", m => Break + m.Groups[1].Value.Replace('\n', Break) + Break,
            RegexOptions.Singleline | RegexOptions.IgnoreCase);
        text = Regex.Replace(text, @"<br\s*/?>", Break.ToString(), RegexOptions.IgnoreCase);
        text = Regex.Replace(text, "<[^>]+>", " ");
        text = Regex.Replace(text, @"\s+", " ");
        return [.. text.Split(Break).Select(line => WebUtility.HtmlDecode(line).Trim()).Where(line => line.Length > 0)];
    }

    private string NewETag() => Interlocked.Increment(ref nextETag).ToString(CultureInfo.InvariantCulture);

    public static void BindService(ServiceBinderBase binder, FakeDaprSidecar? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(Unary<DaprProto.GetStateRequest, DaprProto.GetStateResponse>(nameof(GetState)), service is null ? null : service.GetState);
        binder.AddMethod(Unary<DaprProto.GetBulkStateRequest, DaprProto.GetBulkStateResponse>(nameof(GetBulkState)),
            service is null ? null : service.GetBulkState);
        binder.AddMethod(Unary<DaprProto.ExecuteStateTransactionRequest, Empty>(nameof(ExecuteStateTransaction)),
            service is null ? null : service.ExecuteStateTransaction);
        binder.AddMethod(Unary<DaprProto.QueryStateRequest, DaprProto.QueryStateResponse>(nameof(QueryStateAlpha1)),
            service is null ? null : service.QueryStateAlpha1);
        binder.AddMethod(Unary<DaprProto.PublishEventRequest, Empty>(nameof(PublishEvent)), service is null ? null : service.PublishEvent);
        binder.AddMethod(Unary<DaprProto.InvokeBindingRequest, DaprProto.InvokeBindingResponse>(nameof(InvokeBinding)),
            service is null ? null : service.InvokeBinding);
        binder.AddMethod(Unary<DaprProto.GetSecretRequest, DaprProto.GetSecretResponse>(nameof(GetSecret)),
            service is null ? null : service.GetSecret);
    }

    // The Dapr.Protos package ships only the client stub, so the server side describes the same methods itself.
    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(MethodType.Unary, DaprProto.Dapr.Descriptor.FullName, name, MarshallerOf<TRequest>(), MarshallerOf<TResponse>());

    private static Marshaller<T> MarshallerOf<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
    }
}
