using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Invocation;
using Retail.Workflows.Embedded;
using Retail.Workflows.Scheduling;

namespace Retail.Functional.Tests.Infrastructure;

/// <summary>
/// Holds one call of a saga (a call to another service, or to a port such as the payment provider) before it is made
/// or after it has answered, until the test lets go: the crash tests stop the host while it is held.
/// </summary>
/// <param name="Target">The app id called (or a port's name, for a port the test wraps itself).</param>
/// <param name="Path">The path called (or the port's operation).</param>
/// <param name="Stage">When set, only a call whose body's <c>stage</c> is this is held.</param>
public sealed class CallGate(string target, string path, bool afterTheCall, string? stage = null)
{
    public string Target { get; } = target;

    public string Path { get; } = path;

    public bool AfterTheCall { get; } = afterTheCall;

    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Holds(string appId, string path, object? body) =>
        Target == appId && Path == path
        && (stage is null || (body is not null && JsonSerializer.SerializeToElement(body).TryGetProperty("stage", out var s) && s.GetString() == stage));

    /// <summary>Runs <paramref name="call"/>, held before or after it as the gate says.</summary>
    public async Task<T> AroundAsync<T>(Func<Task<T>> call)
    {
        if (!AfterTheCall)
        {
            Reached.TrySetResult();
            await Release.Task;
        }
        var answer = await call();
        if (AfterTheCall)
        {
            Reached.TrySetResult();
            await Release.Task;
        }
        return answer;
    }

    /// <summary>The host's service invoker, with the calls this gate names held.</summary>
    public Action<IServiceCollection> OnInvocations() => services =>
    {
        var original = services.Last(d => d.ServiceType == typeof(IServiceInvoker));
        services.AddSingleton<IServiceInvoker>(sp => new GatedInvoker(
            (IServiceInvoker)(original.ImplementationInstance ?? original.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!)), this));
    };

    private sealed class GatedInvoker(IServiceInvoker inner, CallGate gate) : IServiceInvoker
    {
        public Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
            CancellationToken cancellationToken = default) =>
            gate.Holds(appId, path, body)
                ? gate.AroundAsync(() => inner.InvokeAsync(appId, path, body, options, cancellationToken))
                : inner.InvokeAsync(appId, path, body, options, cancellationToken);
    }
}

/// <summary>
/// The embedded workflow engine, except that it will not start <paramref name="workflow"/>: as if the process stopped
/// right after the commit whose handler would have started it (the saga must then start from the committed event).
/// </summary>
public sealed class WorkflowThatWillNotStart(EmbeddedWorkflowEngine engine, string workflow) : IWorkflowScheduler
{
    private int _refused;

    /// <summary>How many starts of the workflow were refused.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public Task<WorkflowStartResult> StartAsync(string name, string? instanceId, JsonElement? input, CancellationToken cancellationToken = default)
    {
        if (name == workflow)
        {
            Interlocked.Increment(ref _refused);
            throw new InvalidOperationException("stopping");
        }
        return engine.StartAsync(name, instanceId, input, cancellationToken);
    }

    public Task<WorkflowInstanceStatus?> GetAsync(string instanceId, CancellationToken cancellationToken = default) => engine.GetAsync(instanceId, cancellationToken);

    public Task<WorkflowInstanceList> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken = default) => engine.ListAsync(query, cancellationToken);

    public Task<IReadOnlyList<WorkflowHistoryEntry>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
        engine.GetHistoryAsync(instanceId, cancellationToken);

    public Task<WorkflowOperationResult> RaiseEventAsync(string instanceId, string eventName, JsonElement? payload, CancellationToken cancellationToken = default) =>
        engine.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);

    public Task<WorkflowOperationResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken = default) =>
        engine.SuspendAsync(instanceId, reason, cancellationToken);

    public Task<WorkflowOperationResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken = default) =>
        engine.ResumeAsync(instanceId, reason, cancellationToken);

    public Task<WorkflowOperationResult> TerminateAsync(string instanceId, JsonElement? output, CancellationToken cancellationToken = default) =>
        engine.TerminateAsync(instanceId, output, cancellationToken);

    public Task<WorkflowOperationResult> PurgeAsync(string instanceId, CancellationToken cancellationToken = default) => engine.PurgeAsync(instanceId, cancellationToken);

    public Task<WorkflowInstanceStatus?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default) =>
        engine.WaitForCompletionAsync(instanceId, cancellationToken);
}
