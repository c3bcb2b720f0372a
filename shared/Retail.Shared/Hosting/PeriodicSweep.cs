using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Retail.Shared.Hosting;

/// <summary>
/// A background pass run every <see cref="Interval"/> (on <see cref="TimeProvider"/>, so tests move time): what is due
/// is data in an index, so a pass that fails is logged and the next one takes it up; nothing is lost by a restart.
/// </summary>
public abstract class PeriodicSweep(TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The clock the passes run on (a pass reads "now" from it too).</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>Time between passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the sweep does, for its log lines ("Reservation sweep").</summary>
    protected abstract string Name { get; }

    /// <summary>One pass over what is due now.</summary>
    protected abstract Task PassAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Also a timeout of a call the pass made: only the host stopping ends the sweep.
                    logger.LogWarning(ex, "{Sweep} failed; it runs again in {Interval}", Name, Interval);
                }
            }
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a pass cut short leaves its work due, and the next start takes it up.
            logger.LogDebug(ex, "{Sweep} stopped", Name);
        }
    }
}
