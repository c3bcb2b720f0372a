using System.Text.Json;
using Dapr.Workflow;
using Dapr.Workflow.Registration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Retail.Shared.Invocation;
using Retail.Shared.Json;
using Retail.Workflows.App;
using Retail.Workflows.Scheduling;
using Retail.Workflows.Tests.Support;

namespace Retail.Workflows.Tests.DaprAdapter;

/// <summary>The Dapr scheduler through the real DaprWorkflowClient, against an in-test fake of the sidecar's gRPC API.</summary>
public sealed class DaprWorkflowSchedulerTests : IAsyncDisposable
{
    private readonly FakeWorkflowSidecar _sidecar = new();
    private readonly DaprWorkflowClient _client;
    private readonly DaprWorkflowScheduler _scheduler;

    public DaprWorkflowSchedulerTests()
    {
        var builder = new DaprWorkflowClientBuilder(new ConfigurationBuilder().Build());
        builder.UseJsonSerializer(RetailJson.Storage);
        builder.UseGrpcEndpoint("http://127.0.0.1:50001");
        builder.UseHttpClientFactory(new SidecarClientFactory(_sidecar));
        _client = builder.Build();
        _scheduler = new DaprWorkflowScheduler(_client, new WorkflowRegistrations().Also(r => r.Add(WorkflowsModule.Register)).BuildRegistry());
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task start_schedules_the_workflow_on_the_sidecar_and_get_maps_its_state()
    {
        var started = await _scheduler.StartAsync("SequentialSaga", "dapr-1", JsonSerializer.SerializeToElement(new { reference = "r" }), Token);
        _sidecar.Complete("dapr-1", "{\"reference\":\"r\"}");
        var status = await _scheduler.GetAsync("dapr-1", Token);

        Assert.Equal(WorkflowStartOutcome.Started, started.Outcome);
        Assert.Equal("SequentialSaga", _sidecar.Instances["dapr-1"].Name);
        Assert.Equal("{\"reference\":\"r\"}", _sidecar.Instances["dapr-1"].Input);
        Assert.Equal(WorkflowRuntimeStatus.Completed, status!.RuntimeStatus);
        Assert.Equal("r", status.Output!.Value.GetProperty("reference").GetString());
    }

    [Fact]
    public async Task a_running_id_is_a_duplicate_an_unknown_name_is_refused_and_an_unknown_id_is_not_found()
    {
        await _scheduler.StartAsync("ApprovalSaga", "dapr-2", null, Token);

        var duplicate = await _scheduler.StartAsync("ApprovalSaga", "dapr-2", null, Token);
        var unknownName = await _scheduler.StartAsync("NoSuchSaga", null, null, Token);
        var missing = await _scheduler.GetAsync("nobody", Token);
        var resumeMissing = await _scheduler.ResumeAsync("nobody", null, Token);

        Assert.Equal(WorkflowStartOutcome.Duplicate, duplicate.Outcome);
        Assert.Equal(WorkflowStartOutcome.UnknownWorkflow, unknownName.Outcome);
        Assert.Null(missing);
        Assert.Equal(WorkflowOperationOutcome.NotFound, resumeMissing.Outcome);
    }

    [Fact]
    public async Task raise_suspend_terminate_and_purge_reach_the_sidecar_only_when_the_status_allows()
    {
        await _scheduler.StartAsync("ApprovalSaga", "dapr-3", null, Token);

        var raised = await _scheduler.RaiseEventAsync("dapr-3", "approval", JsonSerializer.SerializeToElement(new { approved = true }), Token);
        var suspended = await _scheduler.SuspendAsync("dapr-3", "check", Token);
        var purgeEarly = await _scheduler.PurgeAsync("dapr-3", Token);
        var terminated = await _scheduler.TerminateAsync("dapr-3", null, Token);
        var resumeAfter = await _scheduler.ResumeAsync("dapr-3", null, Token);
        var purged = await _scheduler.PurgeAsync("dapr-3", Token);

        Assert.Equal(WorkflowOperationOutcome.Done, raised.Outcome);
        Assert.Equal("approval", Assert.Single(_sidecar.RaisedEvents).Name);
        Assert.Equal(WorkflowOperationOutcome.Done, suspended.Outcome);
        Assert.Equal(WorkflowOperationOutcome.InvalidTransition, purgeEarly.Outcome);
        Assert.Equal(WorkflowOperationOutcome.Done, terminated.Outcome);
        Assert.Equal(WorkflowOperationOutcome.InvalidTransition, resumeAfter.Outcome);
        Assert.Equal(WorkflowOperationOutcome.Done, purged.Outcome);
        Assert.Empty(_sidecar.Instances);
    }

    // The fake answers ListInstanceIDs and GetInstanceHistory with Unimplemented, as a runtime older than 1.17 does.
    [Fact]
    public async Task on_a_runtime_without_listing_list_and_history_fail_naming_the_runtime_they_need_and_the_rest_works()
    {
        await _scheduler.StartAsync("ApprovalSaga", "dapr-old-1", null, Token);

        var list = await Assert.ThrowsAsync<DependencyUnavailableException>(() => _scheduler.ListAsync(new WorkflowListQuery(Limit: 10), Token));
        var history = await Assert.ThrowsAsync<DependencyUnavailableException>(() => _scheduler.GetHistoryAsync("dapr-old-1", Token));
        var status = await _scheduler.GetAsync("dapr-old-1", Token);

        Assert.Equal(DaprWorkflowScheduler.ListingOnOlderRuntime, list.Dependency);
        Assert.Equal(DaprWorkflowScheduler.ListingOnOlderRuntime, history.Dependency);
        Assert.Contains("1.17", list.Message, StringComparison.Ordinal);
        Assert.Equal(WorkflowRuntimeStatus.Running, status!.RuntimeStatus);
    }

    [Fact]
    public async Task on_a_runtime_without_listing_the_health_check_is_degraded_with_the_reason_not_unhealthy()
    {
        var result = await new WorkflowRuntimeHealthCheck(_scheduler).CheckHealthAsync(new HealthCheckContext(), Token);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("Dapr runtime 1.17", result.Description, StringComparison.Ordinal);
    }
}

internal static class RegistrationsExtensions
{
    public static WorkflowRegistrations Also(this WorkflowRegistrations registrations, Action<WorkflowRegistrations> configure)
    {
        configure(registrations);
        return registrations;
    }
}

internal sealed class SidecarClientFactory(HttpMessageHandler sidecar) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(sidecar, disposeHandler: false);
}
