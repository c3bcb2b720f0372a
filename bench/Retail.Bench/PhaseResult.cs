using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Retail.Bench;

/// <summary>Latencies of one phase, in Stopwatch ticks, and its counts.</summary>
internal sealed class PhaseResult(string name)
{
    private readonly List<long> _ticks = [];

    public string Name => name;

    public long Operations { get; private set; }

    public long Errors { get; private set; }

    public void Merge(List<long> ticks, long errors)
    {
        lock (_ticks)
        {
            _ticks.AddRange(ticks);
            Operations += ticks.Count;
            Errors += errors;
        }
    }

    /// <summary>The phase's figures over <paramref name="elapsed"/>, as saved to the results file and charted.</summary>
    public PhaseFigures Figures(TimeSpan elapsed)
    {
        _ticks.Sort();
        double Ms(double q) => _ticks.Count == 0 ? 0 : _ticks[(int)Math.Min(_ticks.Count - 1, q * _ticks.Count)] * 1000.0 / Stopwatch.Frequency;
        var seconds = elapsed.TotalSeconds;
        return new PhaseFigures(name, Operations, Errors, seconds, seconds > 0 ? Operations / seconds : 0, Ms(0.50), Ms(0.90), Ms(0.99), Ms(1.0));
    }

    /// <summary>The line printed for the phase, recorded for the run's results file unless <paramref name="record"/> is false (a warm-up, a phase skipped).</summary>
    public string Report(TimeSpan elapsed, bool record = true)
    {
        var figures = Figures(elapsed);
        if (record)
        {
            BenchRecorder.Record(figures);
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-6} {figures.OpsPerSecond,12:N0} ops/s   p50 {figures.P50Ms,8:N3} ms   p99 {figures.P99Ms,8:N3} ms   errors {Errors}");
    }
}

/// <summary>One phase's throughput and latency percentiles (milliseconds), machine-readable.</summary>
internal sealed record PhaseFigures(string Name, long Operations, long Errors, double Seconds, double OpsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    /// <summary>The host's own <c>/{app}/stat</c> phase, the yardstick each benchmark measures beside its real work.</summary>
    [JsonIgnore]
    public bool IsStat => Name.StartsWith("stat", StringComparison.Ordinal);
}

/// <summary>
/// The phases this process measured, in order: every benchmark prints through <see cref="PhaseResult.Report"/>, so
/// collecting here gives the results file without each benchmark passing its figures back.
/// </summary>
internal static class BenchRecorder
{
    private static readonly List<PhaseFigures> Recorded = [];

    public static void Record(PhaseFigures figures)
    {
        lock (Recorded)
        {
            Recorded.Add(figures);
        }
    }

    public static IReadOnlyList<PhaseFigures> Phases
    {
        get
        {
            lock (Recorded)
            {
                return [.. Recorded];
            }
        }
    }
}
