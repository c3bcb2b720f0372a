using Dapr.Workflow;

namespace Retail.Workflows.App.Activities;

public sealed record StepInput(string Reference, int Step);

public sealed record StepOutput(int Step, string IdempotencyKey);

/// <summary>
/// One step of a sample saga. A real step calls a service with <see cref="WorkflowActivityContext.TaskExecutionKey"/>
/// as its Idempotency-Key, so a step that runs again after a crash has its effect once.
/// </summary>
public sealed class StepActivity : WorkflowActivity<StepInput, StepOutput>
{
    public override Task<StepOutput> RunAsync(WorkflowActivityContext context, StepInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return Task.FromResult(new StepOutput(input.Step, context.TaskExecutionKey));
    }
}
