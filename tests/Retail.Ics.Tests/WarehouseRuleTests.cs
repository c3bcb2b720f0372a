using Retail.Ics.Stock;
using Retail.Ics.Warehouse;

namespace Retail.Ics.Tests;

public sealed class WarehouseRuleTests
{
    private static readonly string Tee = Guid.CreateVersion7().ToString();
    private static readonly string Cap = Guid.CreateVersion7().ToString();

    private static Receipt ReceiptOf(params ReceiptLine[] lines) => new()
    {
        ReceiptGuid = Guid.CreateVersion7().ToString(),
        ChangeGuid = Guid.CreateVersion7().ToString(),
        FacilityCode = "dc-1",
        Reference = new StockReference("po", "PO-1"),
        Lines = lines,
        Status = Receipt.StatusOf(lines),
    };

    [Fact]
    public void a_receipt_is_complete_when_nothing_is_on_hold_and_partially_qcd_once_qc_started()
    {
        Assert.Equal(ReceiptStatus.Complete, Receipt.StatusOf([new ReceiptLine(Tee, 5, StockState.Available, null)]));
        Assert.Equal(ReceiptStatus.Received, Receipt.StatusOf([new ReceiptLine(Tee, 5, StockState.QcHold, null)]));
        Assert.Equal(ReceiptStatus.PartiallyQcd, Receipt.StatusOf([new ReceiptLine(Tee, 5, StockState.QcHold, null, QcPassed: 2)]));
        Assert.Equal(ReceiptStatus.Complete, Receipt.StatusOf([new ReceiptLine(Tee, 5, StockState.QcHold, null, QcPassed: 2, QcFailed: 3)]));
    }

    [Fact]
    public void qc_moves_passed_to_available_and_failed_to_damaged_and_counts_them_on_the_line()
    {
        var receipt = ReceiptOf(new ReceiptLine(Tee, 10, StockState.QcHold, "a-01"), new ReceiptLine(Cap, 4, StockState.Available, null));
        var outcome = QcDecision.Decide(receipt, [new QcLine(Tee, 6, 1)]);
        Assert.Null(outcome.OverdrawnField);
        Assert.Equal(
            [new StockMove("dc-1", Tee, StockState.QcHold, StockState.Available, 6), new StockMove("dc-1", Tee, StockState.QcHold, StockState.Damaged, 1)],
            outcome.Moves);
        Assert.Equal((6, 1, 3), (outcome.Lines[0].QcPassed, outcome.Lines[0].QcFailed, outcome.Lines[0].OnHold));
        Assert.Equal(ReceiptStatus.PartiallyQcd, Receipt.StatusOf(outcome.Lines));
    }

    [Fact]
    public void qc_beyond_what_is_on_hold_or_of_a_line_not_on_hold_is_refused_naming_the_line()
    {
        var receipt = ReceiptOf(new ReceiptLine(Tee, 10, StockState.QcHold, null, QcPassed: 8), new ReceiptLine(Cap, 4, StockState.Available, null));
        Assert.Equal("lines[0]", QcDecision.Decide(receipt, [new QcLine(Tee, 2, 1)]).OverdrawnField);
        Assert.Equal("lines[1]", QcDecision.Decide(receipt, [new QcLine(Tee, 1, 0), new QcLine(Tee, 1, 1)]).OverdrawnField);
        Assert.Equal("lines[0].variant_guid", QcDecision.Decide(receipt, [new QcLine(Cap, 1, 0)]).OverdrawnField);
        Assert.Empty(QcDecision.Decide(receipt, [new QcLine(Tee, 2, 1)]).Moves);
    }

    [Theory]
    [InlineData(AdjustmentReason.Damage, -3, StockState.Available, StockState.Damaged, 3)]
    [InlineData(AdjustmentReason.Shrink, -2, StockState.Available, null, 2)]
    [InlineData(AdjustmentReason.Found, 5, null, StockState.Available, 5)]
    [InlineData(AdjustmentReason.Correction, -1, StockState.Available, null, 1)]
    [InlineData(AdjustmentReason.Correction, 4, null, StockState.Available, 4)]
    public void an_adjustment_moves_stock_by_its_reason_and_sign(AdjustmentReason reason, long quantity, StockState? from, StockState? to, long moved)
    {
        var adjustment = new Adjustment
        {
            AdjustmentGuid = Guid.CreateVersion7().ToString(),
            ChangeGuid = Guid.CreateVersion7().ToString(),
            FacilityCode = "store-1",
            VariantGuid = Tee,
            Quantity = quantity,
            Reason = reason,
        };
        Assert.Equal(new StockMove("store-1", Tee, from, to, moved), adjustment.Move());
    }
}
