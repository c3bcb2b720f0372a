using System.Diagnostics;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Retail.Bench;

namespace Retail.Shared.Tests.Benchmarks;

/// <summary>The benchmark runner's results files and HTML report (bench/Retail.Bench), from phases measured here with known latencies.</summary>
public sealed class BenchReportTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "retail-tests", "bench-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task a_run_saves_its_phases_and_writes_a_report_that_the_report_command_rebuilds_from_the_saved_files()
    {
        var results = Path.Combine(_dir, "results");
        var runReport = Path.Combine(_dir, "run", "report.html");
        var store = new BenchRun("store <a&b>", new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), 0, 2, ["--seconds", "2"],
            [Phase("stat", 1, 1_000, errors: 0, seconds: 2), Phase("save & get", 2, 1_000, errors: 7, seconds: 4)]);
        var orders = new BenchRun("orders \"x\"", new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero), 1, 2, [],
            [Phase("stat", 1, 400, errors: 0, seconds: 1), Phase("orders", 3, 100, errors: 1, seconds: 1), Phase("orders <slow>", 10, 10, errors: 0, seconds: 1)]);

        BenchReport.AfterRun(store, results, runReport);
        BenchReport.AfterRun(orders, results, runReport);

        Assert.Equal(["20260301-100000-store__a_b_.json", "20260301-110000-orders__x_.json"],
            Directory.GetFiles(results, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var html = await File.ReadAllTextAsync(runReport, TestContext.Current.CancellationToken);
        var page = Parse(html);

        // One section per benchmark, by name, its name encoded; in each a throughput and a latency chart.
        var sections = page.Descendants("section").ToList();
        Assert.Equal(["orders \"x\"", "store <a&b>"], sections.Select(s => s.Element("h2")!.Value));
        Assert.Contains("<h2>store &lt;a&amp;b&gt;</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>orders &quot;x&quot;</h2>", html, StringComparison.Ordinal);
        Assert.All(sections, s => Assert.Equal(2, s.Descendants(Svg + "svg").Count()));
        Assert.Equal(4, html.Split("<svg").Length - 1);
        var ids = page.Descendants().Attributes("id").Select(a => a.Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // The table: 1..1000 ms over 2 s is 500 ops/s, p50 the 501st value, p90 the 901st, p99 the 991st; ÷ /stat against the first row.
        Assert.Equal(
        [
            ["stat", "500", "1.000", "501.000", "901.000", "991.000", "1,000.000", "1,000", "0", "2.0"],
            ["save & get", "250", "0.500", "1,002.000", "1,802.000", "1,982.000", "2,000.000", "1,000", "7", "4.0"],
        ], Rows(sections[1]));
        Assert.Equal(
        [
            ["stat", "400", "1.000", "201.000", "361.000", "397.000", "400.000", "400", "0", "1.0"],
            ["orders", "100", "0.250", "153.000", "273.000", "300.000", "300.000", "100", "1", "1.0"],
            ["orders <slow>", "10", "0.025", "60.000", "100.000", "100.000", "100.000", "10", "0", "1.0"],
        ], Rows(sections[0]));
        Assert.Contains("exit code 1", sections[0].Element("p")!.Value, StringComparison.Ordinal);

        // Rebuilt from the JSON files alone, the page is the same: its charts and every number.
        var rebuilt = Path.Combine(_dir, "rebuilt.html");
        Assert.Equal(0, await BenchReport.RunAsync(["--in", results, "--out", rebuilt]));
        var again = await File.ReadAllTextAsync(rebuilt, TestContext.Current.CancellationToken);
        Assert.Equal(Charts(page), Charts(Parse(again)));
        Assert.Equal(html, again);
    }

    [Fact]
    public async Task the_workflows_benchmark_saves_one_phase_per_saga_shape_that_the_report_shows_beside_the_runners_benchmarks()
    {
        var results = Path.Combine(_dir, "results");
        var report = Path.Combine(_dir, "report.html");
        var store = new BenchRun("store", new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), 0, 2, [],
            [Phase("stat", 1, 100, errors: 0, seconds: 1)]);
        BenchReport.AfterRun(store, results, report);

        // A real run of the embedded engine, three sagas of each shape (the warm-up runs as many).
        Assert.Equal(0, await Retail.Bench.Workflows.Program.RunAsync(["--count", "3", "--workflow-workers", "2", "--activity-workers", "4", "--report", report], results));

        Assert.Single(Directory.GetFiles(results, "*-workflows.json"));
        Assert.Equal(2, Directory.GetFiles(results, "*.json").Length);
        var sections = Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken)).Descendants("section").ToList();
        Assert.Equal(["store", "workflows"], sections.Select(s => s.Element("h2")!.Value));
        var workflows = sections[1];
        Assert.Equal(2, workflows.Descendants(Svg + "svg").Count());
        Assert.Contains("--count 3", workflows.Element("p")!.Value, StringComparison.Ordinal);
        var rows = Rows(workflows);
        // phase, ops/s, ÷ /stat (none here), p50, p90, p99, max, operations, errors, seconds
        Assert.Equal(["SequentialSaga", "FanOutSaga"], rows.Select(r => r[0]));
        Assert.All(rows, row =>
        {
            Assert.Equal(("", "3", "0"), (row[2], row[7], row[8]));
            Assert.True(double.Parse(row[1], NumberStyles.Number, CultureInfo.InvariantCulture) > 0, row[0]);
            Assert.True(double.Parse(row[3], NumberStyles.Number, CultureInfo.InvariantCulture) > 0, row[0]);
        });

        // The report command, from the saved files alone, shows it too.
        var rebuilt = Path.Combine(_dir, "rebuilt.html");
        Assert.Equal(0, await BenchReport.RunAsync(["--in", results, "--out", rebuilt]));
        Assert.Equal(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken), await File.ReadAllTextAsync(rebuilt, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task a_results_file_that_holds_no_run_is_left_out_of_the_report_and_a_run_still_saves_and_reports()
    {
        var results = Path.Combine(_dir, "results");
        Directory.CreateDirectory(results);
        // What a run stopped mid-write (or a full disk) left behind, and something that is not a run at all.
        await File.WriteAllBytesAsync(Path.Combine(results, "20260301-090000-pricing.json"), [], TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(results, "20260301-090100-orders.json"), "{\"benchmark\": ", TestContext.Current.CancellationToken);
        var report = Path.Combine(_dir, "report.html");
        var store = new BenchRun("store", new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), 0, 2, [], [Phase("stat", 1, 100, errors: 0, seconds: 1)]);

        BenchReport.AfterRun(store, results, report);

        Assert.Equal(["store"], Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken)).Descendants("section")
            .Select(s => s.Element("h2")!.Value));
        Assert.Contains("20260301-100000-store.json", Directory.GetFiles(results).Select(Path.GetFileName));
        Assert.DoesNotContain(Directory.GetFiles(results), f => f.EndsWith(".partial", StringComparison.Ordinal));
        Assert.Equal(0, await BenchReport.RunAsync(["--in", results, "--out", Path.Combine(_dir, "rebuilt.html")]));
    }

    [Fact]
    public async Task the_report_command_answers_an_error_for_a_folder_without_results()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "report.html");

        Assert.Equal(1, await BenchReport.RunAsync(["--in", _dir, "--out", file]));
        Assert.False(File.Exists(file));
    }

    /// <summary>A phase whose operations took <paramref name="step"/>, 2×step, … <paramref name="count"/>×step milliseconds.</summary>
    private static PhaseFigures Phase(string name, int step, int count, long errors, double seconds)
    {
        var result = new PhaseResult(name);
        var ticks = Enumerable.Range(1, count).Select(i => (long)i * step * Stopwatch.Frequency / 1000).Reverse().ToList();
        result.Merge(ticks, errors);
        return result.Figures(TimeSpan.FromSeconds(seconds));
    }

    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var document = XDocument.Load(reader);
        Assert.Equal("html", document.Root!.Name.LocalName);
        return document;
    }

    private static List<List<string>> Rows(XElement section) =>
        [.. section.Descendants("tbody").Single().Elements("tr").Select(tr => tr.Elements("td").Select(td => td.Value).ToList())];

    private static List<string> Charts(XDocument page) => [.. page.Descendants(Svg + "svg").Select(svg => svg.ToString())];
}
