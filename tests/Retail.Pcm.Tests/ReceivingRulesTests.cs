using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Pcm.Buying;
using Retail.Pcm.Policy;
using Retail.Pcm.Receiving;

namespace Retail.Pcm.Tests;

public sealed class ReceivingRulesTests
{
    private const string Red = "0190a000-0000-7000-8000-000000000001";
    private const string Blue = "0190a000-0000-7000-8000-000000000002";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    private static PurchaseOrder Po(PoStatus status = PoStatus.Issued, params PoLine[] lines) => new()
    {
        PoGuid = "0190a000-0000-7000-8000-0000000000aa",
        PoNumber = "PO-1",
        VendorGuid = "0190a000-0000-7000-8000-0000000000bb",
        VendorCode = "acme",
        ShipToFacilityCode = "store-1",
        Currency = "EUR",
        Lines = lines.Length > 0 ? lines : [new PoLine(1, Red, 10, 500), new PoLine(2, Blue, 4, 700)],
        Status = status,
        CreatedBy = "buyer",
    };

    private static RecordReceiptRequest Ask(params ReceiptLineRequest[] lines) => new("0190a000-0000-7000-8000-0000000000aa", null, lines, "DN-1");

    private static ReceiptLineRequest L(int? poLineNo, string? variantGuid, long quantity, ReceiveInto? into, string? binCode) =>
        new(poLineNo, variantGuid, quantity, into, binCode);

    private static (Receipt? Receipt, ProblemHttpResult? Problem) Decide(PurchaseOrder po, RecordReceiptRequest request, ProcurementPolicy? policy = null) =>
        ReceiptsApi.Decide("org", request, po, policy ?? ProcurementPolicy.Default, "buyer", Now);

    [Fact]
    public void A_receipt_takes_each_lines_cost_from_the_po_and_lands_where_the_policy_says_unless_the_line_says_otherwise()
    {
        var (receipt, problem) = Decide(Po(), Ask(L(1, null, 6, null, "a-01"), L(null, Blue, 4, ReceiveInto.Available, null)),
            ProcurementPolicy.Default with { ReceiveInto = ReceiveInto.QcHold });
        Assert.Null(problem);
        Assert.Equal([(1, Red, 6L, 500L, ReceiveInto.QcHold, (string?)"a-01"), (2, Blue, 4L, 700L, ReceiveInto.Available, null)],
            receipt!.Lines.Select(l => (l.PoLineNo, l.VariantGuid, l.Quantity, l.UnitCostMinor, l.Into, l.BinCode)));
        Assert.Equal(("store-1", "EUR", Receipt.InstanceIdOf("org", receipt.ReceiptGuid)), (receipt.FacilityCode, receipt.Currency, receipt.WorkflowInstanceId));
    }

    [Fact]
    public void Receiving_beyond_the_tolerance_names_the_lines_and_within_it_passes()
    {
        var po = Po(PoStatus.PartiallyReceived, new PoLine(1, Red, 10, 500) { Received = 8 }, new PoLine(2, Blue, 4, 700));
        var (_, over) = Decide(po, Ask(L(1, null, 3, null, null), L(2, null, 4, null, null)));
        Assert.Equal("over_receipt", over!.ProblemDetails.Extensions["code"]);
        var lines = (IReadOnlyList<object>)over.ProblemDetails.Extensions["lines"]!;
        Assert.Equal(new OverReceiptLine(1, Red, 10, 8, 3, 2), Assert.Single(lines));

        var (within, problem) = Decide(po, Ask(L(1, null, 3, null, null)), ProcurementPolicy.Default with { OverReceiptTolerancePercent = 10 });
        Assert.Null(problem);
        Assert.Equal(3, within!.Lines[0].Quantity);
    }

    [Theory]
    [InlineData(PoStatus.Draft)]
    [InlineData(PoStatus.Approved)]
    [InlineData(PoStatus.Received)]
    [InlineData(PoStatus.Closed)]
    public void Only_an_issued_or_partially_received_po_takes_receipts(PoStatus status)
    {
        var (_, problem) = Decide(Po(status), Ask(L(1, null, 1, null, null)));
        Assert.Equal("po_not_receivable", problem!.ProblemDetails.Extensions["code"]);
    }

    [Fact]
    public void A_closed_line_an_unknown_line_and_a_line_named_twice_are_refused()
    {
        var po = Po(PoStatus.Issued, new PoLine(1, Red, 10, 500) { Status = PoLineStatus.Closed }, new PoLine(2, Blue, 4, 700));
        Assert.Equal("po_line_closed", Decide(po, Ask(L(1, null, 1, null, null))).Problem!.ProblemDetails.Extensions["code"]);
        Assert.Equal("unknown_reference", Decide(po, Ask(L(9, null, 1, null, null))).Problem!.ProblemDetails.Extensions["code"]);
        Assert.Equal(400, Decide(po, Ask(L(2, null, 1, null, null), L(null, Blue, 1, null, null))).Problem!.StatusCode);
    }

    [Fact]
    public void Stocking_raises_stocked_and_moves_lines_and_header_and_giving_back_lowers_received()
    {
        var po = Po();
        var first = Decide(po, Ask(L(1, null, 6, null, null), L(2, null, 4, null, null))).Receipt!;
        var received = ReceiptRules.Received(po, first);
        Assert.Equal([(6L, 0L), (4L, 0L)], received.Lines.Select(l => (l.Received, l.Stocked)));

        var stocked = ReceiptRules.Stocked(received, first, Now);
        Assert.Equal([(PoLineStatus.PartiallyReceived, 6L), (PoLineStatus.Received, 4L)], stocked.Lines.Select(l => (l.Status, l.Stocked)));
        Assert.Equal((PoStatus.PartiallyReceived, (DateTimeOffset?)Now), (stocked.Status, stocked.Lines[1].ReceivedAt));

        var second = Decide(stocked, Ask(L(1, null, 4, null, null))).Receipt!;
        var done = ReceiptRules.Stocked(ReceiptRules.Received(stocked, second), second, Now.AddDays(1));
        Assert.Equal(PoStatus.Received, done.Status);
        Assert.Equal(Now, done.Lines[1].ReceivedAt);

        var givenBack = ReceiptRules.GivenBack(ReceiptRules.Received(stocked, second), second);
        Assert.Equal([6L, 4L], givenBack.Lines.Select(l => l.Received));
        Assert.Equal(PoStatus.PartiallyReceived, givenBack.Status);
    }

    [Fact]
    public void A_closed_po_keeps_its_status_when_a_late_receipt_is_stocked()
    {
        var po = Po(PoStatus.Closed);
        var receipt = Decide(Po(), Ask(L(1, null, 10, null, null))).Receipt!;
        Assert.Equal(PoStatus.Closed, ReceiptRules.Stocked(po, receipt, Now).Status);
    }
}
