using Dapr.Workflow;
using Dapr.Workflow.Abstractions;
using Dapr.Workflow.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Retail.Workflows.Embedded;

/// <summary>
/// The embedded engine's catalogue of workflows and activities, filled through Dapr's own
/// <see cref="WorkflowRuntimeOptions.ApplyRegistrations"/>, so one registration serves both runtimes.
/// </summary>
public sealed class WorkflowRegistry : IWorkflowsFactory
{
    private readonly Dictionary<string, Func<IServiceProvider, IWorkflow>> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IServiceProvider, IWorkflowActivity>> _activities = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> WorkflowNames => _workflows.Keys;

    public IReadOnlyCollection<string> ActivityNames => _activities.Keys;

    public bool HasWorkflow(string name) => _workflows.ContainsKey(name);

    // Constructor lookup happens once per type: the engine creates a workflow on every step and an activity per call.
    public void RegisterWorkflow<TWorkflow>(string? name = null) where TWorkflow : class, IWorkflow
    {
        var factory = ActivatorUtilities.CreateFactory<TWorkflow>(Type.EmptyTypes);
        _workflows.TryAdd(name ?? typeof(TWorkflow).Name, sp => factory(sp, null));
    }

    public void RegisterWorkflow<TInput, TOutput>(string name, Func<WorkflowContext, TInput, Task<TOutput>> implementation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(implementation);
        _workflows.TryAdd(name, _ => new FunctionWorkflow<TInput, TOutput>(implementation));
    }

    public void RegisterActivity<TActivity>(string? name = null) where TActivity : class, IWorkflowActivity
    {
        var factory = ActivatorUtilities.CreateFactory<TActivity>(Type.EmptyTypes);
        _activities.TryAdd(name ?? typeof(TActivity).Name, sp => factory(sp, null));
    }

    public void RegisterActivity<TInput, TOutput>(string name, Func<WorkflowActivityContext, TInput, Task<TOutput>> implementation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(implementation);
        _activities.TryAdd(name, _ => new FunctionActivity<TInput, TOutput>(implementation));
    }

    public bool TryCreateWorkflow(TaskIdentifier identifier, IServiceProvider serviceProvider, out IWorkflow? workflow,
        out Exception? activationException)
    {
        workflow = null;
        activationException = null;
        if (!_workflows.TryGetValue(identifier.Name, out var factory))
        {
            return false;
        }
        try
        {
            workflow = factory(serviceProvider);
            return true;
        }
        catch (InvalidOperationException ex)
        {
            activationException = ex;
            return false;
        }
    }

    public bool TryCreateActivity(TaskIdentifier identifier, IServiceProvider serviceProvider, out IWorkflowActivity? activity,
        out Exception? activationException)
    {
        activity = null;
        activationException = null;
        if (!_activities.TryGetValue(identifier.Name, out var factory))
        {
            return false;
        }
        try
        {
            activity = factory(serviceProvider);
            return true;
        }
        catch (InvalidOperationException ex)
        {
            activationException = ex;
            return false;
        }
    }

    // Implements IWorkflow directly: a delegate is not a dependency, but Dapr's analyzer would flag a Workflow<,> constructor taking one.
    private sealed class FunctionWorkflow<TInput, TOutput>(Func<WorkflowContext, TInput, Task<TOutput>> implementation) : IWorkflow
    {
        public Type InputType => typeof(TInput);

        public Type OutputType => typeof(TOutput);

        public async Task<object?> RunAsync(WorkflowContext context, object? input) => await implementation(context, (TInput)input!);
    }

    private sealed class FunctionActivity<TInput, TOutput>(Func<WorkflowActivityContext, TInput, Task<TOutput>> implementation)
        : WorkflowActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(WorkflowActivityContext context, TInput input) => implementation(context, input);
    }
}
