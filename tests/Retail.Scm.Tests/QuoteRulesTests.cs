using Retail.Scm.Orders;
using Retail.Scm.Quotes;

namespace Retail.Scm.Tests;

public sealed class QuoteRulesTests
{
    [Fact]
    public void A_backorder_of_part_of_a_line_keeps_the_unit_price_and_takes_its_share_of_net_discount_and_tax_half_up()
    {
        var line = new OrderLine(3, "00000000-0000-7000-8000-000000000001", 3)
        {
            UnitMinor = 1000, ListUnitMinor = 1100, NetMinor = 2999, DiscountMinor = 301,
            Tax = new LineTax("standard", "DE", 19m, false, 570, 1),
            Status = OrderLineStatus.Reserved, Hold = new LineHold("h", "reserved", 1, "store-1"), FacilityCode = "store-1", CancelledQuantity = 1,
        };
        var part = BackorderRules.Part(line, 2);
        Assert.Equal((1, 2L, 1000L, 1100L, 1999L, 201L, 380L), (part.LineNo, part.Quantity, part.UnitMinor, part.ListUnitMinor, part.NetMinor,
            part.DiscountMinor, part.Tax!.TaxMinor));
        Assert.Equal((OrderLineStatus.Open, (LineHold?)null, (string?)null, 0L), (part.Status, part.Hold, part.FacilityCode, part.CancelledQuantity));
        var whole = BackorderRules.Part(line, 3);
        Assert.Equal((2999L, 570L), (whole.NetMinor, whole.Tax!.TaxMinor));
    }

    [Fact]
    public void Lifecycles_convert_fulfil_and_submit_only_once_approved_and_a_submitted_special_order_is_not_cancelled()
    {
        Assert.NotNull(Quote.Lifecycle.Check(QuoteStatus.PendingApproval, QuoteStatus.Converted));
        Assert.Null(Quote.Lifecycle.Check(QuoteStatus.Approved, QuoteStatus.Converted));
        Assert.NotNull(Quote.Lifecycle.Check(QuoteStatus.Converted, QuoteStatus.Converted));
        Assert.NotNull(Backorder.Lifecycle.Check(BackorderStatus.PendingApproval, BackorderStatus.Fulfilled));
        Assert.Null(Backorder.Lifecycle.Check(BackorderStatus.Approved, BackorderStatus.Fulfilled));
        Assert.NotNull(Backorder.Lifecycle.Check(BackorderStatus.Fulfilled, BackorderStatus.Cancelled));
        Assert.Null(SpecialOrder.Lifecycle.Check(SpecialOrderStatus.Approved, SpecialOrderStatus.Cancelled));
        Assert.NotNull(SpecialOrder.Lifecycle.Check(SpecialOrderStatus.PendingApproval, SpecialOrderStatus.Submitted));
        Assert.NotNull(SpecialOrder.Lifecycle.Check(SpecialOrderStatus.Submitted, SpecialOrderStatus.Cancelled));
    }

    [Fact]
    public void The_850_of_a_special_order_names_its_po_vendor_quantity_and_item_without_segment_characters()
    {
        var special = new SpecialOrder
        {
            SpecialOrderGuid = "00000000-0000-7000-8000-000000000009", PoNumber = "SPO-20261202-ABC", ChannelCode = "web", Description = "Gold*tee~XXL",
            VendorCode = "acme", Quantity = 4, UnitMinor = 2500, Currency = "EUR", CreatedBy = "u",
        };
        var edi = SpecialOrderRules.Edi850(special, new DateTimeOffset(2026, 12, 2, 5, 0, 0, TimeSpan.Zero));
        Assert.StartsWith("ST*850*0001~", edi);
        Assert.Contains("BEG*00*SA*SPO-20261202-ABC**20261202~", edi);
        Assert.Contains("REF*VN*acme~", edi);
        Assert.Contains("PO1*1*4*EA***VP*Gold tee XXL~", edi);
        Assert.EndsWith("SE*6*0001~", edi);
    }
}
