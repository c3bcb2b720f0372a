using Retail.Workflows.App.Activities;
using Retail.Workflows.App.Workflows;
using Retail.Workflows.Tests.Support;

namespace Retail.Workflows.Tests.Sagas;

/// <summary>The sample sagas' logic against a fake WorkflowContext, as Dapr's own workflow tests do it.</summary>
public sealed class SampleSagaTests
{
    private static object? Step(string name, object? input) => name == nameof(StepActivity) && input is StepInput step
        ? new StepOutput(step.Step, $"key-{step.Step}")
        : throw new InvalidOperationException($"unexpected activity {name}");

    [Fact]
    public async Task sequential_saga_runs_five_steps_in_order_with_a_retry_policy()
    {
        var context = new FakeWorkflowContext(Step);

        var result = await new SequentialSaga().RunAsync(context, new SagaInput("ref-1"));

        Assert.Equal([1, 2, 3, 4, 5], context.ActivityCalls.Select(c => ((StepInput)c.Input!).Step));
        Assert.All(context.ActivityCalls, c => Assert.NotNull(c.Options?.RetryPolicy));
        Assert.Equal(["key-1", "key-2", "key-3", "key-4", "key-5"], result.IdempotencyKeys);
        Assert.Equal(5, context.CustomStatuses.Count);
    }

    [Fact]
    public async Task sequential_saga_stops_at_the_failing_step()
    {
        var context = new FakeWorkflowContext((name, input) => ((StepInput)input!).Step == 3
            ? throw new InvalidOperationException("stock service down")
            : Step(name, input));

        await Assert.ThrowsAsync<Dapr.Workflow.WorkflowTaskFailedException>(() => new SequentialSaga().RunAsync(context, new SagaInput("ref-2")));

        Assert.Equal(3, context.ActivityCalls.Count);
    }

    [Fact]
    public async Task fan_out_saga_starts_ten_branches_and_gathers_them_in_step_order()
    {
        var context = new FakeWorkflowContext(Step);

        var result = await new FanOutSaga().RunAsync(context, new SagaInput("ref-3"));

        Assert.Equal(10, context.ActivityCalls.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"key-{i}"), result.IdempotencyKeys);
    }

    [Fact]
    public async Task approval_saga_expires_when_no_decision_arrives()
    {
        var context = new FakeWorkflowContext(Step);

        var outcome = await new ApprovalSaga().RunAsync(context, new ApprovalRequest("ref-4", 60));

        Assert.Equal("expired", outcome);
    }
}
