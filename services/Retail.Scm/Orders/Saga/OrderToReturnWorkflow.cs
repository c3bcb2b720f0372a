using System.Security.Cryptography;
using System.Text;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace Retail.Scm.Orders.Saga;

public sealed record OrderToReturnInput(string Orgcode, string OrderGuid);

/// <summary>
/// OrderToReturn for one placed order (instance <see cref="Order.InstanceIdOf"/>), started from SCM's own order.placed.
/// People's and clients' steps stay endpoints (capture, shipments, return request and receipt); the saga waits for each
/// as "a signal OR a timer, then read the order" (<see cref="ReadOrderSagaActivity"/>), so a lost signal only delays it,
/// and does the system's steps as activities: ICS allocate and commit once the tender is captured, each received
/// return's restock in ICS and its refund through the payment provider, and the compensations — capture not in time:
/// release the holds and cancel; ICS refusing the stock: cancel (releasing what is held) and void the tenders. Every ICS
/// and provider call carries a key derived from the order, return or refund, and every SCM write checks the record's
/// status first, so a step run again after a crash has its effect once. It ends when the order is cancelled, or once
/// the channel's return window closed with no return open (closing the order); long waits continue as new runs.
/// </summary>
public sealed class OrderToReturnWorkflow : Workflow<OrderToReturnInput, string>
{
    /// <summary>The external event every signal raises (its payload: the topic that caused it).</summary>
    public const string Signal = "order_changed";

    /// <summary>Waits in one run after the stock steps before the run continues as new (the journal stays short).</summary>
    public const int WaitsPerRun = 16;

    public static readonly WorkflowTaskOptions Retry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 12, firstRetryInterval: TimeSpan.FromMilliseconds(500), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(60)));

    public override async Task<string> RunAsync(WorkflowContext context, OrderToReturnInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<OrderToReturnWorkflow>();
        var view = await ReadAsync(context, input);
        if (view.Stage is OrderSagaStage.Missing or OrderSagaStage.NotPlaced)
        {
            return SnakeName(view.Stage);
        }

        while (view.Stage == OrderSagaStage.AwaitingCapture)
        {
            var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
            if (now >= view.CaptureBy)
            {
                logger.LogInformation("Order {OrderGuid}: not captured by {CaptureBy}; releasing its stock and cancelling it", input.OrderGuid, view.CaptureBy);
                context.SetCustomStatus(new { step = "compensate", reason = OrderSagaKeys.CaptureTimeout });
                var cancelled = await context.CallActivityAsync<string>(nameof(CancelOrderActivity),
                    new CancelOrderInput(input.Orgcode, input.OrderGuid, OrderSagaKeys.CaptureTimeout, OnlyIfUnpaid: true), Retry);
                if (cancelled == CancelOrderActivity.Cancelled)
                {
                    return "capture_timed_out";
                }
                view = await ReadAsync(context, input);
                continue;
            }
            context.SetCustomStatus(new { step = "await_capture", capture_by = view.CaptureBy });
            await WaitAsync(context, Min(view.CaptureBy!.Value - now, view.Recheck));
            view = await ReadAsync(context, input);
        }

        if (view.Stage == OrderSagaStage.Stock)
        {
            foreach (var stage in new[] { OrderSagaKeys.Allocated, OrderSagaKeys.Committed })
            {
                context.SetCustomStatus(new { step = stage == OrderSagaKeys.Allocated ? "allocate" : "commit" });
                var moved = await context.CallActivityAsync<StockStepOutcome>(nameof(ContinueHoldsActivity),
                    new ContinueHoldsInput(input.Orgcode, input.OrderGuid, stage), Retry);
                if (moved.RefusedCode is { } code)
                {
                    logger.LogWarning("Order {OrderGuid}: ICS refused to {Stage} its stock ({Code}); compensating", input.OrderGuid, stage, code);
                    context.SetCustomStatus(new { step = "compensate", reason = code });
                    await context.CallActivityAsync<string>(nameof(CancelOrderActivity),
                        new CancelOrderInput(input.Orgcode, input.OrderGuid, $"{OrderSagaKeys.StockRefused}:{code}", OnlyIfUnpaid: false), Retry);
                    context.SetCustomStatus(new { step = "void", reason = code });
                    await context.CallActivityAsync<int>(nameof(VoidTendersActivity), new OrderToReturnInput(input.Orgcode, input.OrderGuid), Retry);
                    return "compensated";
                }
            }
            view = await ReadAsync(context, input);
        }

        for (var waits = 0; ; waits++)
        {
            foreach (var returnGuid in view.ReturnsToSettle)
            {
                var ret = new ReturnInput(input.Orgcode, input.OrderGuid, returnGuid);
                context.SetCustomStatus(new { step = "restock", return_guid = returnGuid });
                await context.CallActivityAsync<string>(nameof(RestockReturnActivity), ret, Retry);
                context.SetCustomStatus(new { step = "refund", return_guid = returnGuid });
                await context.CallActivityAsync<string>(nameof(RefundReturnActivity), ret, Retry);
            }
            if (view.ReturnsToSettle.Count > 0)
            {
                view = await ReadAsync(context, input);
                continue;
            }
            switch (view.Stage)
            {
                case OrderSagaStage.Cancelled or OrderSagaStage.Closed or OrderSagaStage.Missing:
                    return SnakeName(view.Stage);
                case OrderSagaStage.Done:
                    context.SetCustomStatus(new { step = "close" });
                    return await context.CallActivityAsync<string>(nameof(CloseOrderActivity), new OrderToReturnInput(input.Orgcode, input.OrderGuid), Retry);
            }
            // Back before the stock steps (a tender voided by hand, holds changed by hand): a new run starts from the top.
            if (waits >= WaitsPerRun || (waits > 0 && view.Stage is OrderSagaStage.AwaitingCapture or OrderSagaStage.Stock))
            {
                context.ContinueAsNew(input, preserveUnprocessedEvents: true);
                return "continued";
            }
            var wait = view.Recheck;
            if (view.Stage == OrderSagaStage.Returns && view.WindowClosesAt is { } closes)
            {
                context.SetCustomStatus(new { step = "await_returns", window_closes_at = closes, open_returns = view.OpenReturns });
                wait = Min(wait, closes - new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
            }
            else
            {
                context.SetCustomStatus(new { step = view.Stage == OrderSagaStage.Stock ? "await_stock" : "await_fulfilment" });
            }
            await WaitAsync(context, wait);
            view = await ReadAsync(context, input);
        }
    }

    private static Task<OrderSagaView> ReadAsync(WorkflowContext context, OrderToReturnInput input) =>
        context.CallActivityAsync<OrderSagaView>(nameof(ReadOrderSagaActivity), input, Retry);

    /// <summary>A signal or the timer, whichever comes first; either way the caller reads the order next.</summary>
    private static async Task WaitAsync(WorkflowContext context, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            // Any payload: the signal itself is the message (a payload of another shape must not fail the saga).
            await context.WaitForExternalEventAsync<System.Text.Json.JsonElement>(Signal, timeout);
        }
        catch (TaskCanceledException)
        {
            // The timer won: look at the record anyway (a signal may have been lost).
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string SnakeName(OrderSagaStage stage) => Retail.Shared.Json.SnakeCase.Name(stage);
}

/// <summary>The ICS stage to continue an order's holds into: <c>allocated</c> or <c>committed</c>.</summary>
public sealed record ContinueHoldsInput(string Orgcode, string OrderGuid, string Stage);

/// <summary>What a stock step did: nothing to refuse (done, or nothing to do), or ICS's refusal for the saga to compensate.</summary>
public sealed record StockStepOutcome(string? RefusedCode, string? RefusedDetail)
{
    public static readonly StockStepOutcome Done = new(null, null);
}

/// <param name="Reason">The order's <c>status_reason</c>: <c>capture_timeout</c> or <c>stock_refused:{code}</c>.</param>
/// <param name="OnlyIfUnpaid">The capture timeout: an order captured meanwhile is not cancelled.</param>
public sealed record CancelOrderInput(string Orgcode, string OrderGuid, string Reason, bool OnlyIfUnpaid);

public sealed record ReturnInput(string Orgcode, string OrderGuid, string ReturnGuid);

/// <summary>The keys the saga sends ICS and the provider: derived from the order, the return or the refund, never random.</summary>
public static class OrderSagaKeys
{
    public const string Allocated = "allocated";
    public const string Committed = "committed";
    public const string CaptureTimeout = "capture_timeout";
    public const string StockRefused = "stock_refused";

    /// <summary>
    /// The Idempotency-Key of continuing these lines' holds: the holds (guid and revision) are part of it, so an attempt
    /// repeated after a crash (the order still naming the same holds) is replayed by ICS, and holds changed meanwhile are
    /// a new request.
    /// </summary>
    public static string Continue(string orderGuid, string stage, IEnumerable<OrderLine> lines) =>
        $"scm-order:{orderGuid}:{(stage == Allocated ? "allocate" : "commit")}:{Digest(lines)}";

    public static string Release(string orderGuid, IEnumerable<OrderLine> lines) => $"scm-order:{orderGuid}:release:{Digest(lines)}";

    public static string Restock(string returnGuid, string facilityCode, string state) => $"scm-return:{returnGuid}:restock:{facilityCode}:{state}";

    public static string Inspect(string returnGuid, string facilityCode) => $"scm-return:{returnGuid}:qc:{facilityCode}";

    /// <summary>The tender's void: the same key as <c>/tender/void</c>, so an admin's void and the saga's are one at the provider.</summary>
    public static string Void(string tenderGuid) => $"{tenderGuid}:void";

    private static string Digest(IEnumerable<OrderLine> lines)
    {
        var holds = string.Join(',', lines.Select(l => $"{l.LineNo}={l.Hold?.HoldGuid}@{l.Hold?.Revision}"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(holds)))[..16].ToLowerInvariant();
    }
}
