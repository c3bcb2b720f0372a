namespace Retail.Shared.Dapr;

/// <summary>The Dapr runtime (daprd) versions this code is built and deployed against.</summary>
public static class DaprRuntime
{
    /// <summary>The runtime the deployment files pin (compose's DAPR_VERSION, `dapr init --runtime-version`).</summary>
    public const string Pinned = "1.18.3";

    /// <summary>Workflow listing (ListInstanceIDs) and history (GetInstanceHistory) exist from this runtime on.</summary>
    public const string MinimumForWorkflowListing = "1.17.0";
}
