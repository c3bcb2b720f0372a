using System.Diagnostics;
using System.Globalization;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Bench;

/// <summary>
/// `store --seconds 10 --concurrency 8 [--keys 10000] [--durability normal|full] [--dir path]`:
/// the embedded SQLite store's saves/s (ETag-checked upsert plus its CDC outbox message, one transaction each)
/// and gets/s, each phase for the given duration, with p50/p99 latency and errors (conflicts or exceptions).
/// </summary>
internal static class StoreBenchmark
{
    private sealed record Order(string OrderGuid, string Orgcode, string Status, int Revision, long TotalMinor, string Currency, string Note);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var seconds = options.Int("seconds", 10);
        var concurrency = options.Int("concurrency", 8);
        var keyCount = Math.Max(1, options.Int("keys", 10_000) / concurrency) * concurrency;
        var durability = string.Equals(options.Text("durability"), "full", StringComparison.OrdinalIgnoreCase) ? StateDurability.Full : StateDurability.Normal;
        var dir = options.Text("dir") ?? Path.Combine(Path.GetTempPath(), "retail-bench", Guid.NewGuid().ToString("N"));

        var retail = new RetailOptions { DataDir = dir, State = { Durability = durability } };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store: {concurrency} workers, {seconds}s per phase, {keyCount} keys, synchronous={durability}, {Environment.ProcessorCount} cores, data in {dir}"));
        try
        {
            using var store = new SqliteStateStore("bench", retail);
            var keys = Enumerable.Range(0, keyCount).Select(i => $"order/{i:D7}").ToArray();
            var etags = new string[keyCount];
            foreach (var chunk in Enumerable.Range(0, keyCount).Chunk(500))
            {
                var seed = new StateTransaction();
                foreach (var i in chunk)
                {
                    seed.Upsert(keys[i], Value(i, 1), null);
                }
                var commit = await store.TransactAsync(seed);
                foreach (var i in chunk)
                {
                    etags[i] = commit.ETags[keys[i]];
                }
            }

            var saves = await PhaseAsync("save", seconds, concurrency, async (worker, n) =>
            {
                // Each worker owns the keys i % concurrency == worker, so a conflict here would be a bug.
                var i = (int)(((n * concurrency) + worker) % keyCount);
                var revision = (int)(n / Math.Max(1, keyCount / concurrency)) + 2;
                var message = new OutboxMessage(Guid.CreateVersion7().ToString(), "cdc", "bench.order.updated", "bench", keys[i], "acme",
                    RetailJson.ToBytes(new { key = keys[i], revision }), DateTimeOffset.UtcNow, IsChangeDataCapture: true);
                var commit = await store.TransactAsync(new StateTransaction().Upsert(keys[i], Value(i, revision), etags[i]).Publish(message));
                if (!commit.Committed)
                {
                    return false;
                }
                etags[i] = commit.ETags[keys[i]];
                return true;
            });

            var gets = await PhaseAsync("get", seconds, concurrency, async (worker, n) =>
            {
                var i = (int)((n * 7919 + (worker * 104_729)) % keyCount);
                return await store.GetAsync(keys[i]) is not null;
            });

            Console.WriteLine(saves);
            Console.WriteLine(gets);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (options.Text("dir") is null && Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        return 0;
    }

    private static byte[] Value(int i, int revision) => RetailJson.ToBytes(new Order(
        $"0193{i:D28}", "acme", revision % 2 == 0 ? "open" : "held", revision, 1999L * (i % 50), "EUR",
        "a representative record of a few hundred bytes, like an order header with its status and totals"));

    private static async Task<string> PhaseAsync(string name, int seconds, int concurrency, Func<int, long, Task<bool>> operation)
    {
        var result = new PhaseResult(name);
        var duration = TimeSpan.FromSeconds(seconds);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var ticks = new List<long>(1 << 16);
            var errors = 0L;
            for (long n = 0; clock.Elapsed < duration; n++)
            {
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await operation(worker, n);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Console.Error.WriteLine($"{name}: {ex.GetType().Name}: {ex.Message}");
                    ok = false;
                }
                ticks.Add(Stopwatch.GetTimestamp() - start);
                if (!ok)
                {
                    errors++;
                }
            }
            result.Merge(ticks, errors);
        })).ToArray();
        await Task.WhenAll(workers);
        return result.Report(clock.Elapsed);
    }
}
