using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Scm.Orders;
using Retail.Workflows.Scheduling;

namespace Retail.Functional.Tests.Scm;

/// <summary>
/// Steps of the OrderToReturn saga's tests: an order placed over HTTP (its saga starts from order.placed), the client's
/// capture, and waiting for what the saga does (stock committed, a return settled, the order cancelled).
/// </summary>
internal static class OrderSagaSteps
{
    /// <summary>
    /// An order in <c>web</c> for 2 × variant 0 (1000 each) and 1 × variant 1 (1100), 19 % exclusive tax (net 3100, tax
    /// 589, total 3689), placed: its lines reserved at store-1. Set the tax policy first (<see cref="OrderSteps.TaxPolicy"/>).
    /// </summary>
    public static async Task<JsonElement> PlacedOrderAsync(this ScmOrg org) =>
        await org.Placed(await org.NewOrder(OrderSteps.Line(org.Variants[0], 2), OrderSteps.Line(org.Variants[1], 1)));

    /// <summary>The client captures what the order owes with a UAS payment method, under its own Idempotency-Key.</summary>
    public static Task<JsonElement> CaptureAsync(this ScmOrg org, string orderGuid, string key = "capture-1") =>
        org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = orderGuid, payment_method_token = "pm_visa_4242" }, key).Ok(HttpStatusCode.Created);

    public static Task<JsonElement> OrderAsync(this ScmOrg org, string orderGuid) => org.Post("/scm/order/get", new { order_guid = orderGuid }).Ok();

    /// <summary>Waits until the saga has allocated and committed every line (each line's hold at stage committed); answers the order.</summary>
    public static async Task<JsonElement> CommittedBySagaAsync(this ScmOrg org, string orderGuid)
    {
        JsonElement order = default;
        await Waits.UntilAsync(async () =>
        {
            order = await org.OrderAsync(orderGuid);
            return order.GetProperty("lines").EnumerateArray().All(l => l.GetProperty("status").GetString() == "committed");
        }, $"the saga committed order {orderGuid}");
        return order;
    }

    /// <summary>Waits until the order has the status (and, when given, the payment status); answers it.</summary>
    public static async Task<JsonElement> OrderInAsync(this ScmOrg org, string orderGuid, string status, string? paymentStatus = null)
    {
        JsonElement order = default;
        await Waits.UntilAsync(async () =>
        {
            order = await org.OrderAsync(orderGuid);
            return order.Text("status") == status && (paymentStatus is null || order.Text("payment_status") == paymentStatus);
        }, $"order {orderGuid} is {status} {paymentStatus}");
        return order;
    }

    /// <summary>Ships the order's committed lines in one shipment and delivers it.</summary>
    public static async Task ShipAndDeliverAsync(this ScmOrg org, string orderGuid)
    {
        var shipment = await org.ShipAll(await org.Shipment(orderGuid));
        await org.Step(shipment, "deliver").Ok();
    }

    /// <summary>Asks back <paramref name="quantity"/> of a line, and receives it in the given condition (the saga refunds unless <paramref name="refund"/> is manual).</summary>
    public static async Task<JsonElement> ReturnAsync(this ScmOrg org, string orderGuid, int lineNo, long quantity, string condition = "resellable",
        string? refund = null)
    {
        var requested = await org.Post(org.Clerk, "/scm/return/request",
            new { order_guid = orderGuid, lines = new[] { new { line_no = lineNo, quantity } }, reason = "Does not fit" }).Ok(HttpStatusCode.Created);
        return await org.Post(org.Clerk, "/scm/return/receive", new
        {
            return_guid = requested.Text("return_guid"),
            expected_revision = requested.Revision(),
            lines = new[] { new { line_no = lineNo, condition } },
            refund,
        }).Ok();
    }

    /// <summary>Waits until the saga has restocked the return (and, with <paramref name="refunded"/>, refunded it: <c>resolved</c>); answers it.</summary>
    public static async Task<JsonElement> SettledReturnAsync(this ScmOrg org, string returnGuid, bool refunded = true)
    {
        JsonElement ret = default;
        await Waits.UntilAsync(async () =>
        {
            ret = await org.Post("/scm/return/get", new { return_guid = returnGuid }).Ok();
            return ret.Text("restocked_at") is not null && (!refunded || ret.Text("status") == "resolved");
        }, $"return {returnGuid} is restocked{(refunded ? " and refunded" : "")}");
        return ret;
    }

    /// <summary>The order's saga instance as the workflow engine keeps it.</summary>
    public static Task<WorkflowInstanceStatus?> SagaAsync(this RetailHostFactory factory, ScmOrg org, string orderGuid) =>
        factory.Services.GetRequiredService<IWorkflowScheduler>().GetAsync(Order.InstanceIdOf(org.Orgcode, orderGuid));

    /// <summary>The step the saga shows in its custom status, or null.</summary>
    public static string? Step(this WorkflowInstanceStatus? saga) =>
        saga?.CustomStatus is { ValueKind: JsonValueKind.Object } status && status.TryGetProperty("step", out var step) ? step.GetString() : null;

    /// <summary>Waits until the saga shows <paramref name="step"/>, or has finished when <paramref name="step"/> is null; answers it.</summary>
    public static async Task<WorkflowInstanceStatus> SagaAtAsync(this RetailHostFactory factory, ScmOrg org, string orderGuid, string? step)
    {
        WorkflowInstanceStatus? saga = null;
        await Waits.UntilAsync(async () =>
        {
            saga = await factory.SagaAsync(org, orderGuid);
            return step is null ? saga is { IsFinished: true } : saga.Step() == step;
        }, $"the saga of order {orderGuid} is {step ?? "finished"}");
        return saga!;
    }

    /// <summary>ICS's receipts of a return (<c>/ics/receive/list</c> by reference).</summary>
    public static async Task<IReadOnlyList<JsonElement>> IcsReceiptsOfAsync(this ScmOrg org, string returnGuid) =>
        [.. (await org.Post("/ics/receive/list", new { reference = new { kind = "return", id = returnGuid } }).Ok()).GetProperty("items").EnumerateArray()];

    /// <summary>ICS's stock card of a variant at store-1: the moves with reason <paramref name="reason"/>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> CardMovesAsync(this ScmOrg org, string variantGuid, string reason) =>
        [.. (await org.Post("/ics/stock/card/list", new { facility_code = "store-1", variant_guid = variantGuid, limit = 500 }).Ok())
            .GetProperty("items").EnumerateArray().Where(m => m.Text("reason") == reason)];

    public static long Long(this JsonElement json, string name) => json.GetProperty(name).GetInt64();
}
