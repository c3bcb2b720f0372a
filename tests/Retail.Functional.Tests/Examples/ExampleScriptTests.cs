using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Examples;

/// <summary>
/// The README's walkthrough is a script under <c>examples/</c>; this runs it, as a person would, against a real host
/// process on a free loopback port with a fresh data folder, so the documented commands never rot.
/// </summary>
public sealed class ExampleScriptTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Playbook_A_the_greenfield_bootstrap_script_runs_green_against_a_fresh_host()
    {
        var repository = RepositoryRoot();
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var url = $"http://127.0.0.1:{FreePort()}";
        using var host = new ProcessRun("dotnet", AppContext.BaseDirectory,
            ["Retail.Host.dll", "--Urls", url, "--Retail:DataDir", dataDir], new Dictionary<string, string>());
        try
        {
            await WaitUntilServingAsync(url, host);
            using var script = new ProcessRun("bash", repository, [Path.Combine("examples", "greenfield-bootstrap.sh")],
                new Dictionary<string, string> { ["RETAIL_URL"] = url, ["RETAIL_DATA_DIR"] = dataDir });
            var exited = await script.WaitAsync(ScriptTimeout);

            Assert.True(exited && script.ExitCode == 0,
                $"the script {(exited ? $"exited {script.ExitCode}" : "timed out")}:\n{script.Output}\n--- host ---\n{host.Output}");
            Assert.Contains("Done: org greenfield-", script.Output, StringComparison.Ordinal);
        }
        finally
        {
            host.Stop();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }

    private static async Task WaitUntilServingAsync(string url, ProcessRun host)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (host.HasExited)
            {
                Assert.Fail($"the host exited with {host.ExitCode}:\n{host.Output}");
            }
            try
            {
                using var alive = await client.GetAsync($"{url}/alive", TestContext.Current.CancellationToken);
                if (alive.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                // Listening but still starting (every module builds its indexes first): one probe timed out; ask again.
            }
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"the host did not answer within {StartTimeout}:\n{host.Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "examples", "greenfield-bootstrap.sh")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("examples/greenfield-bootstrap.sh not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A child process whose output is collected as it runs, so it never blocks on a full pipe.</summary>
    private sealed class ProcessRun : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public ProcessRun(string file, string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
        {
            var start = new ProcessStartInfo(file)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public bool HasExited => _process.HasExited;

        public int ExitCode => _process.ExitCode;

        public async Task<bool> WaitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                Stop();
                return false;
            }
        }

        public void Stop()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }

        public void Dispose()
        {
            Stop();
            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
