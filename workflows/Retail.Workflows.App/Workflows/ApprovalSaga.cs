using Dapr.Workflow;
using Retail.Workflows.App.Activities;

namespace Retail.Workflows.App.Workflows;

public sealed record ApprovalDecision(bool Approved, string? By);

/// <summary>The minimal human-in-the-loop saga: one step, then wait for an <c>approval</c> event (or give up after the timeout).</summary>
public sealed class ApprovalSaga : Workflow<ApprovalRequest, string>
{
    public const string ApprovalEvent = "approval";

    public override async Task<string> RunAsync(WorkflowContext context, ApprovalRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await context.CallActivityAsync<StepOutput>(nameof(StepActivity), new StepInput(input.Reference, 1));
        context.SetCustomStatus(new { waiting_for = ApprovalEvent });
        try
        {
            var decision = await context.WaitForExternalEventAsync<ApprovalDecision>(ApprovalEvent, TimeSpan.FromSeconds(input.TimeoutSeconds));
            return decision.Approved ? "approved" : "rejected";
        }
        catch (TaskCanceledException)
        {
            return "expired";
        }
    }
}

public sealed record ApprovalRequest(string Reference, int TimeoutSeconds = 3600);
