using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.Embedded;

/// <summary>
/// Runs Dapr.Workflow classes in this process over a SQLite journal. Workflow steps and activities are
/// dispatched from in-memory queues to a fixed number of workers; the journal is the truth, so after a crash
/// <see cref="Start"/> rebuilds the queues from it.
/// </summary>
public sealed partial class EmbeddedWorkflowEngine : IWorkflowScheduler, IAsyncDisposable
{
    private readonly EmbeddedWorkflowOptions _options;
    private readonly WorkflowRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WorkflowStore _store;
    private readonly WorkflowStepRunner _runner;
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly Channel<ActivityWork> _activities = Channel.CreateUnbounded<ActivityWork>();
    private readonly Dictionary<string, SlotState> _slots = new(StringComparer.Ordinal);
    private readonly PriorityQueue<DelayedItem, DateTime> _delayed = new();
    private readonly SemaphoreSlim _delayedSignal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _workers = [];
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finishWaiters = new(StringComparer.Ordinal);
    private int _started;
    private readonly Lock _stopLock = new();
    private Task? _stop;

    public EmbeddedWorkflowEngine(EmbeddedWorkflowOptions options, WorkflowRegistry registry, IServiceProvider services,
        ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _registry = registry;
        _services = services;
        _logger = loggerFactory.CreateLogger<EmbeddedWorkflowEngine>();
        _time = time ?? TimeProvider.System;
        _store = new WorkflowStore(options.DatabasePath);
        _runner = new WorkflowStepRunner(registry, services, options.SerializerOptions, loggerFactory);
    }

    private enum SlotState
    {
        Queued,
        Running,
        RunningAgain,
    }

    private sealed record DelayedItem(string? InstanceId, ActivityWork? Activity);

    private DateTime UtcNow => _time.GetUtcNow().UtcDateTime;

    /// <summary>Recovers the queues from the journal and starts the workers. Idempotent.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }
        var now = UtcNow;
        var (inboxes, activities) = _store.RecoverAsync().GetAwaiter().GetResult();
        foreach (var (visibleAt, instanceId) in inboxes)
        {
            if (visibleAt <= now)
            {
                Schedule(instanceId);
            }
            else
            {
                AddDelayed(visibleAt, new DelayedItem(instanceId, null));
            }
        }
        foreach (var (visibleAt, work) in activities)
        {
            if (visibleAt <= now)
            {
                _activities.Writer.TryWrite(work);
            }
            else
            {
                AddDelayed(visibleAt, new DelayedItem(null, work));
            }
        }
        var token = _stopping.Token;
        for (var i = 0; i < _options.MaxConcurrentWorkflows; i++)
        {
            _workers.Add(Task.Run(() => RunStepsAsync(token), CancellationToken.None));
        }
        for (var i = 0; i < _options.MaxConcurrentActivities; i++)
        {
            _workers.Add(Task.Run(() => RunActivitiesAsync(token), CancellationToken.None));
        }
        _workers.Add(Task.Run(() => RunDelayedAsync(token), CancellationToken.None));
        _logger.LogInformation("Embedded workflow engine started on {Path}: {Inboxes} inboxes and {Activities} activities recovered",
            _options.DatabasePath, inboxes.Count, activities.Count);
    }

    /// <summary>
    /// Stops taking work, waits a grace period for running activities, and closes the journal. Every caller (the host's
    /// stop, the container's dispose, possibly on another thread) awaits the one stop, so nothing is disposed under it.
    /// </summary>
    public Task StopAsync()
    {
        lock (_stopLock)
        {
            return _stop ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync();
        _ready.Writer.TryComplete();
        _activities.Writer.TryComplete();
        await Task.WhenAny(Task.WhenAll(_workers), Task.Delay(_options.ShutdownGrace));
        _store.Dispose();
    }

    /// <summary>Simulates a killed process: the journal is closed at once and nothing running may write to it again.</summary>
    internal void Kill()
    {
        lock (_stopLock)
        {
            _stop ??= Task.CompletedTask;
        }
        _stopping.Cancel();
        _store.Dispose();
        _ready.Writer.TryComplete();
        _activities.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        _delayedSignal.Dispose();
    }

    // ---- IWorkflowScheduler --------------------------------------------------------------------------------------
}
