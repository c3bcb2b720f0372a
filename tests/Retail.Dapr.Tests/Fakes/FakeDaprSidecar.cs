using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace Retail.Dapr.Tests.Fakes;

/// <summary>
/// The part of daprd's gRPC API that the adapters call, answered from memory. It records every request so a test
/// can assert what the SDK put on the wire, and behaves like daprd where that matters: a transaction whose ETag
/// check fails is rejected whole with <c>Internal</c> and the store's "possible etag mismatch" text.
/// The handlers are virtual because ASP.NET Core gRPC binds only methods whose base definition sits on the type named
/// by <see cref="BindServiceMethodAttribute"/>, as generated service bases have them.
/// </summary>
[BindServiceMethod(typeof(FakeDaprSidecar), nameof(BindService))]
public class FakeDaprSidecar
{
    private readonly object gate = new();
    private readonly Dictionary<string, (ByteString Value, string ETag)> state = new(StringComparer.Ordinal);
    private long nextETag;

    public ConcurrentQueue<object> Requests { get; } = new();

    public ConcurrentDictionary<string, Dictionary<string, string>> Secrets { get; } = new();

    /// <summary>Answers an output binding call; may throw an <see cref="RpcException"/> to play a failing binding.</summary>
    public Func<DaprProto.InvokeBindingRequest, DaprProto.InvokeBindingResponse> BindingResponder { get; set; } =
        _ => new DaprProto.InvokeBindingResponse();

    /// <summary>When set, transactions fail with this status instead of running.</summary>
    public StatusCode? TransactionFailure { get; set; }

    public T[] Recorded<T>() => [.. Requests.OfType<T>()];

    public string Seed(string key, string json)
    {
        lock (gate)
        {
            var etag = NewETag();
            state[key] = (ByteString.CopyFromUtf8(json), etag);
            return etag;
        }
    }

    public string? Stored(string key)
    {
        lock (gate)
        {
            return state.TryGetValue(key, out var entry) ? entry.Value.ToStringUtf8() : null;
        }
    }

    public virtual Task<DaprProto.GetStateResponse> GetState(DaprProto.GetStateRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        lock (gate)
        {
            return Task.FromResult(state.TryGetValue(request.Key, out var entry)
                ? new DaprProto.GetStateResponse { Data = entry.Value, Etag = entry.ETag }
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
                response.Items.Add(state.TryGetValue(key, out var entry)
                    ? new DaprProto.BulkStateItem { Key = key, Data = entry.Value, Etag = entry.ETag }
                    : new DaprProto.BulkStateItem { Key = key });
            }
        }
        return Task.FromResult(response);
    }

    public virtual Task<Empty> ExecuteStateTransaction(DaprProto.ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        if (TransactionFailure is { } failure)
        {
            throw new RpcException(new Status(failure, "injected failure"));
        }
        lock (gate)
        {
            var writes = request.Operations
                .Where(op => !(op.Request.Metadata.TryGetValue("outbox.projection", out var projection) && projection == "true"))
                .ToList();
            foreach (var op in writes)
            {
                var item = op.Request;
                var exists = state.TryGetValue(item.Key, out var current);
                var expected = item.Etag?.Value;
                var firstWrite = item.Options?.Concurrency == DaprProto.StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;
                var mismatch = op.OperationType switch
                {
                    "upsert" when !string.IsNullOrEmpty(expected) => !exists || current.ETag != expected,
                    "upsert" => firstWrite && exists,
                    "delete" when !string.IsNullOrEmpty(expected) => !exists || current.ETag != expected,
                    _ => false,
                };
                if (mismatch)
                {
                    throw new RpcException(new Status(StatusCode.Internal,
                        "error while executing state transaction: possible etag mismatch. error from state store: no rows"));
                }
            }
            foreach (var op in writes)
            {
                if (op.OperationType == "upsert")
                {
                    state[op.Request.Key] = (op.Request.Value, NewETag());
                }
                else
                {
                    state.Remove(op.Request.Key);
                }
            }
        }
        return Task.FromResult(new Empty());
    }

    /// <summary>Honours EQ filters over top-level string fields and the page limit; enough to see the SDK's round trip.</summary>
    public virtual Task<DaprProto.QueryStateResponse> QueryStateAlpha1(DaprProto.QueryStateRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        var query = JsonNode.Parse(request.Query)!.AsObject();
        var equalities = new List<(string Path, string Value)>();
        if (query["filter"]?["EQ"] is JsonObject eq)
        {
            equalities.AddRange(eq.Select(p => (p.Key, p.Value!.GetValue<string>())));
        }
        var limit = query["page"]?["limit"]?.GetValue<int>() ?? int.MaxValue;
        var response = new DaprProto.QueryStateResponse();
        lock (gate)
        {
            var matches = state
                .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Where(pair =>
                {
                    var node = JsonNode.Parse(pair.Value.Value.ToStringUtf8()) as JsonObject;
                    return equalities.All(e => node?[e.Path]?.GetValueKind() == JsonValueKind.String
                        && node[e.Path]!.GetValue<string>() == e.Value);
                })
                .ToList();
            foreach (var (key, entry) in matches.Take(limit))
            {
                response.Results.Add(new DaprProto.QueryStateItem { Key = key, Data = entry.Value, Etag = entry.ETag });
            }
            if (matches.Count > limit)
            {
                response.Token = limit.ToString(CultureInfo.InvariantCulture);
            }
        }
        return Task.FromResult(response);
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
