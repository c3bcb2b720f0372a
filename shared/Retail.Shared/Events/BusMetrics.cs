using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Retail.Shared.Events;

/// <summary>
/// What the embedded bus measures for the dashboards: each settled delivery, and its lag — from the moment the change was
/// committed to its outbox to the moment the subscriber was done with it. Hosting exports every <c>Retail.*</c> meter
/// (OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set). In Dapr mode the sidecar's own pub/sub metrics stand for these.
/// </summary>
public static class BusMetrics
{
    public const string MeterName = "Retail.Bus";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("retail.bus.deliveries", "{delivery}",
        "Deliveries to a subscriber by outcome: delivered, retried (failed, backing off) or dead (moved to the dead letters).");

    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>("retail.bus.lag", "s",
        "From the commit of the change that published a message to its delivery to a subscriber.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    /// <summary>Records one settled attempt of <paramref name="topic"/> at the subscriber of <paramref name="app"/>.</summary>
    public static void Settled(string? app, string topic, string outcome, DateTimeOffset publishedAt, DateTimeOffset now)
    {
        var tags = new TagList { { "retail.app", app ?? "" }, { "messaging.destination.name", topic }, { "retail.outcome", outcome } };
        Deliveries.Add(1, tags);
        if (outcome == "delivered")
        {
            Lag.Record(Math.Max(0, (now - publishedAt).TotalSeconds), tags);
        }
    }
}
