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
    /// <summary>Holds PCM's call to one ICS path before it is sent or after it has answered, until the test lets go.</summary>
    private sealed class IcsGate(string path, bool afterTheCall)
    {
        public string Path { get; } = path;

        public bool AfterTheCall { get; } = afterTheCall;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class GatedInvoker(IServiceInvoker inner, IcsGate gate) : IServiceInvoker
    {
        public async Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var gated = appId == "ics" && path == gate.Path;
            if (gated && !gate.AfterTheCall)
            {
                gate.Reached.TrySetResult();
                await gate.Release.Task;
            }
            var answer = await inner.InvokeAsync(appId, path, body, options, cancellationToken);
            if (gated && gate.AfterTheCall)
            {
                gate.Reached.TrySetResult();
                await gate.Release.Task;
            }
            return answer;
        }
    }

    /// <summary>A workflow engine that will not start the receipt saga (as if the process stopped right after the receipt's commit).</summary>
    private sealed class NoSagaStarts(EmbeddedWorkflowEngine engine) : IWorkflowScheduler
    {
        public int Refused;

        public Task<WorkflowStartResult> StartAsync(string name, string? instanceId, JsonElement? input, CancellationToken cancellationToken = default)
        {
            if (name == "ProcureToStockWorkflow")
            {
                Interlocked.Increment(ref Refused);
                throw new InvalidOperationException("stopping");
            }
            return engine.StartAsync(name, instanceId, input, cancellationToken);
        }

        public Task<WorkflowInstanceStatus?> GetAsync(string instanceId, CancellationToken cancellationToken = default) => engine.GetAsync(instanceId, cancellationToken);

        public Task<WorkflowInstanceList> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken = default) => engine.ListAsync(query, cancellationToken);

        public Task<IReadOnlyList<WorkflowHistoryEntry>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
            engine.GetHistoryAsync(instanceId, cancellationToken);

        public Task<WorkflowOperationResult> RaiseEventAsync(string instanceId, string eventName, JsonElement? payload, CancellationToken cancellationToken = default) =>
            engine.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);

        public Task<WorkflowOperationResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken = default) =>
            engine.SuspendAsync(instanceId, reason, cancellationToken);

        public Task<WorkflowOperationResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken = default) =>
            engine.ResumeAsync(instanceId, reason, cancellationToken);

        public Task<WorkflowOperationResult> TerminateAsync(string instanceId, JsonElement? output, CancellationToken cancellationToken = default) =>
            engine.TerminateAsync(instanceId, output, cancellationToken);

        public Task<WorkflowOperationResult> PurgeAsync(string instanceId, CancellationToken cancellationToken = default) => engine.PurgeAsync(instanceId, cancellationToken);

        public Task<WorkflowInstanceStatus?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default) =>
            engine.WaitForCompletionAsync(instanceId, cancellationToken);
    }

    private static Action<IServiceCollection> Gate(IcsGate gate) => services =>
    {
        var original = services.Last(d => d.ServiceType == typeof(IServiceInvoker));
        services.AddSingleton<IServiceInvoker>(sp => new GatedInvoker(
            (IServiceInvoker)(original.ImplementationInstance ?? original.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!)), gate));
    };

    private static RetailHostFactory Host(string dataDir, Action<IServiceCollection>? more = null) =>
        new(dataDir) { ConfigureServices = s => { TestSessions.Add(s); more?.Invoke(s); }, Modules = PcmHost.Modules };

    [Theory]
    [InlineData("/receive/record", false)]
    [InlineData("/receive/record", true)]
    [InlineData("/putaway/record", false)]
    [InlineData("/putaway/record", true)]
    public async Task A_host_stopped_around_an_ics_step_of_the_saga_ends_with_the_receipt_stocked_exactly_once(string path, bool afterTheCall)
    {
        var gate = new IcsGate(path, afterTheCall);
        await RunAsync(Gate(gate), async org =>
        {
            await gate.Reached.Task.Within($"the saga reaching {path}");
            return () => gate.Release.TrySetException(new HttpRequestException("the host stopped"));
        });
    }

    [Fact]
    public async Task A_host_stopped_before_the_saga_started_starts_it_from_the_receipt_recorded_event()
    {
        NoSagaStarts? scheduler = null;
        await RunAsync(s => s.AddSingleton<IWorkflowScheduler>(sp => scheduler = new NoSagaStarts(sp.GetRequiredService<EmbeddedWorkflowEngine>())),
            async org =>
            {
                await Waits.UntilAsync(() => scheduler is { Refused: >= 1 }, "the handler's start refused");
                var receipt = Assert.Single((await org.Post("/pcm/receipt/list", new { }).Ok()).GetProperty("items").EnumerateArray());
                Assert.Equal("recorded", receipt.Text("status"));
                return () => { };
            });
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

            await using var two = Host(dataDir);
            var client = two.CreateClient();
            client.DefaultRequestHeaders.Add(CredentialHeaders.Session, session);
            var restarted = org with { Owner = org.Owner with { Client = client } };
            var receipt = Assert.Single((await restarted.Post("/pcm/receipt/list", new { po_guid = poGuid }).Ok()).GetProperty("items").EnumerateArray());
            var stocked = await restarted.SettledReceiptAsync(receipt.Text("receipt_guid")!);

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
