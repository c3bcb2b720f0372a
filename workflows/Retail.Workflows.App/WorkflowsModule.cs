using Dapr.Workflow;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Hosting;
using Retail.Workflows.App.Activities;
using Retail.Workflows.App.Management;
using Retail.Workflows.App.Workflows;

namespace Retail.Workflows.App;

/// <summary>The workflows app: hosts the saga classes and serves the management API.</summary>
public sealed class WorkflowsModule : IServiceModule
{
    public string AppId => "workflows";

    public string Title => "Workflows";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        services.AddRetailWorkflows(options, Register);
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<Retail.Shared.Records.PageTokens>(services);
        services.AddHealthChecks().AddCheck<WorkflowRuntimeHealthCheck>("workflows", tags: ["ready"]);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes) => routes.MapWorkflowApi();

    /// <summary>The sagas of this app, registered once for the embedded engine and for Dapr.</summary>
    public static void Register(WorkflowRuntimeOptions register)
    {
        ArgumentNullException.ThrowIfNull(register);
        register.RegisterWorkflow<SequentialSaga>();
        register.RegisterWorkflow<FanOutSaga>();
        register.RegisterWorkflow<ApprovalSaga>();
        register.RegisterActivity<StepActivity>();
    }
}
