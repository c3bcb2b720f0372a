using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Retail.Shared.Json;
using ScottPlot;

namespace Retail.Bench;

/// <summary>One benchmark run as saved to <c>bench/results/&lt;timestamp&gt;-&lt;benchmark&gt;.json</c>.</summary>
internal sealed record BenchRun(string Benchmark, DateTimeOffset Started, int ExitCode, int Cores, IReadOnlyList<string> Arguments,
    IReadOnlyList<PhaseFigures> Phases);

/// <summary>
/// The results files of runs and the HTML report drawn from them: per benchmark (its latest run), throughput per phase
/// beside the host's <c>/stat</c>, latency percentiles per phase, and a table of the numbers. The HTML is a pure function
/// of the runs, so a report rebuilt from the saved files is the report the run wrote.
/// </summary>
internal static partial class BenchReport
{
    private const int Width = 800;
    private const int Height = 400;

    private static readonly JsonSerializerOptions Json = new(RetailJson.Storage) { WriteIndented = true };

    private static readonly (string Label, Func<PhaseFigures, double> Ms)[] Percentiles =
        [("p50", p => p.P50Ms), ("p90", p => p.P90Ms), ("p99", p => p.P99Ms), ("max", p => p.MaxMs)];

    /// <summary><c>report [--in bench/results] [--out &lt;in&gt;/report.html]</c>: the HTML from saved runs, running nothing.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var results = options.Text("in") ?? DefaultResults();
        var runs = Load(results);
        if (runs.Count == 0)
        {
            Console.Error.WriteLine($"report: no results (*.json) in {results}");
            return Task.FromResult(1);
        }
        var file = options.Text("out") ?? Path.Combine(results, "report.html");
        Write(runs, file);
        Console.WriteLine($"report: {Path.GetFullPath(file)} ({runs.Count} benchmarks)");
        return Task.FromResult(0);
    }

    /// <summary><c>bench/results</c> of the repository the runner was built in, whatever the working directory.</summary>
    public static string DefaultResults() => Path.Combine(HttpBenchmark.FindRepositoryRoot(), "bench", "results");

    /// <summary>Saves <paramref name="run"/> to <paramref name="results"/> and writes the report of the folder's benchmarks, this run for its own.</summary>
    public static string AfterRun(BenchRun run, string results, string? reportFile)
    {
        var earlier = Load(results);
        Save(run, results);
        var file = reportFile ?? Path.Combine(results, "report.html");
        Write(Latest([.. earlier, run]), file);
        return file;
    }

    private static void Save(BenchRun run, string results)
    {
        Directory.CreateDirectory(results);
        var safeName = string.Concat(run.Benchmark.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        var file = Path.Combine(results, $"{run.Started.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{safeName}.json");
        // Written aside and moved in, so a run stopped mid-write (or a full disk) leaves no half file behind.
        var partial = file + ".partial";
        File.WriteAllBytes(partial, JsonSerializer.SerializeToUtf8Bytes(run, Json));
        File.Move(partial, file, overwrite: true);
    }

    /// <summary>
    /// The latest saved run of each benchmark in <paramref name="results"/>, by benchmark name. A file that holds no run
    /// (empty, cut short, not ours) is named on stderr and left out: it must not cost the run that just finished its report.
    /// </summary>
    private static IReadOnlyList<BenchRun> Load(string results) =>
        !Directory.Exists(results)
            ? []
            : Latest(Directory.EnumerateFiles(results, "*.json").Select(ReadRun).OfType<BenchRun>());

    private static BenchRun? ReadRun(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<BenchRun>(File.ReadAllBytes(file), Json) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            Console.Error.WriteLine($"report: {file} holds no run, left out ({ex.Message})");
            return null;
        }
    }

    private static void Write(IReadOnlyList<BenchRun> runs, string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
        File.WriteAllText(file, Html(runs));
    }

    /// <summary>An XHTML-compatible page (every element closed), so it can be checked with an XML parser.</summary>
    private static string Html(IReadOnlyList<BenchRun> runs)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\" /><title>Retail benchmarks</title><style>")
            .Append("body{font-family:sans-serif;margin:2em}section{margin-bottom:3em}.charts{display:flex;flex-wrap:wrap;gap:1em}")
            .Append("table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2em .6em}td.n{text-align:right}")
            .Append("</style></head>\n<body>\n<h1>Retail benchmarks</h1>\n");
        var chart = 0;
        foreach (var run in runs)
        {
            html.Append("<section>\n<h2>").Append(Encode(run.Benchmark)).Append("</h2>\n<p>")
                .Append(Encode(string.Create(CultureInfo.InvariantCulture,
                    $"run {run.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC on {run.Cores} cores, exit code {run.ExitCode}, options: {(run.Arguments.Count == 0 ? "(defaults)" : string.Join(' ', run.Arguments))}")))
                .Append("</p>\n<div class=\"charts\">\n")
                .Append(Svg(ThroughputChart(run), ++chart)).Append('\n')
                .Append(Svg(LatencyChart(run), ++chart)).Append("\n</div>\n");
            Table(html, run);
            html.Append("</section>\n");
        }
        return html.Append("</body>\n</html>\n").ToString();
    }

    private static List<BenchRun> Latest(IEnumerable<BenchRun> runs) =>
        [.. runs.GroupBy(r => r.Benchmark, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.Started)!).OrderBy(r => r.Benchmark, StringComparer.Ordinal)];

    /// <summary>Ops/s per phase; the host's <c>/stat</c> phase in grey, so the work reads against the host's ceiling.</summary>
    private static Plot ThroughputChart(BenchRun run)
    {
        var plot = new Plot();
        for (var i = 0; i < run.Phases.Count; i++)
        {
            var phase = run.Phases[i];
            plot.Add.Bar(new Bar
            {
                Position = i,
                Value = phase.OpsPerSecond,
                FillColor = phase.IsStat ? Colors.Gray : Colors.SteelBlue,
                Label = phase.OpsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
            });
        }
        PhaseTicks(plot, run, i => i);
        plot.Title("throughput (ops/s); grey: the host's /stat");
        plot.YLabel("ops/s");
        return plot;
    }

    /// <summary>Latency percentiles in groups, one group per phase.</summary>
    private static Plot LatencyChart(BenchRun run)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var group = Percentiles.Length + 1;
        for (var i = 0; i < run.Phases.Count; i++)
        {
            for (var j = 0; j < Percentiles.Length; j++)
            {
                plot.Add.Bar(new Bar { Position = (i * group) + j, Value = Percentiles[j].Ms(run.Phases[i]), FillColor = palette.GetColor(j) });
            }
        }
        for (var j = 0; j < Percentiles.Length; j++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = Percentiles[j].Label, FillColor = palette.GetColor(j) });
        }
        plot.ShowLegend(Alignment.UpperLeft);
        PhaseTicks(plot, run, i => (i * group) + ((Percentiles.Length - 1) / 2.0));
        plot.Title("latency (ms)");
        plot.YLabel("ms");
        return plot;
    }

    private static void PhaseTicks(Plot plot, BenchRun run, Func<int, double> position)
    {
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, run.Phases.Count).Select(position)], [.. run.Phases.Select(p => p.Name)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
    }

    /// <summary>
    /// The plot as an inline <c>svg</c> element: without the XML declaration, which may only open a document, and with its
    /// ids (Skia numbers clip paths per process) renamed after the chart's place in the page, so they are unique in the page
    /// and the same whichever process drew it.
    /// </summary>
    private static string Svg(Plot plot, int chart)
    {
        var svg = plot.GetSvgXml(Width, Height);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException("ScottPlot drew no <svg> element");
        }
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        return SvgIdReference().Replace(svg[start..].Trim(), m =>
        {
            if (!ids.TryGetValue(m.Groups["id"].Value, out var id))
            {
                id = $"chart{chart}-{ids.Count}";
                ids.Add(m.Groups["id"].Value, id);
            }
            return m.Groups["lead"].Value + id;
        });
    }

    [GeneratedRegex("""(?<lead>\bid="|url\(#|href="#)(?<id>[^")]+)""")]
    private static partial Regex SvgIdReference();

    private static void Table(StringBuilder html, BenchRun run)
    {
        var stat = run.Phases.FirstOrDefault(p => p.IsStat);
        html.Append("<table>\n<thead><tr><th>phase</th><th>ops/s</th><th>÷ /stat</th>")
            .AppendJoin("", Percentiles.Select(p => $"<th>{p.Label} ms</th>"))
            .Append("<th>operations</th><th>errors</th><th>seconds</th></tr></thead>\n<tbody>\n");
        foreach (var phase in run.Phases)
        {
            html.Append("<tr><td>").Append(Encode(phase.Name)).Append("</td>");
            Cell(html, phase.OpsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
            Cell(html, stat is { OpsPerSecond: > 0 } ? (phase.OpsPerSecond / stat.OpsPerSecond).ToString("0.000", CultureInfo.InvariantCulture) : "");
            foreach (var (_, ms) in Percentiles)
            {
                Cell(html, ms(phase).ToString("N3", CultureInfo.InvariantCulture));
            }
            Cell(html, phase.Operations.ToString("N0", CultureInfo.InvariantCulture));
            Cell(html, phase.Errors.ToString("N0", CultureInfo.InvariantCulture));
            Cell(html, phase.Seconds.ToString("N1", CultureInfo.InvariantCulture));
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void Cell(StringBuilder html, string text) => html.Append("<td class=\"n\">").Append(Encode(text)).Append("</td>");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
