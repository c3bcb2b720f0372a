using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Scm.Orders;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Scm;

/// <summary>What the policy tests need of orders before orders' own endpoints exist: an order written as create writes it.</summary>
internal static class PolicySteps
{
    /// <summary>
    /// An order of <c>web</c> shipping to Berlin, one unit per line: lines by (line no, variant index, net, the tax policy
    /// version it was quoted with or null); variant 1's lines are <c>reduced</c>, the others <c>standard</c>.
    /// </summary>
    public static Order OrderOf(ScmOrg org, IReadOnlyList<(int No, int Variant, long Net, long? Revision)> lines, OrderStatus status,
        IReadOnlyList<long>? quantities = null)
    {
        var orderLines = lines.Select((l, i) => new OrderLine(l.No, org.Variants[l.Variant], quantities?[i] ?? 1)
        {
            UnitMinor = l.Net,
            NetMinor = l.Net,
            Tax = l.Revision is { } r ? new LineTax(l.Variant == 1 ? "reduced" : "standard", "DE", 0m, false, 0, r) : null,
        }).ToList();
        var subtotal = orderLines.Sum(l => l.NetMinor);
        return new Order
        {
            OrderGuid = Guid.CreateVersion7().ToString(),
            OrderNumber = "o-" + Guid.NewGuid().ToString("n")[..12],
            ChannelCode = "web",
            Delivery = new Delivery(DeliveryMethod.Ship, new Address("Ada", "Hauptstr. 1", null, "Berlin", null, "10115", "DE", null, null), null),
            Currency = "EUR",
            Lines = orderLines,
            Totals = new OrderTotals(subtotal, 0, 0, 0, subtotal),
            Status = status,
            CreatedBy = org.Clerk.UserGuid,
        };
    }

    /// <summary>Writes the order straight into SCM's store (the order endpoints are another part's); answers it at revision 1.</summary>
    public static async Task<Order> StoreOrder(RetailHostFactory factory, ScmOrg org, Order order)
    {
        using var scope = factory.Services.CreateScope();
        var write = await scope.ServiceProvider.GetRequiredService<RecordStore<Order>>().CreateAsync(org.Orgcode, order);
        Assert.True(write.Succeeded);
        return write.Record!;
    }
}
