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

    public static async Task<BenchHost> OpenAsync(string? url, string ownUrl, string operatorKey, int concurrency)
    {
        Process? process = null;
        string? dataDir = null;
        if (url is null)
        {
            url = ownUrl;
            dataDir = Path.Combine(Path.GetTempPath(), "retail-bench-" + Guid.NewGuid().ToString("N"));
            process = HttpBenchmark.StartHost(url, dataDir, operatorKey);
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
