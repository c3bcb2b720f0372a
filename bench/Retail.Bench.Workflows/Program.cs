using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared.Hosting;
using Retail.Workflows;
using Retail.Workflows.App;
using Retail.Workflows.App.Workflows;
using Retail.Workflows.Embedded;

namespace Retail.Bench.Workflows;

/// <summary>
/// Completed sagas per second and start-to-complete latency of the embedded engine, for a saga of five sequential
/// activities and a fan-out of ten. Usage: [--count 2000] [--concurrency 2000] [--workflow-workers N] [--activity-workers N].
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var count = Option(args, "--count", 2000);
        var concurrency = Option(args, "--concurrency", count);
        var workflowWorkers = Option(args, "--workflow-workers", Math.Max(8, Environment.ProcessorCount * 8));
        var activityWorkers = Option(args, "--activity-workers", Math.Max(32, Environment.ProcessorCount * 16));
        Console.WriteLine($"# Embedded workflow engine: {count} instances per shape, at most {concurrency} in flight, " +
            $"{workflowWorkers} workflow workers, {activityWorkers} activity workers, {Environment.ProcessorCount} cores, {RuntimeVersion()}");
        Console.WriteLine();
        Console.WriteLine("| shape | instances | failed | seconds | completed/s | activities/s | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var failed = 0;
        failed += await RunShape(nameof(SequentialSaga), SequentialSaga.Steps, count, concurrency, workflowWorkers, activityWorkers);
        failed += await RunShape(nameof(FanOutSaga), FanOutSaga.Branches, count, concurrency, workflowWorkers, activityWorkers);
        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> RunShape(string workflow, int activitiesPerSaga, int count, int concurrency, int workflowWorkers, int activityWorkers)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-wf-bench-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddRetailWorkflows(new RetailOptions { DataDir = dataDir }, WorkflowsModule.Register, o =>
        {
            o.MaxConcurrentWorkflows = workflowWorkers;
            o.MaxConcurrentActivities = activityWorkers;
        });
        await using (var provider = services.BuildServiceProvider())
        {
            var engine = provider.GetRequiredService<EmbeddedWorkflowEngine>();
            engine.Start();
            await RunBatch(engine, workflow, "warmup", Math.Min(200, count), concurrency);
            var (elapsed, latencies, failures) = await RunBatch(engine, workflow, "run", count, concurrency);
            latencies.Sort();
            var seconds = elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {workflow} | {count} | {failures} | {seconds:F2} | {count / seconds:F0} | {count * activitiesPerSaga / seconds:F0} | " +
                $"{Percentile(latencies, 0.50):F0} | {Percentile(latencies, 0.99):F0} | {latencies[^1]:F0} |"));
            await engine.StopAsync();
            Directory.Delete(dataDir, recursive: true);
            return failures;
        }
    }

    private static async Task<(TimeSpan Elapsed, List<double> LatenciesMs, int Failures)> RunBatch(EmbeddedWorkflowEngine engine,
        string workflow, string prefix, int count, int concurrency)
    {
        using var inFlight = new SemaphoreSlim(concurrency);
        var latencies = new List<double>(count);
        var failures = 0;
        var clock = Stopwatch.StartNew();
        // Every instance is started by its own task, so starts are committed together like any other journal writes.
        var runs = Enumerable.Range(0, count).Select(i => RunOne(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}"))).ToList();
        await Task.WhenAll(runs);
        return (clock.Elapsed, latencies, failures);

        async Task RunOne(string id)
        {
            await inFlight.WaitAsync();
            try
            {
                var startedAt = clock.Elapsed;
                var start = await engine.StartAsync(workflow, id, JsonSerializer.SerializeToElement(new { reference = id }));
                if (start.Outcome != Retail.Workflows.Scheduling.WorkflowStartOutcome.Started)
                {
                    throw new InvalidOperationException($"could not start {id}: {start.Outcome}");
                }
                var status = await engine.WaitForCompletionAsync(id);
                var latency = (clock.Elapsed - startedAt).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(latency);
                    if (status?.RuntimeStatus != WorkflowRuntimeStatus.Completed)
                    {
                        failures++;
                    }
                }
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string RuntimeVersion() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
}
