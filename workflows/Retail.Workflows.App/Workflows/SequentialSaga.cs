using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Retail.Workflows.App.Activities;

namespace Retail.Workflows.App.Workflows;

/// <summary>Five steps, one after the other; the shape of most sagas (and of the benchmark).</summary>
public sealed class SequentialSaga : Workflow<SagaInput, SagaResult>
{
    public const int Steps = 5;

    private static readonly WorkflowTaskOptions StepRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(200), backoffCoefficient: 2));

    public override async Task<SagaResult> RunAsync(WorkflowContext context, SagaInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<SequentialSaga>();
        var keys = new List<string>(Steps);
        for (var step = 1; step <= Steps; step++)
        {
            context.SetCustomStatus(new { step });
            var output = await context.CallActivityAsync<StepOutput>(nameof(StepActivity), new StepInput(input.Reference, step), StepRetry);
            keys.Add(output.IdempotencyKey);
        }
        logger.LogInformation("Sequential saga {InstanceId} for {Reference} completed", context.InstanceId, input.Reference);
        return new SagaResult(input.Reference, keys);
    }
}
