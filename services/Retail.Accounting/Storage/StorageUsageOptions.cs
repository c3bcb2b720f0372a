namespace Retail.Accounting.Storage;

/// <summary>Configuration section <c>Accounting:Storage</c>.</summary>
public sealed class StorageUsageOptions
{
    public const string Section = "Accounting:Storage";

    /// <summary>Time between scheduled measurements of every org × service (daily by default).</summary>
    public TimeSpan MeasureInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A reconcile reports drift when measured differs from recorded by more than this percentage.</summary>
    public double DriftThresholdPercent { get; set; } = 10;

    /// <summary>
    /// The app ids measured. Empty: the apps this process hosts (the single-process host: all). A Dapr deployment lists
    /// them here, since the accounting app hosts only itself.
    /// </summary>
    public List<string> Services { get; set; } = [];

    /// <summary>The team a drift inbox item is assigned to: the platform operators' queue (operators list inbox items by subject or state).</summary>
    public string DriftTeamGuid { get; set; } = "0195f0a0-0000-7000-8000-0000000acc00";
}
