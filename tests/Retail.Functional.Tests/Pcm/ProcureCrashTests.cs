using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Contract;
using Retail.Shared.Invocation;
using Retail.Workflows.Embedded;
using Retail.Workflows.Scheduling;

namespace Retail.Functional.Tests.Pcm;

/// <summary>
/// The host stopped in the middle of the procure→receive→stock saga (before and after each ICS call, and before the saga
/// started at all), then started again on the same data folder: the receipt ends stocked with its stock in ICS exactly once.
/// </summary>
public sealed class ProcureCrashTests
{
    /// <summary>
    /// Both hosts retry a failed delivery at most a second apart and never dead-letter it here: a refused saga start is
    /// retried while the first host stops, and on a busy machine (the whole suite beside it) the default schedule (8
    /// attempts from 200 ms doubling, ~25 s) could leave the message dead or due past the wait before the second host
    /// ran it, which is not what these tests are about (the saga-start test timed out in 2 of 9 runs of this class and 1 of 3 CI runs, on the code before the delivery interest too).
    /// </summary>
    private static RetailHostFactory Host(string dataDir, Action<IServiceCollection>? more = null)
    {
        var factory = new RetailHostFactory(dataDir) { ConfigureServices = s => { TestSessions.Add(s); more?.Invoke(s); }, Modules = PcmHost.Modules };
        factory.Settings["Retail:Events:MaxBackoff"] = "00:00:01";
        factory.Settings["Retail:Events:MaxAttempts"] = "1000";
        return factory;
    }

    [Theory]
    [InlineData("/receive/record", false)]
    [InlineData("/receive/record", true)]
    [InlineData("/putaway/record", false)]
    [InlineData("/putaway/record", true)]
    public async Task A_host_stopped_around_an_ics_step_of_the_saga_ends_with_the_receipt_stocked_exactly_once(string path, bool afterTheCall)
    {
        var gate = new CallGate("ics", path, afterTheCall);
        await RunAsync(gate.OnInvocations(), async org =>
        {
            await gate.Reached.Task.Within($"the saga reaching {path}");
            return () => gate.Release.TrySetException(new HttpRequestException("the host stopped"));
        });
    }

    [Fact]
    public async Task A_host_stopped_before_the_saga_started_starts_it_from_the_receipt_recorded_event()
    {
        WorkflowThatWillNotStart? scheduler = null;
        await RunAsync(s => s.AddSingleton<IWorkflowScheduler>(sp => scheduler = new WorkflowThatWillNotStart(sp.GetRequiredService<EmbeddedWorkflowEngine>(), "ProcureToStockWorkflow")),
            async org =>
            {
                await Waits.UntilAsync(() => scheduler is { Refused: >= 1 }, "the handler's start refused");
                var receipt = Assert.Single((await org.Post("/pcm/receipt/list", new { }).Ok()).GetProperty("items").EnumerateArray());
                Assert.Equal("recorded", receipt.Text("status"));
                return () => { };
            });
    }

    /// <summary>PCM's pending deliveries, dead letters and subscriber cursors, and the outbox's receipt events, as text.</summary>
    private static string BusState(string dataDir)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "state", "pcm.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var text = new System.Text.StringBuilder();
        foreach (var sql in new[]
        {
            "SELECT seq, type, committed_at FROM outbox WHERE type LIKE 'receipt.%' ORDER BY seq",
            "SELECT subscriber, seq, attempts, next_attempt_at, last_error FROM deliveries ORDER BY seq",
            "SELECT subscriber, seq, attempts, last_error, dead_at FROM dead_letters ORDER BY seq",
            "SELECT id, cursor, first_seen_at FROM subscribers WHERE id LIKE '/pcm/%'",
            "SELECT (SELECT max(seq) FROM outbox), (SELECT count(*) FROM outbox), (SELECT min(committed_at) FROM outbox)",
        })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            text.Append(sql).Append('\n');
            while (reader.Read())
            {
                text.Append("  ").AppendJoin(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// An org with a bin and an issued PO of 10 on the first host (with <paramref name="first"/>'s services); a receipt of 10
    /// put away to the bin; the host stops once <paramref name="stopWhen"/> says, then the second host finishes it.
    /// </summary>
    private static async Task RunAsync(Action<IServiceCollection> first, Func<PcmOrg, Task<Action>> stopWhen)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            PcmOrg org;
            string poGuid, session;
            Action release = () => { };
            var one = Host(dataDir, first);
            try
            {
                using var @operator = one.CreateOperatorClient();
                org = await PcmHost.NewOrgAsync(one, @operator);
                session = org.Owner.Client.DefaultRequestHeaders.GetValues(CredentialHeaders.Session).Single();
                await org.IcsBinAsync("store-1", "a-01");
                poGuid = (await org.IssuedPoAsync("acme", "store-1", org.Line(0, 10))).Text("po_guid")!;
                await org.RecordReceiptAsync(poGuid, ReceivingSteps.Receive(1, 10, binCode: "a-01"));
                release = await stopWhen(org);
            }
            finally
            {
                await one.DisposeAsync();
                release();
            }
            var firstStopped = DateTimeOffset.UtcNow;

            await using var two = Host(dataDir);
            var client = two.CreateClient();
            client.DefaultRequestHeaders.Add(CredentialHeaders.Session, session);
            var restarted = org with { Owner = org.Owner with { Client = client } };
            var receipt = Assert.Single((await restarted.Post("/pcm/receipt/list", new { po_guid = poGuid }).Ok()).GetProperty("items").EnumerateArray());
            JsonElement stocked;
            try
            {
                // Longer than the usual wait: a saga step retries on its own schedule (500 ms doubling, up to a minute), so
                // a step refused once or twice as the second host comes up can take longer; if it never settles, the
                // failure says what the bus and the engine hold. (The saga-start case used to fail in about one CI run in
                // four: on a busy machine the first host stopped before its dispatcher had recorded PCM's subscribers in
                // the file, and the second host recorded them from where it opened it, past receipt.recorded. The
                // position is now kept until a dispatcher records them: EmbeddedEventBusTests covers it.)
                stocked = await restarted.SettledReceiptAsync(receipt.Text("receipt_guid")!, TimeSpan.FromSeconds(150));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // What the bus and the engine hold when the receipt never settles: the reason, not only the timeout.
                var instance = await two.Services.GetRequiredService<IWorkflowScheduler>()
                    .GetAsync(Retail.Pcm.Receiving.Receipt.InstanceIdOf(org.Orgcode, receipt.Text("receipt_guid")!));
                throw new Xunit.Sdk.XunitException($"{ex.Message}\nfirst host stopped at {firstStopped.ToUnixTimeMilliseconds()}\n" +
                    $"workflow: {JsonSerializer.Serialize(instance)}\n{BusState(dataDir)}");
            }

            Assert.Equal("stocked", stocked.Text("status"));
            var stock = await restarted.IcsStockAsync("store-1", org.Variants[0]);
            Assert.Equal((10L, 0L), (stock.Long("available"), stock.Long("qc_hold")));
            Assert.Equal(stocked.Text("ics_receipt_guid"), Assert.Single(await restarted.IcsReceiptsOfAsync(poGuid)).Text("receipt_guid"));
            var card = await restarted.Post("/ics/stock/card/list", new { facility_code = "store-1", variant_guid = org.Variants[0] }).Ok();
            var moves = card.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(10L, Assert.Single(moves, m => m.Text("reason") == "receipt").Long("quantity"));
            var putaway = Assert.Single(moves, m => m.Text("reason") == "putaway");
            Assert.Equal(("a-01", 10L), (putaway.Text("to_bin"), putaway.Long("quantity")));
            var po = await restarted.PoAsync(poGuid);
            Assert.Equal(("received", 10L, 10L), (po.Text("status"), po.PoLine(1).Long("received"), po.PoLine(1).Long("stocked")));
            Assert.Single(two.OutboxEvents("pcm", org.Orgcode, "receipt.stocked"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }
}
