using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Scm.Payments;
using Retail.Shared.Contract;
using Retail.Shared.Invocation;
using Retail.Workflows.Embedded;
using Retail.Workflows.Scheduling;

namespace Retail.Functional.Tests.Scm;

/// <summary>
/// The host stopped in the middle of the OrderToReturn saga — before and after each of its cross-service calls (ICS
/// allocate, ICS commit, ICS restock receive, the provider's refund, the provider's void when compensating), and before
/// the saga started at all — then started again on the same data folder: the order ends with every effect exactly once
/// (one capture, one commitment, one restock receipt, one refund or one void), its stock and tender consistent. The
/// payment provider is one instance for both hosts, as the real one outlives SCM.
/// </summary>
public sealed class OrderSagaCrashTests
{
    private sealed class GatedProvider(TestPaymentProvider inner, CallGate gate) : IPaymentProvider
    {
        public string Name => inner.Name;

        public Task<PaymentOutcome> CaptureAsync(CaptureCommand command, CancellationToken ct) => inner.CaptureAsync(command, ct);

        public Task<PaymentOutcome> VoidAsync(VoidCommand command, CancellationToken ct) =>
            gate.Path == "void" ? GatedAsync(() => inner.VoidAsync(command, ct)) : inner.VoidAsync(command, ct);

        public Task<PaymentOutcome> RefundAsync(RefundCommand command, CancellationToken ct) =>
            gate.Path == "refund" ? GatedAsync(() => inner.RefundAsync(command, ct)) : inner.RefundAsync(command, ct);

        public Task<PaymentOutcome> SettleAsync(SettleCommand command, CancellationToken ct) => inner.SettleAsync(command, ct);

        private Task<PaymentOutcome> GatedAsync(Func<Task<PaymentOutcome>> call) => gate.AroundAsync(call);
    }

    private static Action<IServiceCollection> GateProvider(CallGate gate, TestPaymentProvider provider) =>
        services => services.AddSingleton<IPaymentProvider>(new GatedProvider(provider, gate));

    private static RetailHostFactory Host(string dataDir, TestPaymentProvider provider, Action<IServiceCollection>? more = null) =>
        new(dataDir)
        {
            ConfigureServices = s =>
            {
                TestSessions.Add(s);
                s.AddSingleton(provider);
                s.AddSingleton<IPaymentProvider>(provider);
                more?.Invoke(s);
            },
            Modules = ScmHost.Modules,
        };

    [Theory]
    [InlineData("allocated", false)]
    [InlineData("allocated", true)]
    [InlineData("committed", false)]
    [InlineData("committed", true)]
    public async Task A_host_stopped_around_an_ICS_stock_step_ends_with_the_order_committed_shipped_returned_and_refunded_once(string stage,
        bool afterTheCall)
    {
        var gate = new CallGate("ics", "/hold/batch/continue", afterTheCall, stage);
        await RunAsync(_ => gate.OnInvocations(), () => gate.Reached.Task, gate, stopBeforeShipping: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_host_stopped_around_the_ICS_restock_of_a_return_ends_with_one_restock_and_one_refund(bool afterTheCall)
    {
        var gate = new CallGate("ics", "/receive/record", afterTheCall);
        await RunAsync(_ => gate.OnInvocations(), () => gate.Reached.Task, gate, stopBeforeShipping: false);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_host_stopped_around_the_providers_refund_ends_with_one_refund(bool afterTheCall)
    {
        var gate = new CallGate("provider", "refund", afterTheCall);
        await RunAsync(provider => GateProvider(gate, provider), () => gate.Reached.Task, gate, stopBeforeShipping: false);
    }

    [Fact]
    public async Task A_host_stopped_before_the_saga_started_starts_it_from_the_order_placed_event()
    {
        WorkflowThatWillNotStart? scheduler = null;
        await RunAsync(_ => s => s.AddSingleton<IWorkflowScheduler>(sp => scheduler = new WorkflowThatWillNotStart(sp.GetRequiredService<EmbeddedWorkflowEngine>(), "OrderToReturnWorkflow")),
            () => Waits.UntilAsync(() => scheduler is { Refused: >= 1 }, "the order.placed subscriber's start refused"), null, stopBeforeShipping: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_host_stopped_around_the_providers_void_when_compensating_ends_with_the_tender_voided_once(bool afterTheCall)
    {
        var gate = new CallGate("provider", "void", afterTheCall);
        var provider = new TestPaymentProvider();
        var dataDir = NewDataDir();
        try
        {
            ScmOrg org;
            string orderGuid, tenderGuid;
            var one = Host(dataDir, provider, GateProvider(gate, provider));
            try
            {
                using var @operator = one.CreateOperatorClient();
                org = await ScmHost.NewOrgAsync(one, @operator, stock: 10);
                await org.TaxPolicy();
                var placed = await org.PlacedOrderAsync();
                orderGuid = placed.Guid();
                var hold = (await org.HoldsOf(placed)).First(h => h.Text("variant_guid") == org.Variants[0]);
                await org.Post("/ics/reservation/expire", new { hold_guid = hold.Text("hold_guid"), expected_revision = hold.Revision() }).Ok();
                tenderGuid = (await org.CaptureAsync(orderGuid)).Text("tender_guid")!;
                await gate.Reached.Task.Within("the saga reaching the provider's void");
            }
            finally
            {
                await one.DisposeAsync();
                gate.Release.TrySetException(new InvalidOperationException("the host stopped"));
            }

            await using var two = Host(dataDir, provider);
            var restarted = Restarted(org, two);
            var cancelled = await restarted.OrderInAsync(orderGuid, "cancelled", "voided");
            Assert.Equal(("stock_refused:hold_ended", 0L), (cancelled.Text("status_reason"), cancelled.Long("captured_minor")));
            Assert.Equal("voided", (await restarted.Post("/scm/tender/get", new { tender_guid = tenderGuid }).Ok()).Text("status"));
            Assert.Single(provider.Charges.Keys, k => k.StartsWith($"{org.Orgcode}|void|", StringComparison.Ordinal));
            Assert.Single(provider.Charges.Keys, k => k.StartsWith($"{org.Orgcode}|capture|", StringComparison.Ordinal));
            Assert.Equal((10L, 0L, 0L, 0L), await restarted.StockOf(org.Variants[0]));
            Assert.Equal((10L, 0L, 0L, 0L), await restarted.StockOf(org.Variants[1]));
            Assert.Single(two.OutboxEvents("scm", org.Orgcode, "order.cancelled"));
            Assert.Single(two.OutboxEvents("scm", org.Orgcode, "tender.voided"));
        }
        finally
        {
            Cleanup(dataDir);
        }
    }

    /// <summary>
    /// On the first host (with <paramref name="first"/>'s services): an org with 10 of each variant, an order of 2 × v0 and
    /// 1 × v1 placed and captured; unless <paramref name="stopBeforeShipping"/>, the saga's commitment waited for, the order
    /// shipped and delivered and 2 × v0 returned and received. The host stops once <paramref name="stopWhen"/> completes;
    /// the second host does what is left and the saga settles the return: every effect once.
    /// </summary>
    private static async Task RunAsync(Func<TestPaymentProvider, Action<IServiceCollection>> first, Func<Task> stopWhen, CallGate? gate,
        bool stopBeforeShipping)
    {
        var provider = new TestPaymentProvider();
        var dataDir = NewDataDir();
        try
        {
            ScmOrg org;
            string orderGuid;
            string? returnGuid = null;
            var one = Host(dataDir, provider, first(provider));
            try
            {
                using var @operator = one.CreateOperatorClient();
                org = await ScmHost.NewOrgAsync(one, @operator, stock: 10);
                await org.TaxPolicy();
                orderGuid = (await org.PlacedOrderAsync()).Guid();
                await org.CaptureAsync(orderGuid);
                if (!stopBeforeShipping)
                {
                    await org.CommittedBySagaAsync(orderGuid);
                    await org.ShipAndDeliverAsync(orderGuid);
                    returnGuid = (await org.ReturnAsync(orderGuid, lineNo: 1, quantity: 2)).Text("return_guid");
                }
                await stopWhen().Within("the saga reaching the step the host stops at");
            }
            finally
            {
                await one.DisposeAsync();
                gate?.Release.TrySetException(new InvalidOperationException("the host stopped"));
            }

            await using var two = Host(dataDir, provider);
            var restarted = Restarted(org, two);
            if (stopBeforeShipping)
            {
                await restarted.CommittedBySagaAsync(orderGuid);
                await restarted.ShipAndDeliverAsync(orderGuid);
                returnGuid = (await restarted.ReturnAsync(orderGuid, lineNo: 1, quantity: 2)).Text("return_guid");
            }
            var settled = await restarted.SettledReturnAsync(returnGuid!);

            Assert.Equal(("resolved", 2380L), (settled.Text("status"), settled.Long("refunded_minor")));
            var order = await restarted.OrderAsync(orderGuid);
            Assert.Equal(("fulfilled", 3689L, 2380L), (order.Text("status"), order.Long("captured_minor"), order.Long("refunded_minor")));
            var tender = Assert.Single((await restarted.Post("/scm/tender/list", new { order_guid = orderGuid }).Ok()).GetProperty("items").EnumerateArray());
            Assert.Equal((3689L, 2380L), (tender.Long("amount_minor"), tender.Long("refunded_minor")));
            Assert.Single(provider.Charges.Keys, k => k.StartsWith($"{org.Orgcode}|capture|", StringComparison.Ordinal));
            Assert.Single(provider.Charges.Keys, k => k.StartsWith($"{org.Orgcode}|refund|", StringComparison.Ordinal));
            Assert.DoesNotContain(provider.Charges.Keys, k => k.StartsWith($"{org.Orgcode}|void|", StringComparison.Ordinal));

            // Committed once (2 and 1 left the facility), the 2 back once: one ICS receipt of the return, one receipt movement besides the opening stock.
            Assert.Equal((10L, 0L, 0L, 0L), await restarted.StockOf(org.Variants[0]));
            Assert.Equal((9L, 0L, 0L, 0L), await restarted.StockOf(org.Variants[1]));
            Assert.Single(await restarted.IcsReceiptsOfAsync(returnGuid!));
            Assert.Equal(2, (await restarted.CardMovesAsync(org.Variants[0], "receipt")).Count);
            foreach (var type in new[] { "promise.allocated", "promise.committed", "return.received", "adjustment.refund", "return.resolved" })
            {
                Assert.Single(two.OutboxEvents("scm", org.Orgcode, type));
            }
            Assert.Empty(two.OutboxEvents("scm", org.Orgcode, "order.cancelled"));
        }
        finally
        {
            Cleanup(dataDir);
        }
    }

    private static string NewDataDir() => Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The same org's users on the second host: their sessions survive in the data folder.</summary>
    private static ScmOrg Restarted(ScmOrg org, RetailHostFactory host)
    {
        HttpClient ClientOf(TestUser user)
        {
            var client = host.CreateClient();
            client.DefaultRequestHeaders.Add(CredentialHeaders.Session, user.Client.DefaultRequestHeaders.GetValues(CredentialHeaders.Session).Single());
            return client;
        }
        return org with
        {
            Owner = org.Owner with { Client = ClientOf(org.Owner) },
            Approver = org.Approver with { Client = ClientOf(org.Approver) },
            Clerk = org.Clerk with { Client = ClientOf(org.Clerk) },
        };
    }

    private static void Cleanup(string dataDir)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        RetailHostFactory.TryDelete(dataDir);
    }
}
