using System.Diagnostics;
using System.Globalization;

namespace Retail.Bench;

/// <summary>
/// The host a benchmark loads: the one <c>--url</c> names, or a Release host of its own on a temporary data folder
/// (killed and its folder deleted on dispose), with a client of <paramref name="concurrency"/> connections, alive.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly string? _dataDir;

    private BenchHost(string url, HttpClient client, Process? process, string? dataDir)
    {
        Url = url;
        Client = client;
        _process = process;
        _dataDir = dataDir;
    }

    public string Url { get; }

    public HttpClient Client { get; }

    /// <summary>The host's own process (the child of <c>dotnet run</c>) when the benchmark started it; null for <c>--url</c>.</summary>
    public int? HostProcessId => _process is null ? null : HostOf(_process.Id);

    /// <summary>The descendant of <paramref name="root"/> that runs Retail.Host itself (not the <c>dotnet run</c> launcher).</summary>
    private static int? HostOf(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // the process ended while listed
                }
            }
        }
        bool Under(int pid) => pid == root || (parents.TryGetValue(pid, out var parent) && parent > 1 && Under(parent));
        foreach (var (pid, _) in parents)
        {
            if (pid != root && Under(pid))
            {
                var cmdline = File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline") : "";
                if (cmdline.Contains("Retail.Host", StringComparison.Ordinal) && !cmdline.Contains("\0run\0", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
        }
        return null;
    }

    public static async Task<BenchHost> OpenAsync(string? url, string ownUrl, string operatorKey, int concurrency, params string[] hostArgs)
    {
        Process? process = null;
        string? dataDir = null;
        if (url is null)
        {
            url = ownUrl;
            dataDir = Path.Combine(Path.GetTempPath(), "retail-bench-" + Guid.NewGuid().ToString("N"));
            process = HttpBenchmark.StartHost(url, dataDir, operatorKey, hostArgs);
        }
        var host = new BenchHost(url, HttpBenchmark.NewClient(url, concurrency), process, dataDir);
        try
        {
            await HttpBenchmark.WaitUntilAliveAsync(host.Client, "/healthz");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_process is not null)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
        if (_dataDir is not null && Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}

/// <summary>Figures read back from a phase's report line (<see cref="HttpBenchmark.PhaseAsync"/>).</summary>
internal static class PhaseReport
{
    public static double Rate(string report) =>
        double.Parse(report.Split("ops/s")[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], NumberStyles.Number, CultureInfo.InvariantCulture);

    public static long Errors(string report) => long.Parse(report.Split("errors")[^1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    public static double P99(string report) =>
        double.Parse(report.Split("p99")[1].Split("ms")[0].Trim(), NumberStyles.Number, CultureInfo.InvariantCulture);
}
