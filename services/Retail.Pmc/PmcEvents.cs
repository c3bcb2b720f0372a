using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Pmc.Products;
using Retail.Pmc.Runs;

namespace Retail.Pmc;

/// <summary>
/// The business events PMC publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md.
/// </summary>
public static class PmcEvents
{
    /// <summary>A product's pointer or online flag changed (pointer set/clear, online set/clear): <see cref="Products.ProductOnlineChanged"/>.</summary>
    [EventData(typeof(ProductOnlineChanged))]
    [Description("A product's pointer or online flag changed (pointer set/clear, online set/clear): Products.ProductOnlineChanged.")]
    public const string ProductOnlineChanged = "pmc.product.online_changed";

    /// <summary>A pack went online, all of it at once: <see cref="Products.PackCompleted"/>.</summary>
    [EventData(typeof(PackCompleted))]
    [Description("A pack went online, all of it at once: Products.PackCompleted.")]
    public const string PackCompleted = "pmc.pack.completed";

    /// <summary>A publish run started: <see cref="Runs.RunChanged"/>.</summary>
    [EventData(typeof(RunChanged))]
    [Description("A publish run started: Runs.RunChanged.")]
    public const string RunStarted = "pmc.publish_run.started";

    /// <summary>A publish run finished (completed, cancelled or failed): <see cref="Runs.RunChanged"/>.</summary>
    [EventData(typeof(RunChanged))]
    [Description("A publish run finished (completed, cancelled or failed): Runs.RunChanged.")]
    public const string RunFinished = "pmc.publish_run.finished";
}
