using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Observability;

/// <summary>
/// The Grafana dashboard (deploy/grafana/retail-dashboard.json) charts only metrics the apps publish: the test drives a host
/// through requests, event deliveries, a reservation's life and a saga, listens to the meters as an OpenTelemetry exporter
/// would, and holds every metric name in the dashboard's queries to the instruments it saw, named as Prometheus names them,
/// and every label a query groups, filters or names a legend by to the tags those instruments carried or a label of the scrape.
/// </summary>
public sealed partial class MetricsDashboardTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static JsonElement Dashboard() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Observability", "retail-dashboard.json"))).RootElement;

    private static IEnumerable<JsonElement> Panels(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row");

    /// <summary>
    /// Labels a series has whatever the instrument's tags: the collector's Prometheus exporter (deploy/k8s/base/otel) sets
    /// <c>job</c> from the resource's service.name (each app's id) and <c>instance</c> from service.instance.id, and the
    /// scrape keeps them (honor_labels). No other resource attribute becomes a label: <c>service_name</c> would only with
    /// the exporter's resource_to_telemetry_conversion, which is off. <c>le</c> is a histogram bucket's own.
    /// </summary>
    private static readonly string[] ScrapeLabels = ["job", "instance"];

    /// <summary>Each query of the dashboard (panel targets and template variables) with the one metric it reads and the labels it uses.</summary>
    private static IEnumerable<(string Query, string Metric, IReadOnlyList<string> Labels)> LabelUses(JsonElement dashboard)
    {
        foreach (var target in Panels(dashboard).SelectMany(p => p.GetProperty("targets").EnumerateArray()))
        {
            var expr = target.GetProperty("expr").GetString()!;
            var labels = GroupingLabels().Matches(expr).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Concat(MatcherLabels().Matches(expr).Select(m => m.Groups[1].Value))
                .Concat(target.TryGetProperty("legendFormat", out var legend) ? LegendLabels().Matches(legend.GetString()!).Select(m => m.Groups[1].Value) : []);
            yield return (expr, Assert.Single(MetricName().Matches(expr)).Groups[1].Value, [.. labels.Distinct(StringComparer.Ordinal)]);
        }
        foreach (var variable in dashboard.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() == "query" && LabelValues().Match(variable.GetProperty("query").GetString()!) is { Success: true } values)
            {
                yield return (values.Value, values.Groups[1].Value, [values.Groups[2].Value]);
            }
        }
    }

    [Fact]
    public void the_dashboard_has_a_panel_for_each_view_operators_need()
    {
        var titles = Panels(Dashboard()).Select(p => p.GetProperty("title").GetString()!).ToList();
        foreach (var needed in new[] { "Request rate", "Errors", "Duration", "Bus lag", "Workflow throughput", "Stock reservations" })
        {
            Assert.Contains(titles, t => t.StartsWith(needed, StringComparison.Ordinal));
        }
        Assert.Equal(titles.Count, titles.Distinct(StringComparer.Ordinal).Count());
        var ids = Dashboard().GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task every_metric_and_label_the_dashboard_charts_is_published_while_the_apps_work()
    {
        using var recorder = new MetricRecorder();

        // Requests, and events: the org's catalog reaches ICS over the bus.
        var org = await host.NewOrgAsync("obs");
        var tee = org.Variants[0];
        await org.Receive("store-1", tee, 2);
        // A reservation placed, one refused for want of stock, the first released.
        var hold = await org.Reserve(tee, 1).Ok(HttpStatusCode.Created);
        await org.Reserve(tee, 5).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        await org.Post("/ics/reservation/release", new { hold_guid = HoldSteps.HoldGuid(hold), expected_revision = 1 }).Ok();
        // A saga through the workflows app.
        await using (var factory = new RetailHostFactory { Modules = ["ofm", "workflows"] })
        {
            using var client = factory.CreateOperatorClient();
            await client.ActiveOrgAsync("acme");
            client.DefaultRequestHeaders.Add("x-orgcode", "acme");
            using var started = await client.PostJsonAsync("/workflows/workflow/start",
                new { name = "FanOutSaga", instance_id = "metered-1", input = new { reference = "r-1" } },
                HttpJson.Headers(("Idempotency-Key", "start-metered-1")));
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
            await Waits.UntilAsync(async () =>
            {
                var get = await (await client.PostJsonAsync("/workflows/workflow/get", new { instance_id = "metered-1" })).JsonAsync();
                return get.GetProperty("runtime_status").GetString() == "completed";
            }, "the saga metered-1 completes");
        }

        await Waits.UntilAsync(() => Task.FromResult(recorder.Saw("retail.bus.lag") && recorder.Saw("retail.workflow.instances")),
            "the bus and the workflow engine report");
        Assert.Contains(("retail.stock.holds", "reserved", "placed"), recorder.HoldActions);
        Assert.Contains(("retail.stock.holds", "reserved", "refused"), recorder.HoldActions);
        Assert.Contains(("retail.stock.holds", "reserved", "released"), recorder.HoldActions);
        Assert.Contains("FanOutSaga", recorder.Workflows);
        Assert.All(recorder.Values("retail.bus.lag"), lag => Assert.InRange(lag, 0, 300));

        var charted = Panels(Dashboard())
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Groups[1].Value))
            .Select(n => HistogramSeries().Replace(n, ""))
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(charted);
        var published = recorder.PrometheusNames();
        Assert.All(charted, name => Assert.True(published.Contains(name), $"the dashboard charts {name}, which no app published: {string.Join(", ", published.Order())}"));

        var uses = LabelUses(Dashboard()).ToList();
        Assert.Contains(uses, u => u.Labels.Contains("http_route"));
        Assert.All(uses, use =>
        {
            var metric = HistogramSeries().Replace(use.Metric, "");
            var carried = recorder.PrometheusLabels(metric);
            Assert.All(use.Labels, label => Assert.True(
                carried.Contains(label) || ScrapeLabels.Contains(label) || (label == "le" && use.Metric.EndsWith("_bucket", StringComparison.Ordinal)),
                $"{use.Query} uses label {label}, which {metric} does not carry: {string.Join(", ", carried.Order(StringComparer.Ordinal))} (and {string.Join(", ", ScrapeLabels)} from the scrape)"));
        });
    }

    [GeneratedRegex(@"([a-z_][a-z0-9_]*)\{")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|count|sum)$")]
    private static partial Regex HistogramSeries();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)")]
    private static partial Regex GroupingLabels();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*""")]
    private static partial Regex MatcherLabels();

    [GeneratedRegex(@"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")]
    private static partial Regex LegendLabels();

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)")]
    private static partial Regex LabelValues();

    /// <summary>Listens to the Retail meters and ASP.NET Core's request metrics, as the OpenTelemetry SDK does.</summary>
    private sealed class MetricRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<Instrument, bool> _seen = new();
        private readonly ConcurrentDictionary<(Instrument, string), bool> _tags = new();
        private readonly ConcurrentBag<(string Name, double Value)> _values = [];
        private readonly ConcurrentBag<(string, string, string)> _holdActions = [];
        private readonly ConcurrentBag<string> _workflows = [];

        public MetricRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name.StartsWith("Retail.", StringComparison.Ordinal) || instrument.Meter.Name == "Microsoft.AspNetCore.Hosting")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyCollection<(string, string, string)> HoldActions => [.. _holdActions];

        public IReadOnlyCollection<string> Workflows => [.. _workflows];

        public bool Saw(string name) => _seen.Keys.Any(i => i.Name == name);

        public IEnumerable<double> Values(string name) => _values.Where(v => v.Name == name).Select(v => v.Value);

        /// <summary>Each instrument that measured something, as Prometheus names it (unit suffix; <c>_total</c> for counters).</summary>
        public HashSet<string> PrometheusNames() => _seen.Keys.Select(PrometheusName).ToHashSet(StringComparer.Ordinal);

        /// <summary>The tag keys the instruments Prometheus names <paramref name="metric"/> measured with, as label names.</summary>
        public HashSet<string> PrometheusLabels(string metric) =>
            _tags.Keys.Where(t => PrometheusName(t.Item1) == metric).Select(t => InvalidLabelCharacters().Replace(t.Item2, "_")).ToHashSet(StringComparer.Ordinal);

        private static string PrometheusName(Instrument i)
        {
            var name = i.Name.Replace('.', '_');
            var unit = i.Unit switch { "s" => "_seconds", "ms" => "_milliseconds", "By" => "_bytes", _ => "" };
            name = name.EndsWith(unit, StringComparison.Ordinal) ? name : name + unit;
            var counter = i.GetType().IsGenericType && i.GetType().GetGenericTypeDefinition() == typeof(Counter<>);
            return counter ? name + "_total" : name;
        }

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            _seen.TryAdd(instrument, true);
            foreach (var tag in tags)
            {
                _tags.TryAdd((instrument, tag.Key), true);
            }
            foreach (var tag in instrument.Tags ?? [])
            {
                _tags.TryAdd((instrument, tag.Key), true);
            }
            _values.Add((instrument.Name, value));
            string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> all, string key)
            {
                foreach (var tag in all)
                {
                    if (tag.Key == key)
                    {
                        return tag.Value?.ToString();
                    }
                }
                return null;
            }
            if (instrument.Name == "retail.stock.holds")
            {
                _holdActions.Add((instrument.Name, Tag(tags, "retail.stage") ?? "", Tag(tags, "retail.action") ?? ""));
            }
            if (instrument.Name == "retail.workflow.instances" && Tag(tags, "retail.outcome") == "completed")
            {
                _workflows.Add(Tag(tags, "retail.workflow") ?? "");
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>What Prometheus turns into an underscore in a label name (the dots of OpenTelemetry's attribute names).</summary>
    [GeneratedRegex("[^a-zA-Z0-9_]")]
    private static partial Regex InvalidLabelCharacters();
}
