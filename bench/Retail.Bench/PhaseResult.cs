using System.Diagnostics;
using System.Globalization;

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

    public string Report(TimeSpan elapsed)
    {
        _ticks.Sort();
        double Ms(double q) => _ticks.Count == 0 ? 0 : _ticks[(int)Math.Min(_ticks.Count - 1, q * _ticks.Count)] * 1000.0 / Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-6} {Operations / elapsed.TotalSeconds,12:N0} ops/s   p50 {Ms(0.50),8:N3} ms   p99 {Ms(0.99),8:N3} ms   errors {Errors}");
    }
}
