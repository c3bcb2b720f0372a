namespace Retail.Utl;

/// <summary><c>Retail:Utl</c>: which services take part, how files are cut, and the offboarding's waits.</summary>
public sealed class UtlOptions
{
    public const string Section = "Retail:Utl";

    /// <summary>Every org-data-holding app of the deployment; OFM is always purged last (it keeps the org directory).</summary>
    public static readonly string[] DefaultServices =
        ["uas", "usm", "ofm", "mrs", "pvm", "ics", "ppm", "pmc", "pcm", "scm", "crm", "ipm", "rbs", "accounting", "influencer", "ucp"];

    /// <summary>The services an export and a purge cover (<c>Retail:Utl:Services</c>).</summary>
    public string[] Services { get; set; } = DefaultServices;

    /// <summary>Items asked for per /orgdata/export call.</summary>
    public int ExportPageSize { get; set; } = 500;

    /// <summary>A file of one service is closed once its NDJSON (before gzip) reaches this size; the next part starts.</summary>
    public long MaxPartBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Deletions asked for per /orgdata/purge call.</summary>
    public int PurgeBatchSize { get; set; } = 1000;

    /// <summary>/orgdata/purge calls per activity run (the workflow calls the activity again until the service is done).</summary>
    public int PurgeCallsPerStep { get; set; } = 20;

    /// <summary>An export completed within this window is reused by the offboarding instead of a new one.</summary>
    public TimeSpan ExportReuseWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The durable cooling-off period between freeze and purge (cancel possible meanwhile).</summary>
    public TimeSpan CoolingOff { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often a workflow waiting on a legal hold looks at the hold again, besides the signal of /legal-hold/set.</summary>
    public TimeSpan HoldRecheck { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The services in purge order: the configured ones, OFM last.</summary>
    public IReadOnlyList<string> PurgeOrder(IEnumerable<string>? scope = null)
    {
        var list = (scope ?? Services).Select(s => s.Trim().ToLowerInvariant()).Where(s => s.Length > 0).Distinct().ToList();
        var ofm = list.Remove("ofm");
        if (ofm)
        {
            list.Add("ofm");
        }
        return list;
    }
}
