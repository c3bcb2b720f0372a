using Retail.Scm.Fulfilment;
using Retail.Scm.Orders;
using Retail.Scm.Payments;

namespace Retail.Scm.Tests;

public sealed class ReturnRulesTests
{
    private static Tender Tender(string guid, long amount, long refunded, TenderStatus status, int minute) => new()
    {
        TenderGuid = guid,
        OrderGuid = "o1",
        OrderNumber = "SO-1",
        ChannelCode = "web",
        Kind = "card",
        PaymentMethodToken = "tok_approve",
        Provider = "test",
        ProviderRef = "ch_" + guid,
        ProviderKey = guid,
        AmountMinor = amount,
        RefundedMinor = refunded,
        Currency = "EUR",
        Status = status,
        CapturedAt = DateTimeOffset.UnixEpoch.AddMinutes(minute),
        BusinessDay = "1970-01-01",
        CapturedBy = "u1",
    };

    [Fact]
    public void A_return_line_is_worth_its_share_of_the_net_and_of_exclusive_tax_only()
    {
        var order = TenderRulesTests.Order(0) with { FacilityCode = "store-9" };
        var exclusive = new OrderLine(1, "v1", 3) { NetMinor = 1000, Tax = new LineTax("std", "de", 19m, false, 190, 1), FacilityCode = "store-1" };
        var line = ReturnRules.LineOf(order, exclusive, 1);
        Assert.Equal((333L, 63L, "store-1"), (line.NetMinor, line.TaxMinor, line.FacilityCode));
        var inclusive = new OrderLine(2, "v2", 2) { NetMinor = 1190, Tax = new LineTax("std", "de", 19m, true, 190, 1) };
        var included = ReturnRules.LineOf(order, inclusive, 2);
        Assert.Equal((1190L, 0L, "store-9"), (included.NetMinor, included.TaxMinor, included.FacilityCode));
        var ret = new OrderReturn
        {
            ReturnGuid = "r1", OrderGuid = "o1", OrderNumber = "SO-1", ChannelCode = "web", Currency = "EUR", RequestedBy = "u1",
            Lines = [line with { ReceivedQuantity = 1 }, included with { ReceivedQuantity = 1 }],
        };
        Assert.Equal(333 + 63 + 595, ReturnRules.RefundDue(ret));
    }

    [Fact]
    public void What_can_be_returned_is_shipped_less_returned_less_open_returns()
    {
        var line = new OrderLine(1, "v1", 5) { Shipped = 4, Returned = 1 };
        Assert.Equal(3, ReturnRules.Returnable(line, 0));
        Assert.Equal(1, ReturnRules.Returnable(line, 2));
        Assert.Equal(0, ReturnRules.Returnable(line, 5));
        var order = TenderRulesTests.Order(0) with { Lines = [line, new OrderLine(2, "v2", 1)] };
        var after = ReturnRules.WithReturned(order, [new ReturnLine(1, "v1", 2) { ReceivedQuantity = 2 }]);
        Assert.Equal((3L, 0L), (after.Line(1)!.Returned, after.Line(2)!.Returned));
    }

    [Fact]
    public void A_refund_goes_to_the_oldest_tenders_first_never_to_a_voided_one_and_never_beyond_them()
    {
        var tenders = new[]
        {
            Tender("b", 500, 0, TenderStatus.Captured, 2),
            Tender("a", 300, 100, TenderStatus.Settled, 1),
            Tender("c", 900, 0, TenderStatus.Voided, 0),
        };
        var parts = ReturnRules.Allocate(tenders, 600)!;
        Assert.Equal([("a", 200L), ("b", 400L)], parts.Select(p => (p.Tender.TenderGuid, p.Amount)));
        Assert.Null(ReturnRules.Allocate(tenders, 701));
        Assert.Empty(ReturnRules.Allocate(tenders, 0)!);
    }

    [Fact]
    public void A_lines_window_starts_at_its_latest_delivery_else_its_shipment_else_the_orders_placing()
    {
        var placed = DateTimeOffset.UnixEpoch.AddDays(1);
        var order = TenderRulesTests.Order(0) with
        {
            PlacedAt = placed,
            Lines = [new OrderLine(1, "v1", 2), new OrderLine(2, "v2", 1), new OrderLine(3, "v3", 1)],
        };
        Shipment Shipped(int day, DateTimeOffset? delivered, params int[] lines) => new()
        {
            ShipmentGuid = $"s{day}", OrderGuid = "o1", OrderNumber = "SO-1", ChannelCode = "web", FacilityCode = "store-1",
            Method = DeliveryMethod.Ship, CreatedBy = "u1", Status = ShipmentStatus.Shipped,
            Lines = [.. lines.Select(l => new Retail.Scm.Fulfilment.ShipmentLine(l, "v", 1))],
            ShippedAt = DateTimeOffset.UnixEpoch.AddDays(day), DeliveredAt = delivered,
        };
        var starts = ReturnRules.WindowStarts(order,
        [
            Shipped(2, DateTimeOffset.UnixEpoch.AddDays(5), 1),
            Shipped(3, null, 1, 2),
            new Shipment { ShipmentGuid = "open", OrderGuid = "o1", OrderNumber = "SO-1", ChannelCode = "web", FacilityCode = "store-1",
                Method = DeliveryMethod.Ship, CreatedBy = "u1", Lines = [new Retail.Scm.Fulfilment.ShipmentLine(3, "v3", 1)] },
        ]);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(5), starts[1]);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(3), starts[2]);
        Assert.Equal(placed, starts[3]);
    }

    [Fact]
    public void A_return_moves_from_authorized_to_received_to_resolved_and_no_further()
    {
        Assert.Null(OrderReturn.Lifecycle.Check(ReturnStatus.Authorized, ReturnStatus.Received));
        Assert.NotNull(OrderReturn.Lifecycle.Check(ReturnStatus.Authorized, ReturnStatus.Resolved));
        Assert.NotNull(OrderReturn.Lifecycle.Check(ReturnStatus.Resolved, ReturnStatus.Resolved));
    }
}
