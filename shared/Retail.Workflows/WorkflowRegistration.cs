using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retail.Shared.Hosting;
using Retail.Shared.Json;
using Retail.Workflows.Embedded;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows;

public static class WorkflowRegistration
{
    /// <summary>
    /// Registers workflows and activities once for both runtimes, in Dapr's own shape
    /// (<c>register.RegisterWorkflow&lt;T&gt;(); register.RegisterActivity&lt;T&gt;();</c>), plus <see cref="IWorkflowScheduler"/>.
    /// Embedded mode: the embedded engine on <c>{DataDir}/workflows.db</c> and its hosted service. Dapr mode:
    /// <c>AddDaprWorkflow</c> with the same registrations. Several modules may call this; registrations add up.
    /// </summary>
    public static IServiceCollection AddRetailWorkflows(this IServiceCollection services, RetailOptions options,
        Action<WorkflowRuntimeOptions> register, Action<EmbeddedWorkflowOptions>? configureEngine = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(register);
        var registrations = services.FirstOrDefault(d => d.ServiceType == typeof(WorkflowRegistrations))?.ImplementationInstance
            as WorkflowRegistrations;
        if (registrations is not null)
        {
            registrations.Add(register);
            return services;
        }
        registrations = new WorkflowRegistrations();
        registrations.Add(register);
        services.AddSingleton(registrations);
        services.AddSingleton(_ => registrations.BuildRegistry());

        if (options.Mode == RuntimeMode.Dapr)
        {
            services.AddDaprWorkflow(registrations.Apply).WithJsonSerializer(RetailJson.Storage);
            services.AddSingleton<IWorkflowScheduler, DaprWorkflowScheduler>();
            return services;
        }

        var engineOptions = new EmbeddedWorkflowOptions { DatabasePath = Path.Combine(options.FullDataDir, "workflows.db") };
        configureEngine?.Invoke(engineOptions);
        services.AddSingleton(engineOptions);
        services.AddSingleton(sp => new EmbeddedWorkflowEngine(engineOptions, sp.GetRequiredService<WorkflowRegistry>(), sp,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance, sp.GetService<TimeProvider>()));
        services.AddSingleton<IWorkflowScheduler>(sp => sp.GetRequiredService<EmbeddedWorkflowEngine>());
        services.AddHostedService<EmbeddedWorkflowHost>();
        return services;
    }
}

/// <summary>Every module's registration callback, applied to Dapr's runtime options or to the embedded registry.</summary>
public sealed class WorkflowRegistrations
{
    private readonly List<Action<WorkflowRuntimeOptions>> _callbacks = [];

    public void Add(Action<WorkflowRuntimeOptions> callback) => _callbacks.Add(callback);

    public void Apply(WorkflowRuntimeOptions options)
    {
        foreach (var callback in _callbacks)
        {
            callback(options);
        }
    }

    public WorkflowRegistry BuildRegistry()
    {
        var options = new WorkflowRuntimeOptions();
        Apply(options);
        var registry = new WorkflowRegistry();
        options.ApplyRegistrations(registry);
        return registry;
    }
}

internal sealed class EmbeddedWorkflowHost(EmbeddedWorkflowEngine engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        engine.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => engine.StopAsync();
}
