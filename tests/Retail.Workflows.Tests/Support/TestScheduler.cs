using System.Text.Json;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.Tests.Support;

/// <summary>The scheduling port with the test's cancellation token passed along.</summary>
internal sealed class TestScheduler(IWorkflowScheduler inner)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public Task<WorkflowStartResult> StartAsync(string name, string? instanceId, JsonElement? input) => inner.StartAsync(name, instanceId, input, Token);

    public Task<WorkflowInstanceStatus?> GetAsync(string instanceId) => inner.GetAsync(instanceId, Token);

    public Task<WorkflowInstanceList> ListAsync(WorkflowListQuery query) => inner.ListAsync(query, Token);

    public Task<IReadOnlyList<WorkflowHistoryEntry>?> GetHistoryAsync(string instanceId) => inner.GetHistoryAsync(instanceId, Token);

    public Task<WorkflowOperationResult> RaiseEventAsync(string instanceId, string eventName, JsonElement? payload) =>
        inner.RaiseEventAsync(instanceId, eventName, payload, Token);

    public Task<WorkflowOperationResult> SuspendAsync(string instanceId, string? reason) => inner.SuspendAsync(instanceId, reason, Token);

    public Task<WorkflowOperationResult> ResumeAsync(string instanceId, string? reason) => inner.ResumeAsync(instanceId, reason, Token);

    public Task<WorkflowOperationResult> TerminateAsync(string instanceId, JsonElement? output) => inner.TerminateAsync(instanceId, output, Token);

    public Task<WorkflowOperationResult> PurgeAsync(string instanceId) => inner.PurgeAsync(instanceId, Token);

    public Task<WorkflowInstanceStatus?> WaitForCompletionAsync(string instanceId) => inner.WaitForCompletionAsync(instanceId, Token);
}
