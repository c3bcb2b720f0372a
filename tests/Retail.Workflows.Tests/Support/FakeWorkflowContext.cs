using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Retail.Workflows.Tests.Support;

/// <summary>
/// A hand-written stand-in for Dapr's <see cref="WorkflowContext"/>, for unit tests of a workflow's logic in the
/// Dapr style: activities answer from a delegate and every call is recorded.
/// </summary>
public sealed class FakeWorkflowContext(Func<string, object?, object?> activities) : WorkflowContext
{
    private int _guids;

    public List<(string Name, object? Input, WorkflowTaskOptions? Options)> ActivityCalls { get; } = [];

    public List<object?> CustomStatuses { get; } = [];

    public override string Name => "fake";

    public override string InstanceId { get; } = "fake-instance";

    public override DateTime CurrentUtcDateTime { get; } = new(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);

    public override bool IsReplaying => false;

    public override bool IsPatched(string patchName) => true;

    public override Task<T> CallActivityAsync<T>(string name, object? input = null, WorkflowTaskOptions? options = null)
    {
        lock (ActivityCalls)
        {
            ActivityCalls.Add((name, input, options));
        }
        try
        {
            return Task.FromResult((T)activities(name, input)!);
        }
        catch (InvalidOperationException ex)
        {
            return Task.FromException<T>(new WorkflowTaskFailedException(ex.Message,
                new WorkflowTaskFailureDetails(ex.GetType().FullName!, ex.Message, null)));
        }
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default) =>
        Task.FromException<T>(new TaskCanceledException($"no '{eventName}' event in this test"));

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
    }

    public override void SetCustomStatus(object? customStatus) => CustomStatuses.Add(customStatus);

    public override Task<TResult> CallChildWorkflowAsync<TResult>(string workflowName, object? input = null, ChildWorkflowTaskOptions? options = null) =>
        throw new NotSupportedException("no child workflows in this fake");

    public override ILogger CreateReplaySafeLogger(string categoryName) => NullLogger.Instance;

    public override ILogger CreateReplaySafeLogger(Type type) => NullLogger.Instance;

    public override ILogger CreateReplaySafeLogger<T>() => NullLogger<T>.Instance;

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
    }

    public override Guid NewGuid() => new($"00000000-0000-0000-0000-{++_guids:D12}");

    public override PropagatedHistory? GetPropagatedHistory() => null;
}
