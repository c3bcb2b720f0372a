using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared.Embedded;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Json;

namespace Retail.Bench;

/// <summary>
/// `bus --seconds 5 --concurrency 8 [--subjects 100] [--subscribers 1]`: publishes through the embedded bus for the given
/// time and measures publishes/s, deliveries/s to the <c>.WithTopic</c> endpoints and the publish-to-handler latency.
/// <c>--subjects 0</c> gives every message its own subject (as a price load does); <c>--subscribers 3</c> maps three
/// endpoints to the topic (as IPM's CDC feed, its webhooks and RBS take every price change), so a backlog builds and the
/// deliveries phase measures how fast the dispatcher drains it.
/// </summary>
internal static class BusBenchmark
{
    private sealed record Ping(long PublishedAt, int Subject);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var seconds = options.Int("seconds", 5);
        var concurrency = options.Int("concurrency", 8);
        var subjects = options.Int("subjects", 100);
        var subscribers = options.Int("subscribers", 1);
        var dir = Path.Combine(Path.GetTempPath(), "retail-bench", Guid.NewGuid().ToString("N"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bus: {concurrency} publishers, {seconds}s, {(subjects == 0 ? "a subject per message" : subjects + " subjects")}, {subscribers} subscribers, {Environment.ProcessorCount} cores"));

        var delivered = new PhaseResult("deliver");
        var latencies = new List<long>();
        var deliveredCount = 0L;
        var lastDelivery = 0L;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(o => RetailJson.Configure(o.SerializerOptions, strict: false));
        builder.Services.AddEmbeddedState(new RetailOptions { DataDir = dir }, ["bench"]);
        var app = builder.Build();
        for (var subscriber = 0; subscriber < subscribers; subscriber++)
        {
            app.MapPost("/bench/events/ping-" + subscriber.ToString(CultureInfo.InvariantCulture), (Ping ping) =>
            {
                var now = Stopwatch.GetTimestamp();
                lock (latencies)
                {
                    latencies.Add(now - ping.PublishedAt);
                }
                Interlocked.Increment(ref deliveredCount);
                Volatile.Write(ref lastDelivery, now);
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "bench.ping");
        }
        await app.StartAsync();
        try
        {
            var bus = app.Services.GetRequiredKeyedService<IEventBus>("bench");
            var published = new PhaseResult("publish");
            var clock = Stopwatch.StartNew();
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var ticks = new List<long>();
                for (var n = 0; clock.Elapsed < TimeSpan.FromSeconds(seconds); n++)
                {
                    var start = Stopwatch.GetTimestamp();
                    var subject = subjects == 0 ? (n * concurrency) + worker : ((n * concurrency) + worker) % subjects;
                    await bus.PublishAsync("bench.ping", "bench.ping", new Ping(start, subject),
                        new EventOptions(Subject: "ping/" + subject.ToString(CultureInfo.InvariantCulture)));
                    ticks.Add(Stopwatch.GetTimestamp() - start);
                }
                published.Merge(ticks, 0);
            })));
            var publishTime = clock.Elapsed;

            var diagnostics = app.Services.GetRequiredService<EventBusDiagnostics>();
            var drain = Stopwatch.StartNew();
            var expected = published.Operations * subscribers;
            while (Interlocked.Read(ref deliveredCount) < expected && drain.Elapsed < TimeSpan.FromSeconds(300))
            {
                await Task.Delay(50);
            }
            var deliverTime = Stopwatch.GetElapsedTime(started, Volatile.Read(ref lastDelivery));
            delivered.Merge(latencies, expected - Interlocked.Read(ref deliveredCount));
            Console.WriteLine(published.Report(publishTime));
            Console.WriteLine(delivered.Report(deliverTime) + "   (latency = publish to handler)");
            var pending = await diagnostics.PendingCountAsync();
            var dead = (await diagnostics.DeadLettersAsync()).Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"drained {drain.Elapsed.TotalSeconds:0.0} s after the last publish; process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.0} s; pending after drain: {pending}, dead letters: {dead}"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        return 0;
    }
}
