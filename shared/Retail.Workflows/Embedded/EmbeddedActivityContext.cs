using Dapr.Workflow;
using Dapr.Workflow.Abstractions;

namespace Retail.Workflows.Embedded;

internal sealed class EmbeddedActivityContext(string name, string instanceId, string taskExecutionKey, int taskId)
    : WorkflowActivityContext
{
    public override TaskIdentifier Identifier { get; } = new(name);

    public override string TaskExecutionKey { get; } = taskExecutionKey;

    public override int ScheduledEventId { get; } = taskId;

    public override string InstanceId { get; } = instanceId;
}
