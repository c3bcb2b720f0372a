namespace Retail.Pmc;

/// <summary>
/// The business events PMC publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md.
/// </summary>
public static class PmcEvents
{
    /// <summary>A product's pointer or online flag changed (pointer set/clear, online set/clear): <see cref="Products.ProductOnlineChanged"/>.</summary>
    public const string ProductOnlineChanged = "pmc.product.online_changed";

    /// <summary>A pack went online, all of it at once: <see cref="Products.PackCompleted"/>.</summary>
    public const string PackCompleted = "pmc.pack.completed";

    /// <summary>A publish run started: <see cref="Runs.RunChanged"/>.</summary>
    public const string RunStarted = "pmc.publish_run.started";

    /// <summary>A publish run finished (completed, cancelled or failed): <see cref="Runs.RunChanged"/>.</summary>
    public const string RunFinished = "pmc.publish_run.finished";
}
