using Retail.Ics.Stock;
using Retail.Ics.Transfers;

namespace Retail.Ics.Tests;

/// <summary>A transfer's shipments and receipts, and the ledger moves they make, as pure rules.</summary>
public sealed class TransferRuleTests
{
    private const string Tees = "0190a000-0000-7000-8000-000000000001";
    private const string Polos = "0190a000-0000-7000-8000-000000000002";

    private static Transfer Approved(params TransferLine[] lines) => new()
    {
        TransferGuid = "0190a000-0000-7000-8000-0000000000ff",
        FromFacilityCode = "dc-1",
        ToFacilityCode = "store-1",
        Status = TransferStatus.Approved,
        Lines = lines,
        RequestedBy = "user-a",
        RequestedTotal = lines.Sum(l => l.Quantity),
    };

    [Fact]
    public void a_shipment_may_take_what_is_approved_and_not_yet_shipped_and_no_more()
    {
        var transfer = Approved(new TransferLine(Tees, 10, Shipped: 4));
        Assert.Null(TransferRules.CheckShipment(transfer, [new TransferLine(Tees, 6)]));
        Assert.Equal("exceeds_approved", Code(TransferRules.CheckShipment(transfer, [new TransferLine(Tees, 7)])));
        Assert.Equal("unknown_reference", Code(TransferRules.CheckShipment(transfer, [new TransferLine(Polos, 1)])));
    }

    [Fact]
    public void a_shipment_leaves_the_source_and_is_in_transit_at_the_destination_in_one_change()
    {
        var moves = TransferRules.ShipmentMoves(Approved(new TransferLine(Tees, 5)), [new TransferLine(Tees, 5)]);
        Assert.Equal(
        [
            new StockMove("dc-1", Tees, StockState.Available, null, 5),
            new StockMove("store-1", Tees, null, StockState.InTransit, 5),
        ], moves);
    }

    [Fact]
    public void shipping_adds_to_the_lines_and_opens_a_shipment()
    {
        var shipped = TransferRules.Ship(Approved(new TransferLine(Tees, 10), new TransferLine(Polos, 3)), [new TransferLine(Tees, 4)]);
        Assert.Equal((TransferStatus.Shipped, 4L, 1), (shipped.Status, shipped.ShippedTotal, shipped.OpenShipments));
        Assert.Equal([4L, 0L], shipped.Lines.Select(l => l.Shipped));
    }

    [Fact]
    public void a_receipt_names_every_shipped_variant_once_and_never_more_than_shipped()
    {
        var shipment = TransferShipment(new ShipmentLine(Tees, 5), new ShipmentLine(Polos, 2));
        Assert.Equal("receipt_lines_mismatch", Code(TransferRules.Receive(shipment, [new ReceivedQuantity(Tees, 5)]).Problem));
        Assert.Equal("over_receipt", Code(TransferRules.Receive(shipment, [new ReceivedQuantity(Tees, 6), new ReceivedQuantity(Polos, 2)]).Problem));
        var (lines, problem) = TransferRules.Receive(shipment, [new ReceivedQuantity(Tees.ToUpperInvariant(), 3), new ReceivedQuantity(Polos, 2)]);
        Assert.Null(problem);
        Assert.Equal([new ShipmentLine(Tees, 5, 3, 2), new ShipmentLine(Polos, 2, 2, 0)], lines);
    }

    [Fact]
    public void a_short_receipt_brings_in_what_arrived_and_writes_off_the_rest_as_a_transfer_short_loss()
    {
        var shipment = TransferShipment(new ShipmentLine(Tees, 5), new ShipmentLine(Polos, 2));
        var moves = TransferRules.ReceiptMoves(shipment, [new ShipmentLine(Tees, 5, 3, 2), new ShipmentLine(Polos, 2, 0, 2)]);
        Assert.Equal(
        [
            new StockMove("store-1", Tees, StockState.InTransit, StockState.Available, 3),
            new StockMove("store-1", Tees, StockState.InTransit, null, 2, Reason: "transfer_short"),
            new StockMove("store-1", Polos, StockState.InTransit, null, 2, Reason: "transfer_short"),
        ], moves);
    }

    [Fact]
    public void a_transfer_is_received_once_nothing_is_left_to_ship_and_no_shipment_is_open()
    {
        var partly = TransferRules.Ship(Approved(new TransferLine(Tees, 10)), [new TransferLine(Tees, 4)]);
        var first = TransferRules.ApplyReceipt(partly, [new ShipmentLine(Tees, 4, 4, 0)]);
        Assert.Equal((TransferStatus.Shipped, 0), (first.Status, first.OpenShipments));

        var rest = TransferRules.Ship(first, [new TransferLine(Tees, 6)]);
        var done = TransferRules.ApplyReceipt(rest, [new ShipmentLine(Tees, 6, 5, 1)]);
        Assert.Equal((TransferStatus.Received, 10L, 9L, 1L), (done.Status, done.ShippedTotal, done.ReceivedTotal, done.Discrepancy));
        Assert.Equal(new TransferLine(Tees, 10, 10, 9, 1), done.Lines.Single());
    }

    [Theory]
    [InlineData(TransferStatus.Draft, TransferStatus.Submitted, true)]
    [InlineData(TransferStatus.Draft, TransferStatus.Approved, false)]
    [InlineData(TransferStatus.Submitted, TransferStatus.Rejected, true)]
    [InlineData(TransferStatus.Approved, TransferStatus.Shipped, true)]
    [InlineData(TransferStatus.Approved, TransferStatus.Cancelled, false)]
    [InlineData(TransferStatus.Shipped, TransferStatus.Shipped, true)]
    [InlineData(TransferStatus.Received, TransferStatus.Shipped, false)]
    [InlineData(TransferStatus.Rejected, TransferStatus.Approved, false)]
    public void the_lifecycle_allows_only_its_moves(TransferStatus from, TransferStatus to, bool allowed) =>
        Assert.Equal(allowed, Transfer.Lifecycle.CanMove(from, to));

    private static TransferShipment TransferShipment(params ShipmentLine[] lines) => new()
    {
        ShipmentGuid = "0190a000-0000-7000-8000-0000000000aa",
        TransferGuid = "0190a000-0000-7000-8000-0000000000ff",
        FromFacilityCode = "dc-1",
        ToFacilityCode = "store-1",
        Lines = lines,
        ShippedBy = "user-b",
    };

    private static string? Code(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? problem) =>
        problem?.ProblemDetails.Extensions.TryGetValue("code", out var code) == true ? code?.ToString() : null;
}
