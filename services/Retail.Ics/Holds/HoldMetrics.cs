using System.Diagnostics;
using System.Diagnostics.Metrics;

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
        var tags = new TagList { { "retail.stage", SnakeStage(stage) }, { "retail.action", action } };
        Holds.Add(holds, tags);
        Units.Add(quantity, tags);
    }

    /// <summary>A hold refused because some line had not enough stock.</summary>
    public static void Refused(HoldStage stage, long quantity) => Changed(stage, "refused", quantity);

    private static string SnakeStage(HoldStage stage) => stage switch
    {
        HoldStage.Reserved => "reserved",
        HoldStage.Allocated => "allocated",
        HoldStage.Committed => "committed",
        _ => stage.ToString().ToLowerInvariant(),
    };
}
