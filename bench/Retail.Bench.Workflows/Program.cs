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
/// activities and a fan-out of ten. Usage: [--count 2000] [--concurrency 2000] [--workflow-workers N] [--activity-workers N]
/// [--report file]. Each shape is a phase of the run saved to bench/results, as Retail.Bench saves its own, so its
/// <c>report</c> command charts it beside them.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, BenchReport.DefaultResults());

    /// <summary>Runs both shapes, saves the run to <paramref name="results"/> and writes the report of that folder.</summary>
    public static async Task<int> RunAsync(string[] args, string results)
    {
        var started = DateTimeOffset.UtcNow;
        var options = new BenchArgs(args);
        var count = options.Int("count", 2000);
        var concurrency = options.Int("concurrency", count);
        var workflowWorkers = options.Int("workflow-workers", Math.Max(8, Environment.ProcessorCount * 8));
        var activityWorkers = options.Int("activity-workers", Math.Max(32, Environment.ProcessorCount * 16));
        Console.WriteLine($"# Embedded workflow engine: {count} instances per shape, at most {concurrency} in flight, " +
            $"{workflowWorkers} workflow workers, {activityWorkers} activity workers, {Environment.ProcessorCount} cores, {RuntimeVersion()}");
        Console.WriteLine();
        Console.WriteLine("| shape | instances | failed | seconds | completed/s | activities/s | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        PhaseFigures[] phases =
        [
            await RunShape(nameof(SequentialSaga), SequentialSaga.Steps, count, concurrency, workflowWorkers, activityWorkers),
            await RunShape(nameof(FanOutSaga), FanOutSaga.Branches, count, concurrency, workflowWorkers, activityWorkers),
        ];
        var exitCode = phases.All(p => p.Errors == 0) ? 0 : 1;
        var run = new BenchRun("workflows", started, exitCode, Environment.ProcessorCount, args, phases);
        Console.WriteLine($"report: {Path.GetFullPath(BenchReport.AfterRun(run, results, options.Text("report")))}");
        return exitCode;
    }

    /// <summary>One shape's run as a phase: an operation is a saga from its start to its completion.</summary>
    private static async Task<PhaseFigures> RunShape(string workflow, int activitiesPerSaga, int count, int concurrency, int workflowWorkers, int activityWorkers)
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
            var phase = new PhaseResult(workflow);
            phase.Merge(latencies, failures);
            var figures = phase.Figures(elapsed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {workflow} | {count} | {failures} | {figures.Seconds:F2} | {figures.OpsPerSecond:F0} | {count * activitiesPerSaga / figures.Seconds:F0} | " +
                $"{figures.P50Ms:F0} | {figures.P99Ms:F0} | {figures.MaxMs:F0} |"));
            await engine.StopAsync();
            Directory.Delete(dataDir, recursive: true);
            return figures;
        }
    }

    /// <summary>The batch's start-to-complete latencies in Stopwatch ticks, as <see cref="PhaseResult"/> takes them.</summary>
    private static async Task<(TimeSpan Elapsed, List<long> LatencyTicks, int Failures)> RunBatch(EmbeddedWorkflowEngine engine,
        string workflow, string prefix, int count, int concurrency)
    {
        using var inFlight = new SemaphoreSlim(concurrency);
        var latencies = new List<long>(count);
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
                var startedAt = clock.ElapsedTicks;
                var start = await engine.StartAsync(workflow, id, JsonSerializer.SerializeToElement(new { reference = id }));
                if (start.Outcome != Retail.Workflows.Scheduling.WorkflowStartOutcome.Started)
                {
                    throw new InvalidOperationException($"could not start {id}: {start.Outcome}");
                }
                var status = await engine.WaitForCompletionAsync(id);
                var latency = clock.ElapsedTicks - startedAt;
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

    private static string RuntimeVersion() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
}
