using Dapr.Workflow;
using Retail.Workflows.App.Activities;

namespace Retail.Workflows.App.Workflows;

/// <summary>Ten steps at once, then the results together (fan-out/fan-in).</summary>
public sealed class FanOutSaga : Workflow<SagaInput, SagaResult>
{
    public const int Branches = 10;

    private static readonly WorkflowTaskOptions StepRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(200), backoffCoefficient: 2));

    public override async Task<SagaResult> RunAsync(WorkflowContext context, SagaInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var branches = Enumerable.Range(1, Branches)
            .Select(step => context.CallActivityAsync<StepOutput>(nameof(StepActivity), new StepInput(input.Reference, step), StepRetry))
            .ToList();
        var outputs = await Task.WhenAll(branches);
        return new SagaResult(input.Reference, outputs.OrderBy(o => o.Step).Select(o => o.IdempotencyKey).ToList());
    }
}
