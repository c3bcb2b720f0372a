using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace Retail.Workflows.Embedded;

internal enum StepResult
{
    Waiting,
    Completed,
    Failed,
    ContinuedAsNew,
}

internal sealed record StepOutcome(
    StepResult Result,
    List<JournalEvent> NewEvents,
    List<WorkflowCommand> Commands,
    string? OutputJson,
    StoredFailure? Failure,
    string? CustomStatusJson,
    IReadOnlyList<(string Name, string? Data)> Carryover);

/// <summary>Replays one workflow over its journal plus the new inbox messages and reports what it decided.</summary>
internal sealed class WorkflowStepRunner(WorkflowRegistry registry, IServiceProvider services, JsonSerializerOptions json,
    ILoggerFactory loggerFactory)
{
    public StepOutcome Run(string name, string instanceId, long generation, IReadOnlyList<JournalEvent> journal,
        IReadOnlyList<InboxMessage> messages, DateTime now)
    {
        var newEvents = new List<JournalEvent>(messages.Count + 1) { new(JournalKind.StepStarted, -1, null, null, null, now) };
        foreach (var message in messages.OrderBy(m => m.Kind == JournalKind.ExecutionStarted ? 0 : 1).ThenBy(m => m.Id))
        {
            newEvents.Add(new JournalEvent(message.Kind, message.TaskId, message.Name, null, message.Data, now));
        }

        var context = new EmbeddedWorkflowContext(name, instanceId, generation, journal, json, loggerFactory);
        var sync = new ReplaySynchronizationContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(sync);
        Task<object?>? run = null;
        IWorkflow? workflow = null;
        StoredFailure? activationFailure = null;
        try
        {
            var total = journal.Count + newEvents.Count;
            for (var i = 0; i < total && context.NonDeterminism is null && activationFailure is null; i++)
            {
                var entry = i < journal.Count ? journal[i] : newEvents[i - journal.Count];
                context.SetReplaying(i < journal.Count);
                switch (entry.Kind)
                {
                    case JournalKind.StepStarted:
                        context.SetClock(entry.Timestamp);
                        break;
                    case JournalKind.ExecutionStarted when run is null:
                        if (!registry.TryCreateWorkflow(name, services, out workflow, out var activationError) || workflow is null)
                        {
                            activationFailure = activationError is null
                                ? new StoredFailure("WorkflowNotRegistered", $"No workflow named '{name}' is registered.", null)
                                : StoredFailure.From(activationError);
                            break;
                        }
                        run = Start(workflow, context, entry.Data);
                        break;
                    case JournalKind.TaskCompleted or JournalKind.TaskFailed or JournalKind.TimerFired
                        or JournalKind.ChildCompleted or JournalKind.ChildFailed:
                        context.Deliver(entry);
                        break;
                    case JournalKind.EventRaised:
                        context.DeliverEvent(entry.Name ?? string.Empty, entry.Data);
                        break;
                    default:
                        // Commands and patch markers are checked when the workflow issues them again.
                        break;
                }
                sync.Pump();
            }
            if (activationFailure is null)
            {
                context.VerifyJournalReplayed();
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        foreach (var patch in context.NewPatches)
        {
            newEvents.Add(new JournalEvent(JournalKind.PatchApplied, -1, patch, null, null, now));
        }
        var customStatus = context.CustomStatus is null ? null : JsonSerializer.Serialize(context.CustomStatus, context.CustomStatus.GetType(), json);

        if (activationFailure is not null || context.NonDeterminism is not null)
        {
            var failure = activationFailure ?? new StoredFailure(typeof(NonDeterministicWorkflowException).FullName!, context.NonDeterminism!, null);
            newEvents.Add(new JournalEvent(JournalKind.ExecutionFailed, -1, failure.ErrorType, null, failure.ToJson(), now));
            return new StepOutcome(StepResult.Failed, newEvents, [], null, failure, customStatus, []);
        }

        newEvents.AddRange(context.NewCommands.Select(c => c.Event));
        if (run is null || !run.IsCompleted)
        {
            return new StepOutcome(StepResult.Waiting, newEvents, context.NewCommands, null, null, customStatus, []);
        }
        if (run.IsCompletedSuccessfully && context.ContinueAsNewRequested)
        {
            var input = context.ContinueAsNewInput is null ? null
                : JsonSerializer.Serialize(context.ContinueAsNewInput, context.ContinueAsNewInput.GetType(), json);
            newEvents.Add(new JournalEvent(JournalKind.ContinuedAsNew, -1, null, null, input, now));
            var carryover = context.PreserveUnprocessedEvents ? context.BufferedEvents.ToList() : [];
            return new StepOutcome(StepResult.ContinuedAsNew, newEvents, context.NewCommands, input, null, customStatus, carryover);
        }
        if (run.IsCompletedSuccessfully)
        {
            var output = run.Result is null ? null : JsonSerializer.Serialize(run.Result, workflow!.OutputType, json);
            newEvents.Add(new JournalEvent(JournalKind.ExecutionCompleted, -1, null, null, output, now));
            return new StepOutcome(StepResult.Completed, newEvents, context.NewCommands, output, null, customStatus, []);
        }
        var exception = run.Exception?.InnerException ?? new TaskCanceledException("The workflow was canceled.");
        var failed = StoredFailure.From(exception);
        newEvents.Add(new JournalEvent(JournalKind.ExecutionFailed, -1, failed.ErrorType, null, failed.ToJson(), now));
        return new StepOutcome(StepResult.Failed, newEvents, context.NewCommands, null, failed, customStatus, []);
    }

    private Task<object?> Start(IWorkflow workflow, EmbeddedWorkflowContext context, string? inputJson)
    {
        try
        {
            var input = ReadInput(workflow.InputType, inputJson);
            return workflow.RunAsync(context, input);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Task.FromException<object?>(ex);
        }
    }

    private object? ReadInput(Type type, string? inputJson)
    {
        if (string.IsNullOrEmpty(inputJson))
        {
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }
        return JsonSerializer.Deserialize(inputJson, type, json);
    }
}
