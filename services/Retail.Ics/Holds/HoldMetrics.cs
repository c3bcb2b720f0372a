using System.Diagnostics;
using System.Diagnostics.Metrics;
using Retail.Shared.Json;

namespace Retail.Ics.Holds;

/// <summary>
/// Stock reservations for the dashboards: every hold change by stage and action (placed, continued, released, expired,
/// shipped, refused for want of stock), counted once the change is committed, and the units it moved.
/// </summary>
internal static class HoldMetrics
{
    public const string MeterName = "Retail.Ics";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Holds = Meter.CreateCounter<long>("retail.stock.holds", "{hold}",
        "Hold changes (reservations, allocations, commitments) by stage and action.");

    private static readonly Counter<long> Units = Meter.CreateCounter<long>("retail.stock.held_units", "{unit}",
        "Units the hold changes claimed or gave back, by stage and action.");

    public static void Changed(HoldStage stage, string action, long quantity, int holds = 1)
    {
        var tags = new TagList { { "retail.stage", SnakeCase.Name(stage) }, { "retail.action", action } };
        Holds.Add(holds, tags);
        Units.Add(quantity, tags);
    }
}
