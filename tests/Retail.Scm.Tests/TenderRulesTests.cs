using Retail.Scm.Orders;
using Retail.Scm.Payments;

namespace Retail.Scm.Tests;

public sealed class TenderRulesTests
{
    internal static Order Order(long total) => new()
    {
        OrderGuid = "o1",
        OrderNumber = "SO-1",
        ChannelCode = "web",
        Delivery = new Delivery(DeliveryMethod.Pickup, null, "store-1"),
        Currency = "EUR",
        Lines = [],
        Totals = new OrderTotals(total, 0, 0, 0, total),
        CreatedBy = "u1",
        Status = OrderStatus.Placed,
    };

    [Fact]
    public void Captures_refunds_and_voids_move_the_orders_sums_and_payment_status()
    {
        var order = Order(1000);
        Assert.Equal(1000, OrderPayment.Due(order));
        var part = OrderPayment.Captured(order, 400);
        Assert.Equal((400L, 600L, PaymentStatus.Captured), (part.CapturedMinor, OrderPayment.Due(part), part.PaymentStatus));
        var all = OrderPayment.Captured(part, 600);
        Assert.Equal(0, OrderPayment.Due(all));
        var refunded = OrderPayment.Refunded(all, 300);
        Assert.Equal((PaymentStatus.PartiallyRefunded, 700L), (refunded.PaymentStatus, OrderPayment.Refundable(refunded)));
        Assert.Equal(PaymentStatus.Refunded, OrderPayment.Refunded(refunded, 700).PaymentStatus);
        var voided = OrderPayment.Voided(part, 400);
        Assert.Equal((0L, PaymentStatus.Voided), (voided.CapturedMinor, voided.PaymentStatus));
        Assert.Equal(PaymentStatus.Captured, OrderPayment.Voided(all, 400).PaymentStatus);
    }

    [Fact]
    public void A_tender_is_voided_or_settled_once_and_then_stays()
    {
        Assert.Null(Tender.Lifecycle.Check(TenderStatus.Captured, TenderStatus.Voided));
        Assert.Null(Tender.Lifecycle.Check(TenderStatus.Captured, TenderStatus.Settled));
        Assert.NotNull(Tender.Lifecycle.Check(TenderStatus.Settled, TenderStatus.Voided));
        Assert.NotNull(Tender.Lifecycle.Check(TenderStatus.Voided, TenderStatus.Settled));
        Assert.Equal("2026-12-01", Tender.DayOf(DateTimeOffset.Parse("2026-12-02T00:30:00+02:00", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
