namespace Retail.Workflows.Embedded;

/// <summary>
/// Runs every continuation of a workflow on the thread that replays it, in the order they were queued,
/// so one step of a workflow is single-threaded and deterministic.
/// </summary>
internal sealed class ReplaySynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();

    public override void Post(SendOrPostCallback d, object? state) => _queue.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    public void Pump()
    {
        while (_queue.TryDequeue(out var work))
        {
            work.Callback(work.State);
        }
    }
}
