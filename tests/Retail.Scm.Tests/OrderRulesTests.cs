using System.Text.Json;
using Retail.Scm.Orders;
using Retail.Scm.Policies;

namespace Retail.Scm.Tests;

public sealed class OrderRulesTests
{
    private static OrderLine Line(int no, long quantity, long net, long tax = 0) =>
        new(no, $"00000000-0000-7000-8000-00000000000{no}", quantity)
        {
            NetMinor = net,
            DiscountMinor = 0,
            Tax = new LineTax("standard", "DE", 19m, false, tax, 1),
        };

    private static Order OrderOf(params OrderLine[] lines) => new()
    {
        OrderGuid = "00000000-0000-7000-8000-0000000000aa",
        OrderNumber = "SO-1",
        ChannelCode = "web",
        Delivery = new Delivery(DeliveryMethod.Ship, null, null),
        Currency = "EUR",
        Lines = lines,
        Totals = OrderRules.TotalsOf(lines, false),
        CreatedBy = "u",
        Revision = 3,
    };

    [Fact]
    public void A_line_names_its_variant_exactly_one_way()
    {
        Assert.Equal(1, OrderRules.NamesOf(new OrderLineRequest("g", null, null, null, null, 1, null)));
        Assert.Equal(2, OrderRules.NamesOf(new OrderLineRequest("g", "400638133393", null, null, null, 1, null)));
        Assert.Equal(0, OrderRules.NamesOf(new OrderLineRequest(null, null, null, null, null, 1, null)));
        Assert.Equal(1, OrderRules.NamesOf(new OrderLineRequest(null, null, null, new AliasRequest("amazon", "B00X"), null, 1, null)));
    }

    [Fact]
    public void Exclusive_tax_comes_on_top_and_inclusive_tax_is_part_of_the_net()
    {
        var lines = new[] { Line(1, 2, 2000, 380), Line(2, 1, 1100, 209) };
        Assert.Equal(new OrderTotals(3100, 0, 589, 0, 3689), OrderRules.TotalsOf(lines, inclusive: false));
        Assert.Equal(new OrderTotals(3100, 0, 589, 0, 3100), OrderRules.TotalsOf(lines, inclusive: true));
    }

    [Fact]
    public void A_cancelled_part_takes_its_share_of_net_and_tax_out_of_the_totals()
    {
        var billable = OrderRules.Billable([Line(1, 4, 4000, 760) with { CancelledQuantity = 1 }, Line(2, 1, 1000, 190)]);
        Assert.Equal(new OrderTotals(4000, 0, 760, 0, 4760), OrderRules.TotalsOf(billable, false));
    }

    [Fact]
    public void Reserving_takes_open_lines_without_a_hold_and_continuing_takes_held_lines_before_the_stage()
    {
        var held = Line(1, 1, 100) with { Status = OrderLineStatus.Reserved, Hold = new LineHold("h1", "reserved", 1, "store-1") };
        var allocated = Line(2, 1, 100) with { Status = OrderLineStatus.Allocated, Hold = new LineHold("h2", "allocated", 1, "store-1") };
        var open = Line(3, 2, 100);
        var cancelled = Line(4, 1, 100) with { Status = OrderLineStatus.Cancelled, CancelledQuantity = 1 };
        var order = OrderOf(held, allocated, open, cancelled);

        Assert.Equal([3], OrderRules.ToReserve(order).Select(l => l.LineNo));
        Assert.Equal([1], OrderRules.ToContinue(order, OrderLineStatus.Allocated).Select(l => l.LineNo));
        Assert.Equal([1, 2], OrderRules.ToContinue(order, OrderLineStatus.Committed).Select(l => l.LineNo));
        Assert.Equal([1, 2], OrderRules.Held(order).Select(l => l.LineNo));
    }

    [Fact]
    public void Ics_holds_land_on_their_lines_by_line_ref()
    {
        var order = OrderOf(Line(1, 1, 100), Line(2, 3, 300));
        var lines = OrderRules.WithHolds(order, [new IcsBatchHold("h2", "reserved", "active", "dc-1", "v", 3, 1, "2", null)]);
        Assert.Null(lines[0].Hold);
        Assert.Equal((OrderLineStatus.Reserved, "dc-1", "h2"), (lines[1].Status, lines[1].FacilityCode, lines[1].Hold!.HoldGuid));
    }

    [Fact]
    public void Short_lines_are_read_from_the_ics_problem_by_line_ref()
    {
        var order = OrderOf(Line(1, 1, 100), Line(2, 3, 300));
        var problem = JsonDocument.Parse("""
            {"code":"insufficient_stock","lines":[{"index":1,"line_ref":"2","facility_code":"store-1","variant_guid":"v","requested":3,"available":1}]}
            """).RootElement;
        var lines = OrderRules.ShortLinesOf(order.Lines, problem);
        Assert.Equal([new ShortLine(2, order.Lines[1].VariantGuid, "store-1", 3, 1)], lines);
    }

    [Fact]
    public void A_quote_missing_a_line_is_no_tax_for_the_order()
    {
        var lines = new[] { Line(1, 1, 100), Line(2, 1, 100) };
        var quote = new TaxQuote("DE", false, 2, [new TaxLineQuote(1, "standard", 19m, 19)]);
        Assert.Null(OrderRules.WithTax(lines, quote));
        var full = OrderRules.WithTax(lines, quote with { Lines = [new TaxLineQuote(1, "standard", 19m, 19), new TaxLineQuote(2, "reduced", 7m, 7)] });
        Assert.Equal(("reduced", 7m, 2L), (full![1].Tax!.TaxCategory, full[1].Tax!.RatePercent, full[1].Tax!.PolicyRevision));
    }

    [Fact]
    public void Order_numbers_are_short_codes_and_generated_ones_carry_the_date()
    {
        Assert.True(OrderRules.IsOrderNumber("WEB-1001"));
        Assert.False(OrderRules.IsOrderNumber("has space"));
        Assert.False(OrderRules.IsOrderNumber(new string('x', 41)));
        Assert.Equal("SO-20261202-00000000AA", OrderRules.NewOrderNumber("00000000-0000-7000-8000-0000000000aa", new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)));
    }
}
