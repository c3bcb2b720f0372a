using Retail.Scm.Orders;
using Retail.Scm.Policies;

namespace Retail.Scm.Tests;

public sealed class TaxFinalizationTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Exclusive_tax_is_added_to_the_total_once_replacing_what_the_order_carried()
    {
        // The order was created with 150 of exclusive tax in its total; the frozen tax is 190.
        var order = Order(taxInclusive: false, new OrderTotals(1000, 0, 150, 0, 1150));
        var frozen = TaxFinalization.Freeze(order, new TaxQuote("DE", false, 3, [new TaxLineQuote(1, "standard", 19m, 190)]), At);
        Assert.Equal(190, frozen.Totals.TaxMinor);
        Assert.Equal(1190, frozen.Totals.TotalMinor);
        Assert.Equal(At, frozen.TaxFinalizedAt);
        Assert.Equal(new LineTax("standard", "DE", 19m, false, 190, 3), frozen.Lines[0].Tax);
    }

    [Fact]
    public void Inclusive_tax_leaves_the_total_as_it_is()
    {
        var order = Order(taxInclusive: true, new OrderTotals(1190, 0, 0, 0, 1190));
        var frozen = TaxFinalization.Freeze(order, new TaxQuote("DE", true, 1, [new TaxLineQuote(1, "standard", 19m, 190)]), At);
        Assert.Equal(190, frozen.Totals.TaxMinor);
        Assert.Equal(1190, frozen.Totals.TotalMinor);
        Assert.True(frozen.TaxInclusive);
    }

    private static Order Order(bool taxInclusive, OrderTotals totals) => new()
    {
        OrderGuid = Guid.CreateVersion7().ToString(),
        OrderNumber = "o-1",
        ChannelCode = "web",
        Delivery = new Delivery(DeliveryMethod.Ship, null, null),
        Currency = "EUR",
        Lines = [new OrderLine(1, Guid.CreateVersion7().ToString(), 1) { NetMinor = totals.SubtotalMinor }],
        Totals = totals,
        TaxInclusive = taxInclusive,
        CreatedBy = "user",
    };
}
