using Retail.Pcm.Buying;
using Retail.Pcm.Payables;
using Retail.Pcm.Policy;
using Retail.Pcm.Receiving;

namespace Retail.Pcm.Tests;

public sealed class PayablesMatchTests
{
    private static readonly string Variant = Guid.CreateVersion7().ToString();

    private static PurchaseOrder Po(long stocked = 10, long invoiced = 0, PoStatus status = PoStatus.Received) => new()
    {
        PoGuid = Guid.CreateVersion7().ToString(),
        PoNumber = "PO-1",
        VendorGuid = "v-1",
        VendorCode = "acme",
        ShipToFacilityCode = "store-1",
        Currency = "EUR",
        Lines = [new PoLine(1, Variant, 10, 1_000) { Received = stocked, Stocked = stocked, Invoiced = invoiced }],
        Status = status,
        CreatedBy = "u",
    };

    [Fact]
    public void A_line_within_the_price_tolerance_matches()
    {
        var (lines, problem) = InvoiceRules.Match(Po(), [new InvoicedLine(1, 10, 1_020)], ProcurementPolicy.Default);
        Assert.Null(problem);
        Assert.Equal(InvoiceStatus.Matched, InvoiceRules.StatusOf(lines!));
        Assert.Equal(200, lines![0].PriceVarianceMinor);
    }

    [Fact]
    public void A_price_beyond_the_tolerance_is_an_exception_with_its_variance()
    {
        var (lines, _) = InvoiceRules.Match(Po(), [new InvoicedLine(1, 10, 1_100)], ProcurementPolicy.Default);
        Assert.Equal(InvoiceStatus.Exception, InvoiceRules.StatusOf(lines!));
        Assert.Equal([VarianceReason.Price], lines![0].Reasons);
        Assert.Equal(1_000, lines[0].PriceVarianceMinor);
        Assert.Equal(1_000, lines[0].VarianceMinor);
    }

    [Fact]
    public void A_price_under_the_po_beyond_the_tolerance_is_an_exception_too()
    {
        var (lines, _) = InvoiceRules.Match(Po(), [new InvoicedLine(1, 10, 900)], ProcurementPolicy.Default);
        Assert.Equal([VarianceReason.Price], lines![0].Reasons);
        Assert.Equal(-1_000, lines[0].VarianceMinor);
    }

    [Fact]
    public void Invoicing_more_than_stocked_and_not_yet_invoiced_is_a_quantity_variance()
    {
        var (lines, _) = InvoiceRules.Match(Po(stocked: 10, invoiced: 6), [new InvoicedLine(1, 6, 1_000)], ProcurementPolicy.Default);
        Assert.Equal([VarianceReason.Quantity], lines![0].Reasons);
        Assert.Equal(4, lines[0].MatchableQuantity);
        Assert.Equal(2, lines[0].QuantityVariance);
        Assert.Equal(2_000, lines[0].VarianceMinor);
    }

    [Fact]
    public void The_quantity_tolerance_allows_a_little_over()
    {
        var policy = ProcurementPolicy.Default with { QuantityTolerancePercent = 10 };
        var (lines, _) = InvoiceRules.Match(Po(stocked: 10), [new InvoicedLine(1, 11, 1_000)], policy);
        Assert.True(lines![0].Within);
    }

    [Fact]
    public void Invoicing_less_than_received_is_a_partial_invoice_not_a_variance()
    {
        var (lines, _) = InvoiceRules.Match(Po(stocked: 10), [new InvoicedLine(1, 4, 1_000)], ProcurementPolicy.Default);
        Assert.True(lines![0].Within);
        Assert.Equal(0, lines[0].VarianceMinor);
    }

    [Fact]
    public void A_line_the_po_does_not_have_is_an_unknown_reference()
    {
        var (lines, problem) = InvoiceRules.Match(Po(), [new InvoicedLine(7, 1, 1_000)], ProcurementPolicy.Default);
        Assert.Null(lines);
        Assert.NotNull(problem);
        Assert.Equal(422, problem!.StatusCode);
    }

    [Fact]
    public void Matching_raises_the_po_lines_invoiced_and_rejecting_gives_it_back()
    {
        var po = Po();
        var (lines, _) = InvoiceRules.Match(po, [new InvoicedLine(1, 4, 1_000)], ProcurementPolicy.Default);
        var invoiced = InvoiceRules.Invoice(po, lines!);
        Assert.Equal(4, invoiced.Line(1)!.Invoiced);
        Assert.Equal(0, InvoiceRules.Invoice(invoiced, lines!, sign: -1).Line(1)!.Invoiced);
    }

    [Fact]
    public void Totals_add_tax_and_freight_and_credits_lower_the_open_amount()
    {
        var (lines, _) = InvoiceRules.Match(Po(), [new InvoicedLine(1, 10, 1_100)], ProcurementPolicy.Default);
        var invoice = InvoiceRules.WithTotals(new Invoice
        {
            InvoiceGuid = "i",
            VendorInvoiceNumber = "INV-1",
            VendorGuid = "v-1",
            VendorCode = "acme",
            PoGuid = "p",
            PoNumber = "PO-1",
            Currency = "EUR",
            InvoiceDate = new DateOnly(2026, 12, 1),
            Lines = lines!,
            TaxMinor = 500,
            FreightMinor = 250,
            MatchedBy = "u",
        });
        Assert.Equal(11_000, invoice.SubtotalMinor);
        Assert.Equal(11_750, invoice.TotalMinor);
        Assert.Equal(11_750, invoice.OpenMinor);
        Assert.Equal(1_000, invoice.VarianceMinor);
        Assert.Equal(10_750, InvoiceRules.ApplyCredit(invoice, 1_000).OpenMinor);
    }

    [Fact]
    public void Only_an_issued_po_is_invoiceable()
    {
        Assert.False(InvoiceRules.IsInvoiceable(PoStatus.Draft));
        Assert.False(InvoiceRules.IsInvoiceable(PoStatus.Cancelled));
        Assert.True(InvoiceRules.IsInvoiceable(PoStatus.PartiallyReceived));
    }

    [Fact]
    public void The_invoice_number_is_unique_per_vendor_whatever_its_case()
    {
        Assert.Equal(Invoice.UniqueNumber("v", " inv-1 "), Invoice.UniqueNumber("v", "INV-1"));
        Assert.NotEqual(Invoice.UniqueNumber("v", "INV-1"), Invoice.UniqueNumber("w", "INV-1"));
    }

    [Fact]
    public void A_matched_invoice_is_disputed_before_it_is_resolved()
    {
        Assert.NotNull(Invoice.Lifecycle.Check(InvoiceStatus.Matched, InvoiceStatus.Approved));
        Assert.Null(Invoice.Lifecycle.Check(InvoiceStatus.Matched, InvoiceStatus.Disputed));
        Assert.Null(Invoice.Lifecycle.Check(InvoiceStatus.Disputed, InvoiceStatus.Rejected));
        Assert.NotNull(Invoice.Lifecycle.Check(InvoiceStatus.Rejected, InvoiceStatus.Disputed));
    }
}

public sealed class PayablesRtvTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static Receipt Receipt(DateTimeOffset receivedAt, ReceiptStatus status = ReceiptStatus.Stocked, long returned = 0) => new()
    {
        ReceiptGuid = "r-1",
        PoGuid = "p-1",
        PoNumber = "PO-1",
        VendorGuid = "v-1",
        FacilityCode = "store-1",
        Currency = "EUR",
        Lines = [new ReceiptLine(1, "var-1", 10, 700, ReceiveInto.Available) { Returned = returned }],
        Status = status,
        ReceivedBy = "u",
        ReceivedAt = receivedAt,
    };

    private static (IReadOnlyList<RtvLine>? Lines, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Problem) Check(Receipt receipt, long quantity,
        int? windowDays = 30) =>
        RtvRules.Check("v-1", windowDays, new Dictionary<string, Receipt> { [receipt.ReceiptGuid] = receipt }, [new ReturnedLine("r-1", 1, quantity, "damaged")], Now);

    private static string? Code(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? problem) =>
        problem?.ProblemDetails.Extensions.TryGetValue("code", out var code) == true ? code as string : null;

    [Fact]
    public void A_stocked_receipt_inside_the_window_goes_back_at_its_unit_cost()
    {
        var (lines, problem) = Check(Receipt(Now.AddDays(-3)), 4);
        Assert.Null(problem);
        Assert.Equal(2_800, lines![0].AmountMinor);
        Assert.Equal("store-1", lines[0].FacilityCode);
    }

    [Fact]
    public void A_receipt_older_than_the_window_cannot_go_back()
    {
        Assert.Equal("rtv_window_expired", Code(Check(Receipt(Now.AddDays(-31)), 1).Problem));
        Assert.Equal("rtv_window_expired", Code(Check(Receipt(Now.AddMinutes(-1)), 1, windowDays: 0).Problem));
    }

    [Fact]
    public void No_more_than_received_minus_returned_goes_back()
    {
        Assert.Equal("exceeds_returnable", Code(Check(Receipt(Now.AddDays(-1), returned: 8), 3).Problem));
        Assert.Null(Check(Receipt(Now.AddDays(-1), returned: 8), 2).Problem);
    }

    [Fact]
    public void A_receipt_not_yet_stocked_cannot_go_back()
    {
        Assert.Equal("receipt_not_stocked", Code(Check(Receipt(Now.AddDays(-1), ReceiptStatus.Recorded), 1).Problem));
    }

    [Fact]
    public void Returning_raises_the_receipt_line_and_the_po_line_returned()
    {
        var receipt = Receipt(Now.AddDays(-1));
        var (lines, _) = Check(receipt, 4);
        Assert.Equal(6, RtvRules.Return(receipt, lines!).Lines[0].Returnable);
        var po = new PurchaseOrder
        {
            PoGuid = "p-1",
            PoNumber = "PO-1",
            VendorGuid = "v-1",
            VendorCode = "acme",
            ShipToFacilityCode = "store-1",
            Currency = "EUR",
            Lines = [new PoLine(1, "var-1", 10, 700)],
            CreatedBy = "u",
        };
        Assert.Equal(4, RtvRules.Return(po, lines!).Line(1)!.Returned);
    }

    [Fact]
    public void A_credit_applied_in_full_is_applied()
    {
        var credit = new VendorCredit
        {
            CreditGuid = "c",
            VendorGuid = "v-1",
            VendorCode = "acme",
            Currency = "EUR",
            AmountMinor = 1_000,
            RemainingMinor = 1_000,
            Source = CreditSource.Rtv,
            SourceGuid = "rtv",
            CreatedBy = "u",
        };
        Assert.Equal(CreditStatus.Open, credit.Apply(400, "i").Status);
        Assert.Equal(CreditStatus.Applied, credit.Apply(400, "i").Apply(600, "i").Status);
    }
}

public sealed class PayablesPerformanceTests
{
    [Fact]
    public void A_completed_po_counts_its_lines_on_time_and_its_fill()
    {
        var issued = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        var po = new PurchaseOrder
        {
            PoGuid = "p",
            PoNumber = "PO-1",
            VendorGuid = "v",
            VendorCode = "acme",
            ShipToFacilityCode = "store-1",
            Currency = "EUR",
            Terms = new PoTerms(null, 7, null, null),
            IssuedAt = issued,
            Status = PoStatus.Closed,
            Lines =
            [
                new PoLine(1, "a", 10, 100) { Received = 10, ReceivedAt = issued.AddDays(5), Status = PoLineStatus.Received },
                new PoLine(2, "b", 10, 100) { Received = 10, ReceivedAt = issued.AddDays(9), Status = PoLineStatus.Received },
                new PoLine(3, "c", 10, 100) { Received = 4, Status = PoLineStatus.Closed },
                new PoLine(4, "d", 10, 100) { Status = PoLineStatus.Cancelled },
            ],
            CreatedBy = "u",
        };
        var view = VendorPerformanceView.Of(PerformanceRules.Empty("v", "acme").Add(PerformanceRules.FromPo(po)));
        Assert.Equal(3, view.LinesCompleted);
        Assert.Equal(1, view.LinesOnTime);
        Assert.Equal(0.3333m, view.OnTimeRate);
        Assert.Equal(0.8m, view.FillRate);
        Assert.Null(view.PriceVariancePercent);
    }
}
