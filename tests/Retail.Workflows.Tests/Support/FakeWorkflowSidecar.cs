using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Retail.Workflows.Tests.Support;

/// <summary>
/// Answers the Dapr sidecar's workflow gRPC calls (TaskHubSidecarService) in memory, so the real
/// <c>DaprWorkflowClient</c> can be tested without daprd.
/// </summary>
internal sealed class FakeWorkflowSidecar : HttpMessageHandler
{
    public Dictionary<string, WorkflowState> Instances { get; } = new(StringComparer.Ordinal);

    public List<RaiseEventRequest> RaisedEvents { get; } = [];

    public List<string> Calls { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.RequestUri!.AbsolutePath.Split('/')[^1];
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        var payload = body.AsSpan(5).ToArray();
        Calls.Add(method);
        IMessage? reply = method switch
        {
            "StartInstance" => Start(CreateInstanceRequest.Parser.ParseFrom(payload)),
            "GetInstance" => Get(GetInstanceRequest.Parser.ParseFrom(payload)),
            "RaiseEvent" => Raise(RaiseEventRequest.Parser.ParseFrom(payload)),
            "SuspendInstance" => Set(SuspendRequest.Parser.ParseFrom(payload).InstanceId, OrchestrationStatus.Suspended, new SuspendResponse()),
            "ResumeInstance" => Set(ResumeRequest.Parser.ParseFrom(payload).InstanceId, OrchestrationStatus.Running, new ResumeResponse()),
            "TerminateInstance" => Set(TerminateRequest.Parser.ParseFrom(payload).InstanceId, OrchestrationStatus.Terminated, new TerminateResponse()),
            "PurgeInstances" => Purge(PurgeInstancesRequest.Parser.ParseFrom(payload)),
            _ => null,
        };
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Version = HttpVersion.Version20,
            Content = new ByteArrayContent(reply is null ? [] : Frame(reply)),
        };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        response.TrailingHeaders.Add("grpc-status", reply is null ? "12" : "0");
        return response;
    }

    public void Complete(string instanceId, string outputJson)
    {
        Instances[instanceId].WorkflowStatus = OrchestrationStatus.Completed;
        Instances[instanceId].Output = outputJson;
    }

    private CreateInstanceResponse Start(CreateInstanceRequest request)
    {
        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        Instances[request.InstanceId] = new WorkflowState
        {
            InstanceId = request.InstanceId,
            Name = request.Name,
            WorkflowStatus = OrchestrationStatus.Running,
            Input = request.Input,
            CreatedTimestamp = now,
            LastUpdatedTimestamp = now,
        };
        return new CreateInstanceResponse { InstanceId = request.InstanceId };
    }

    private GetInstanceResponse Get(GetInstanceRequest request) =>
        Instances.TryGetValue(request.InstanceId, out var state)
            ? new GetInstanceResponse { Exists = true, WorkflowState = state }
            : new GetInstanceResponse { Exists = false };

    private RaiseEventResponse Raise(RaiseEventRequest request)
    {
        RaisedEvents.Add(request);
        return new RaiseEventResponse();
    }

    private IMessage Set(string instanceId, OrchestrationStatus status, IMessage reply)
    {
        Instances[instanceId].WorkflowStatus = status;
        return reply;
    }

    private PurgeInstancesResponse Purge(PurgeInstancesRequest request) =>
        new() { DeletedInstanceCount = Instances.Remove(request.InstanceId) ? 1 : 0 };

    private static byte[] Frame(IMessage message)
    {
        var bytes = message.ToByteArray();
        var frame = new byte[bytes.Length + 5];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)bytes.Length);
        bytes.CopyTo(frame, 5);
        return frame;
    }

    public override string ToString() => string.Join(",", Calls.Select(c => c.ToString(CultureInfo.InvariantCulture)));
}
