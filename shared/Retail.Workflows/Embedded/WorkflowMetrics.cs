using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Retail.Workflows.Embedded;

/// <summary>
/// Workflow throughput as the embedded engine sees it: instances that finished (completed or failed) per workflow, and
/// each activity run with its duration and outcome. In Dapr mode the sidecar's workflow metrics stand for these.
/// </summary>
internal static class WorkflowMetrics
{
    public const string MeterName = "Retail.Workflows";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Finished = Meter.CreateCounter<long>("retail.workflow.instances", "{instance}",
        "Workflow instances that finished, by workflow name and status (completed, failed).");

    private static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>("retail.workflow.activity.duration", "s",
        "Activity runs by activity name and outcome (completed, retried, failed).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    public static void InstanceFinished(string workflow, bool completed) =>
        Finished.Add(1, new TagList { { "retail.workflow", workflow }, { "retail.outcome", completed ? "completed" : "failed" } });

    public static void ActivityRan(string activity, string outcome, TimeSpan duration) =>
        ActivityDuration.Record(duration.TotalSeconds, new TagList { { "retail.activity", activity }, { "retail.outcome", outcome } });
}
