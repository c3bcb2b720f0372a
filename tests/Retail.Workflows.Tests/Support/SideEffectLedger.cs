using System.Collections.Concurrent;

namespace Retail.Workflows.Tests.Support;

/// <summary>
/// Stands in for an external system that honours idempotency keys: it counts every attempt, but applies an
/// effect only the first time it sees a key.
/// </summary>
public sealed class SideEffectLedger
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly ConcurrentDictionary<string, string> _applied = new();

    public bool Apply(string idempotencyKey, string effect)
    {
        _attempts.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1);
        return _applied.TryAdd(idempotencyKey, effect);
    }

    public int Attempts(string key) => _attempts.GetValueOrDefault(key);

    public IReadOnlyDictionary<string, string> Applied => _applied;

    public IReadOnlyDictionary<string, int> AllAttempts => _attempts;
}

/// <summary>Lets a test hold an activity in flight, and know that it is.</summary>
public sealed class ActivityGate
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ActivityGate Open()
    {
        var gate = new ActivityGate();
        gate.Release.SetResult();
        return gate;
    }
}
