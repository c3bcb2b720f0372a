using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace Retail.Bench;

/// <summary>
/// Load over real HTTP (loopback) against the single-process host: <c>GET /uas/stat</c> (no state),
/// <c>POST /uas/user/get</c> (authenticated read through the whole contract pipeline) and
/// <c>POST /uas/user/create</c> (a write: record, unique e-mail, history, CDC and a mailed token in one commit).
/// Starts its own Release host on a temporary data folder unless <c>--url</c> names a running one.
/// </summary>
internal static class HttpBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var seconds = options.Int("seconds", 10);
        var concurrency = options.Int("concurrency", 16);
        var url = options.Text("url");
        var operatorKey = options.Text("operator-key") ?? "bench-operator-key";
        Process? host = null;
        string? dataDir = null;
        if (url is null)
        {
            url = "http://127.0.0.1:5089";
            dataDir = Path.Combine(Path.GetTempPath(), "retail-bench-" + Guid.NewGuid().ToString("N"));
            host = StartHost(url, dataDir, operatorKey);
        }

        using var client = NewClient(url, concurrency);
        try
        {
            await WaitUntilAliveAsync(client);
            var email = $"bench-{Guid.NewGuid():N}@example.com";
            var created = await client.PostAsJsonAsync("/uas/user/create", new { email });
            created.EnsureSuccessStatusCode();

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"http: {url}, {concurrency} concurrent clients, {seconds} s per phase, {Environment.ProcessorCount} cores"));
            var getBody = Encoding.UTF8.GetBytes($$"""{"email":"{{email}}"}""");
            var counter = 0L;
            Console.WriteLine(await PhaseAsync("stat", seconds, concurrency, () => Send(client, HttpMethod.Get, "/uas/stat", null, null)));
            Console.WriteLine(await PhaseAsync("get", seconds, concurrency, () => Send(client, HttpMethod.Post, "/uas/user/get", getBody, operatorKey)));
            Console.WriteLine(await PhaseAsync("create", seconds, concurrency, () =>
            {
                var n = Interlocked.Increment(ref counter);
                return Send(client, HttpMethod.Post, "/uas/user/create", Encoding.UTF8.GetBytes($$"""{"email":"load-{{n}}-{{email}}"}"""), null);
            }));
            return 0;
        }
        finally
        {
            if (host is not null)
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync();
                host.Dispose();
            }
            if (dataDir is not null && Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    internal static HttpClient NewClient(string url, int concurrency) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { BaseAddress = new Uri(url) };

    internal static async Task<bool> Send(HttpClient client, HttpMethod method, string path, byte[]? body, string? apiKey,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        using var response = await client.SendAsync(request);
        await response.Content.CopyToAsync(Stream.Null);
        return response.IsSuccessStatusCode;
    }

    internal static async Task<string> PhaseAsync(string name, int seconds, int concurrency, Func<Task<bool>> operation, bool warmup = false)
    {
        var result = new PhaseResult(name);
        var stopwatch = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var ticks = new List<long>(16_384);
            long errors = 0;
            while (stopwatch.Elapsed < until)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await operation();
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }
                ticks.Add(Stopwatch.GetTimestamp() - started);
                if (!ok)
                {
                    errors++;
                }
            }
            result.Merge(ticks, errors);
        }));
        return result.Report(stopwatch.Elapsed, record: !warmup);
    }

    internal static Process StartHost(string url, string dataDir, string operatorKey, params string[] extra)
    {
        var root = FindRepositoryRoot();
        var start = new ProcessStartInfo("dotnet",
            ["run", "-c", "Release", "--project", Path.Combine(root, "services", "Retail.Host"), "--no-launch-profile", "--",
                "--Urls", url, "--Retail:DataDir", dataDir, "--Retail:OperatorKey", operatorKey, "--Serilog:MinimumLevel:Default", "Warning", .. extra])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Until the host answers <paramref name="path"/> (<c>/healthz</c>: ready, its indexes built).</summary>
    internal static async Task WaitUntilAliveAsync(HttpClient client, string path = "/alive")
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                using var response = await client.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("the host did not come up within 3 minutes");
    }

    internal static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Retail.Dapr.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
    }
}
