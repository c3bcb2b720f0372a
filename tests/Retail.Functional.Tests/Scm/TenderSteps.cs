using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Scm.Orders;
using Retail.Scm.Payments;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Scm;

/// <summary>Steps of the payment and after-sales tests: a placed (and shipped) order, keyed writes, reading the order back.</summary>
internal static class TenderSteps
{
    /// <summary>
    /// A placed order in <c>web</c> (EUR) for 2 × variant 0 (1000 each) and 1 × variant 1 (1100), both from <c>store-1</c>,
    /// with 19 % exclusive tax: net 3100, tax 589, total 3689. TEMP until the orders and fulfilment areas land: the order
    /// goes straight into SCM's store (what /order/create and /order/place write), and <paramref name="shipped"/> marks
    /// every line shipped as a shipment would (ICS stock is not moved).
    /// </summary>
    public static async Task<Order> PlacedOrderAsync(this ServiceHost host, ScmOrg org, bool shipped = false, DateTimeOffset? placedAt = null)
    {
        var at = placedAt ?? DateTimeOffset.UtcNow;
        OrderLine Line(int no, int variant, long quantity, long unit) => new(no, org.Variants[variant], quantity)
        {
            UnitMinor = unit,
            ListUnitMinor = unit,
            NetMinor = unit * quantity,
            Tax = new LineTax("standard", "de", 19m, false, unit * quantity * 19 / 100, 1),
            FacilityCode = "store-1",
            Status = shipped ? OrderLineStatus.Shipped : OrderLineStatus.Committed,
            Shipped = shipped ? quantity : 0,
        };
        var lines = new[] { Line(1, 0, 2, 1000), Line(2, 1, 1, 1100) };
        var net = lines.Sum(l => l.NetMinor);
        var tax = lines.Sum(l => l.Tax!.TaxMinor);
        var order = new Order
        {
            OrderGuid = Guid.CreateVersion7().ToString(),
            OrderNumber = $"SO-{Guid.NewGuid():N}"[..16],
            ChannelCode = "web",
            FacilityCode = "store-1",
            Delivery = new Delivery(DeliveryMethod.Ship, new Address("Ana", "Hauptstr. 1", null, "Berlin", null, "10115", "DE", null, null), null),
            Currency = "EUR",
            Lines = lines,
            Totals = new OrderTotals(net, 0, tax, 0, net + tax),
            Status = shipped ? OrderStatus.Fulfilled : OrderStatus.Placed,
            PlacedAt = at,
            CreatedBy = org.Owner.UserGuid,
        };
        using var scope = host.Factory.Services.CreateScope();
        var write = await scope.ServiceProvider.GetRequiredService<RecordStore<Order>>().CreateAsync(org.Orgcode, order);
        Assert.True(write.Succeeded);
        return write.Record!;
    }

    public static async Task<Order> OrderAsync(this ServiceHost host, ScmOrg org, string orderGuid)
    {
        using var scope = host.Factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<Order>>().GetAsync(org.Orgcode, orderGuid))!.Record;
    }

    public static TestPaymentProvider Provider(this ServiceHost host) => host.Factory.Services.GetRequiredService<TestPaymentProvider>();

    /// <summary>A write with the given Idempotency-Key.</summary>
    public static Task<HttpResponseMessage> Post(this ScmOrg org, TestUser user, string path, object body, string idempotencyKey) =>
        user.Client.PostJsonAsync(path, body, OfmSteps.Org(org.Orgcode, ("Idempotency-Key", idempotencyKey)));

    public static Task<JsonElement> Capture(this ScmOrg org, Order order, long? amount = null, string token = TestPaymentProvider.ApproveToken) =>
        org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = order.OrderGuid, amount_minor = amount, payment_method_token = token })
            .Ok(HttpStatusCode.Created);

    public static string Str(this JsonElement json, string name) => json.GetProperty(name).GetString()!;
}
