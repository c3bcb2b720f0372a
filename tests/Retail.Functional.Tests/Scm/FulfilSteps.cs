using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Scm.Orders;
using Retail.Scm.Policies;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Scm;

/// <summary>
/// Fulfilment's test steps. Until /order/create, /order/place and /order/promise/commit land (feat/scm-orders), a committed
/// order is made the way they will leave it: each line committed in ICS over HTTP (<c>/ics/commit/create</c>, reference
/// the order), then the placed order written through SCM's own record store with those holds on its lines.
/// </summary>
internal static class FulfilSteps
{
    /// <summary>A placed order of <paramref name="lines"/> (variant index, quantity), each line committed at store-1.</summary>
    public static async Task<string> CommittedOrderAsync(this RetailHostFactory factory, ScmOrg org, (int Variant, long Quantity)[] lines,
        DeliveryMethod method = DeliveryMethod.Ship, PaymentStatus payment = PaymentStatus.Captured, string channel = "web")
    {
        var orderGuid = Guid.CreateVersion7().ToString();
        var orderLines = new List<OrderLine>();
        for (var i = 0; i < lines.Length; i++)
        {
            var (variant, quantity) = lines[i];
            var hold = await org.Post("/ics/commit/create", new
            {
                facility_code = "store-1",
                variant_guid = org.Variants[variant],
                quantity,
                reference = new { kind = "order", id = orderGuid },
            }).Ok(HttpStatusCode.Created);
            var unit = 1000 + (100 * variant);
            orderLines.Add(new OrderLine(i + 1, org.Variants[variant], quantity)
            {
                Status = OrderLineStatus.Committed,
                ListUnitMinor = unit,
                UnitMinor = unit,
                NetMinor = unit * quantity,
                FacilityCode = "store-1",
                Hold = new LineHold(hold.Text("hold_guid")!, "committed", hold.Revision(), "store-1"),
            });
        }
        var total = orderLines.Sum(l => l.NetMinor);
        var order = new Order
        {
            OrderGuid = orderGuid,
            OrderNumber = $"SO-{orderGuid[^12..]}",
            ChannelCode = channel,
            Delivery = method == DeliveryMethod.Ship
                ? new Delivery(method, new Address("Ada", "Main St 1", null, "Berlin", null, "10115", "DE", null, null), null)
                : new Delivery(method, null, "store-1"),
            Currency = "EUR",
            Lines = orderLines,
            Totals = new OrderTotals(total, 0, 0, 0, total),
            Status = OrderStatus.Placed,
            PaymentStatus = payment,
            CapturedMinor = payment == PaymentStatus.Captured ? total : 0,
            CreatedBy = org.Clerk.UserGuid,
            PlacedAt = DateTimeOffset.UtcNow,
        };
        using var scope = factory.Services.CreateScope();
        var write = await scope.ServiceProvider.GetRequiredService<RecordStore<Order>>().CreateAsync(org.Orgcode, order);
        Assert.True(write.Succeeded, write.Outcome.ToString());
        return orderGuid;
    }

    /// <summary>The org's channel policy as <paramref name="change"/> makes it (until /channel/policy/set lands on feat/scm-policies).</summary>
    public static async Task PolicyAsync(this RetailHostFactory factory, ScmOrg org, string channel, Func<ChannelPolicy, ChannelPolicy> change)
    {
        using var scope = factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<RecordStore<ChannelPolicy>>();
        var current = await store.GetAsync(org.Orgcode, channel);
        var write = current is null
            ? await store.CreateAsync(org.Orgcode, change(ChannelPolicy.Default(channel)))
            : await store.UpdateAsync(org.Orgcode, current, change(current.Record));
        Assert.True(write.Succeeded, write.Outcome.ToString());
    }

    /// <summary>The order as SCM keeps it (until /order/get lands).</summary>
    public static async Task<Order> OrderAsync(this RetailHostFactory factory, ScmOrg org, string orderGuid)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<Order>>().GetAsync(org.Orgcode, orderGuid))!.Record;
    }

    public static Task<JsonElement> Shipment(this ScmOrg org, string orderGuid, object? lines = null, TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/scm/fulfillment/shipment/create", new { order_guid = orderGuid, lines }).Ok(HttpStatusCode.Created);

    /// <summary>A shipment step (<paramref name="step"/>: pick, pack, ship, deliver, cancel, pickup/ready, …) at the shipment's revision.</summary>
    public static Task<HttpResponseMessage> Step(this ScmOrg org, JsonElement shipment, string step, object? extra = null, TestUser? user = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["shipment_guid"] = shipment.Text("shipment_guid"),
            ["expected_revision"] = shipment.Revision(),
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }
        return org.Post(user ?? org.Clerk, $"/scm/fulfillment/shipment/{step}", body);
    }

    /// <summary>Picked (unless it is), packed and shipped (web: the default policy captures before shipment, so the order must be captured).</summary>
    public static async Task<JsonElement> ShipAll(this ScmOrg org, JsonElement shipment)
    {
        if (shipment.Text("status") == "created")
        {
            shipment = await org.Step(shipment, "pick").Ok();
        }
        shipment = await org.Step(shipment, "pack", new { package_ref = "box-1", weight_grams = 800L }).Ok();
        return await org.Step(shipment, "ship", new { carrier = "dhl", tracking = "JJD0001" }).Ok();
    }

    public static async Task<(long Available, long Committed)> StockOf(this ScmOrg org, int variant)
    {
        var stock = await org.Inventory.Stock("store-1", org.Variants[variant]);
        return (stock.GetProperty("available").GetInt64(), stock.GetProperty("committed").GetInt64());
    }
}
