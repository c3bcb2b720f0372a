using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Hosting;
using Retail.Workflows.App;
using Retail.Workflows.App.Workflows;
using Retail.Workflows.Embedded;
using Retail.Workflows.Scheduling;
using Retail.Workflows.Tests.Support;

namespace Retail.Workflows.Tests.Registration;

public sealed class WorkflowRegistrationTests : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task embedded_mode_registers_the_engine_as_the_scheduler_and_registrations_from_several_modules_add_up()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var options = new RetailOptions { DataDir = _dir.Path };
        services.AddRetailWorkflows(options, WorkflowsModule.Register);
        services.AddRetailWorkflows(options, r => r.RegisterWorkflow<ThreeStepWorkflow>());
        await using var provider = services.BuildServiceProvider();

        var scheduler = provider.GetRequiredService<IWorkflowScheduler>();
        var registry = provider.GetRequiredService<WorkflowRegistry>();

        Assert.IsType<EmbeddedWorkflowEngine>(scheduler);
        Assert.Contains(nameof(SequentialSaga), registry.WorkflowNames);
        Assert.Contains(nameof(ThreeStepWorkflow), registry.WorkflowNames);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "workflows.db")));
    }

    [Fact]
    public async Task dapr_mode_registers_the_same_workflows_with_dapr_and_the_dapr_scheduler()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRetailWorkflows(new RetailOptions { Mode = RuntimeMode.Dapr, DataDir = _dir.Path }, WorkflowsModule.Register);
        await using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<WorkflowRegistry>();

        Assert.Contains(services, d => d.ServiceType == typeof(IWorkflowScheduler) && d.ImplementationType == typeof(DaprWorkflowScheduler));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(EmbeddedWorkflowEngine));
        Assert.Contains(services, d => d.ServiceType == typeof(Dapr.Workflow.DaprWorkflowClient));
        Assert.Equal([nameof(ApprovalSaga), nameof(FanOutSaga), nameof(SequentialSaga)], registry.WorkflowNames.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "workflows.db")));
    }
}
