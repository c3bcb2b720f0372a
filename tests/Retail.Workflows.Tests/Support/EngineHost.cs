using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared.Hosting;
using Retail.Workflows;
using Retail.Workflows.Embedded;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.Tests.Support;

/// <summary>An embedded engine on a data folder, built the way a host builds it (AddRetailWorkflows).</summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ServiceProvider _services;

    private EngineHost(ServiceProvider services)
    {
        _services = services;
        Engine = services.GetRequiredService<EmbeddedWorkflowEngine>();
        Scheduler = new TestScheduler(Engine);
    }

    public EmbeddedWorkflowEngine Engine { get; }

    public TestScheduler Scheduler { get; }

    public IServiceProvider Services => _services;

    public static EngineHost Start(string dataDir, Action<WorkflowRuntimeOptions> register, Action<IServiceCollection>? configure = null,
        ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        });
        configure?.Invoke(services);
        services.AddRetailWorkflows(new RetailOptions { DataDir = dataDir }, register, o => o.ShutdownGrace = TimeSpan.FromSeconds(2));
        var host = new EngineHost(services.BuildServiceProvider());
        host.Engine.Start();
        return host;
    }

    /// <summary>As if the process were killed: the journal is closed at once, running work is abandoned.</summary>
    public void Kill() => Engine.Kill();

    public async Task<WorkflowInstanceStatus> WaitForStatusAsync(string instanceId, params WorkflowRuntimeStatus[] statuses)
    {
        using var patience = new CancellationTokenSource(Patience);
        WorkflowInstanceStatus? last = null;
        while (!patience.IsCancellationRequested)
        {
            last = await Scheduler.GetAsync(instanceId);
            if (last is not null && statuses.Contains(last.RuntimeStatus))
            {
                return last;
            }
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"Instance {instanceId} never reached {string.Join("/", statuses)}; last: {last}");
    }

    public Task<WorkflowInstanceStatus> WaitForFinishAsync(string instanceId) => WaitForStatusAsync(instanceId,
        WorkflowRuntimeStatus.Completed, WorkflowRuntimeStatus.Failed, WorkflowRuntimeStatus.Terminated);

    public async Task WaitForJournalAsync(string instanceId, Func<IReadOnlyList<WorkflowHistoryEntry>, bool> predicate)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!patience.IsCancellationRequested)
        {
            if (await Scheduler.GetHistoryAsync(instanceId) is { } history && predicate(history))
            {
                return;
            }
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"The journal of {instanceId} never reached the expected state.");
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}

/// <summary>A fresh data folder per test, removed afterwards.</summary>
internal sealed class TempDataDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "retail-wf-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

internal static class Waits
{
    public static async Task<T> Within<T>(this Task<T> task)
    {
        await task.WaitAsync(TimeSpan.FromSeconds(60));
        return await task;
    }

    public static async Task Within(this Task task) => await task.WaitAsync(TimeSpan.FromSeconds(60));
}
