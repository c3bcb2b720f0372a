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
/// would, and holds every metric name in the dashboard's queries to the instruments it saw, named as Prometheus names them.
/// </summary>
public sealed partial class MetricsDashboardTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static JsonElement Dashboard() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Observability", "retail-dashboard.json"))).RootElement;

    private static IEnumerable<JsonElement> Panels(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row");

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
    public async Task every_metric_the_dashboard_charts_is_published_while_the_apps_work()
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
    }

    [GeneratedRegex(@"([a-z_][a-z0-9_]*)\{")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|count|sum)$")]
    private static partial Regex HistogramSeries();

    /// <summary>Listens to the Retail meters and ASP.NET Core's request metrics, as the OpenTelemetry SDK does.</summary>
    private sealed class MetricRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<Instrument, bool> _seen = new();
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
        public HashSet<string> PrometheusNames() => _seen.Keys.Select(i =>
        {
            var name = i.Name.Replace('.', '_');
            var unit = i.Unit switch { "s" => "_seconds", "ms" => "_milliseconds", "By" => "_bytes", _ => "" };
            name = name.EndsWith(unit, StringComparison.Ordinal) ? name : name + unit;
            var counter = i.GetType().IsGenericType && i.GetType().GetGenericTypeDefinition() == typeof(Counter<>);
            return counter ? name + "_total" : name;
        }).ToHashSet(StringComparer.Ordinal);

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            _seen.TryAdd(instrument, true);
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
}
