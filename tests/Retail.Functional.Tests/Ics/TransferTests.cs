using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Ics.Stock;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Ics;

/// <summary>
/// Stock for the transfer and replenishment tests. It arrives through the ledger itself (a receipt movement), so these
/// tests do not depend on the receiving area; balances are the positions every stock read shows.
/// </summary>
internal static class TransferSteps
{
    public static async Task Seed(this IcsHost host, IcsOrg org, string facilityCode, string variantGuid, long quantity)
    {
        using var scope = host.Factory.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<StockLedger>();
        var result = await ledger.ApplyAsync(org.Orgcode, [new StockMove(facilityCode, variantGuid, null, StockState.Available, quantity)],
            new MoveReason("receipt", new StockReference("po", $"po-{Guid.NewGuid():N}")));
        Assert.True(result.Succeeded, "seeding stock failed");
    }

    /// <summary>The variant's position at the facility (zeros when it has none).</summary>
    public static async Task<Position> Balance(this IcsHost host, IcsOrg org, string facilityCode, string variantGuid)
    {
        using var scope = host.Factory.Services.CreateScope();
        var positions = scope.ServiceProvider.GetRequiredService<RecordStore<Position>>();
        return (await positions.GetAsync(org.Orgcode, Position.KeyOf(facilityCode, variantGuid)))?.Record
            ?? new Position { FacilityCode = facilityCode, VariantGuid = variantGuid };
    }

    public static Task<HttpResponseMessage> As(this TestUser user, IcsOrg org, string path, object body) => user.Client.Post(path, body, org.Orgcode);

    /// <summary>A draft transfer of the given lines from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static Task<JsonElement> DraftTransfer(this IcsOrg org, string from, string to, params (string Variant, long Quantity)[] lines) =>
        org.Post("/ics/transfer/request/create", new
        {
            from_facility_code = from,
            to_facility_code = to,
            lines = lines.Select(l => new { variant_guid = l.Variant, quantity = l.Quantity }).ToArray(),
            reason = "rebalance",
        }).Ok(HttpStatusCode.Created);

    /// <summary>A transfer created and submitted by the owner and approved by a second admin: answers the approved transfer.</summary>
    public static async Task<JsonElement> ApprovedTransfer(this IcsOrg org, TestUser approver, string from, string to,
        params (string Variant, long Quantity)[] lines)
    {
        var draft = await org.DraftTransfer(from, to, lines);
        var submitted = await org.Post("/ics/transfer/request/submit", new { transfer_guid = Key(draft), expected_revision = Revision(draft) }).Ok();
        return await approver.As(org, "/ics/transfer/request/approve",
            new { transfer_guid = Key(submitted), expected_revision = Revision(submitted), approve = true }).Ok();
    }

    /// <summary>A fresh org and a second admin (an approver who is not the requester).</summary>
    public static async Task<(IcsOrg Org, TestUser Admin)> OrgWithApprover(this IcsHost host)
    {
        var org = await host.NewOrgAsync();
        var admin = host.Factory.NewUser("approver");
        await org.Owner.Join(org.Orgcode, admin, "admin");
        return (org, admin);
    }

    public static string Key(JsonElement transfer) => transfer.GetProperty("transfer_guid").GetString()!;

    public static long Revision(JsonElement record) => record.GetProperty("revision").GetInt64();

    public static JsonElement Line(JsonElement record, string variant) =>
        record.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("variant_guid").GetString() == variant);
}

public sealed class TransferTests(IcsHost host) : IClassFixture<IcsHost>
{
    [Fact]
    public async Task UC_ICS_003_a_transfer_is_requested_approved_by_someone_else_shipped_and_received_short_with_the_discrepancy_reported()
    {
        var (org, admin) = await host.OrgWithApprover();
        var (tees, polos) = (org.Variants[0], org.Variants[1]);
        await host.Seed(org, "dc-1", tees, 100);
        await host.Seed(org, "dc-1", polos, 20);

        var draft = await org.DraftTransfer("dc-1", "store-1", (tees, 30), (polos, 10));
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal(40, draft.GetProperty("requested_total").GetInt64());
        var guid = TransferSteps.Key(draft);
        var submitted = await org.Post("/ics/transfer/request/submit", new { transfer_guid = guid, expected_revision = 1 }).Ok();
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());

        await org.Post("/ics/transfer/request/approve", new { transfer_guid = guid, expected_revision = 2, approve = true })
            .Problem(HttpStatusCode.Forbidden, "segregation_of_duties");
        var approved = await admin.As(org, "/ics/transfer/request/approve", new { transfer_guid = guid, expected_revision = 2, approve = true, note = "ok" })
            .Ok();
        Assert.Equal("approved", approved.GetProperty("status").GetString());

        await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = guid, expected_revision = 3, lines = new[] { new { variant_guid = tees, quantity = 31L } },
        }).Problem(HttpStatusCode.UnprocessableEntity, "exceeds_approved");

        var shipped = await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = guid,
            expected_revision = 3,
            carrier = "dhl",
            tracking = "JD0001",
            lines = new[] { new { variant_guid = tees, quantity = 30L }, new { variant_guid = polos, quantity = 10L } },
        }).Ok(HttpStatusCode.Created);
        var shipment = shipped.GetProperty("shipment");
        Assert.Equal("in_transit", shipment.GetProperty("status").GetString());
        Assert.Equal("shipped", shipped.GetProperty("transfer").GetProperty("status").GetString());
        Assert.Equal(40, shipped.GetProperty("transfer").GetProperty("shipped_total").GetInt64());
        // One change: out of the source, in transit at the destination; the org's total is unchanged.
        Assert.Equal(70, (await host.Balance(org, "dc-1", tees)).Available);
        var arriving = await host.Balance(org, "store-1", tees);
        Assert.Equal((0, 30), (arriving.Available, arriving.InTransit));

        var shipmentGuid = shipment.GetProperty("shipment_guid").GetString();
        await org.Post("/ics/transfer/shipment/receive", new
        {
            shipment_guid = shipmentGuid, expected_revision = 1,
            lines = new[] { new { variant_guid = tees, received = 31L }, new { variant_guid = polos, received = 10L } },
        }).Problem(HttpStatusCode.UnprocessableEntity, "over_receipt");
        await org.Post("/ics/transfer/shipment/receive", new
        {
            shipment_guid = shipmentGuid, expected_revision = 1, lines = new[] { new { variant_guid = tees, received = 28L } },
        }).Problem(HttpStatusCode.UnprocessableEntity, "receipt_lines_mismatch");
        var received = await org.Post("/ics/transfer/shipment/receive", new
        {
            shipment_guid = shipmentGuid,
            expected_revision = 1,
            lines = new[] { new { variant_guid = tees, received = 28L }, new { variant_guid = polos, received = 10L } },
        }).Ok();
        Assert.Equal("received", received.GetProperty("shipment").GetProperty("status").GetString());
        Assert.Equal(2, TransferSteps.Line(received.GetProperty("shipment"), tees).GetProperty("short").GetInt64());
        Assert.Equal("received", received.GetProperty("transfer").GetProperty("status").GetString());
        var landed = await host.Balance(org, "store-1", tees);
        Assert.Equal((28, 0), (landed.Available, landed.InTransit));
        Assert.Equal((10, 0), ((await host.Balance(org, "store-1", polos)).Available, (await host.Balance(org, "store-1", polos)).InTransit));

        await org.Post("/ics/transfer/shipment/receive", new
        {
            shipment_guid = shipmentGuid, expected_revision = 2,
            lines = new[] { new { variant_guid = tees, received = 2L }, new { variant_guid = polos, received = 0L } },
        }).Problem(HttpStatusCode.Conflict, "invalid_transition");

        var report = await org.Post("/ics/transfer/report", new { from_facility_code = "dc-1" }).Ok();
        var row = report.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("transfer_guid").GetString() == guid);
        Assert.Equal((40L, 40L, 38L, 2L), (row.GetProperty("requested").GetInt64(), row.GetProperty("shipped").GetInt64(),
            row.GetProperty("received").GetInt64(), row.GetProperty("discrepancy").GetInt64()));
        Assert.Equal("received", row.GetProperty("status").GetString());

        var line = TransferSteps.Line(await org.Post("/ics/transfer/request/get", new { transfer_guid = guid }).Ok(), tees);
        Assert.Equal((30L, 28L, 2L), (line.GetProperty("shipped").GetInt64(), line.GetProperty("received").GetInt64(), line.GetProperty("short").GetInt64()));
        var listed = await org.Post("/ics/transfer/shipment/list", new { transfer_guid = guid }).Ok();
        Assert.Single(listed.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task shipping_more_than_is_available_is_refused_whole_and_changes_nothing()
    {
        var (org, admin) = await host.OrgWithApprover();
        var (tees, polos) = (org.Variants[2], org.Variants[3]);
        await host.Seed(org, "dc-1", tees, 5);
        await host.Seed(org, "dc-1", polos, 50);
        var approved = await org.ApprovedTransfer(admin, "dc-1", "store-1", (tees, 10), (polos, 10));

        var refused = await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = TransferSteps.Key(approved),
            expected_revision = TransferSteps.Revision(approved),
            lines = new[] { new { variant_guid = tees, quantity = 10L }, new { variant_guid = polos, quantity = 10L } },
        }).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal(tees, refused.GetProperty("shortfalls")[0].GetProperty("variant_guid").GetString());

        Assert.Equal(50, (await host.Balance(org, "dc-1", polos)).Available);
        Assert.Equal(0, (await host.Balance(org, "store-1", polos)).InTransit);
        var unchanged = await org.Post("/ics/transfer/request/get", new { transfer_guid = TransferSteps.Key(approved) }).Ok();
        Assert.Equal(("approved", TransferSteps.Revision(approved), 0L),
            (unchanged.GetProperty("status").GetString(), TransferSteps.Revision(unchanged), unchanged.GetProperty("shipped_total").GetInt64()));
        Assert.Empty((await org.Post("/ics/transfer/shipment/list", new { transfer_guid = TransferSteps.Key(approved) }).Ok())
            .GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task a_transfer_shipped_in_parts_is_received_only_when_everything_approved_has_arrived()
    {
        var (org, admin) = await host.OrgWithApprover();
        var tees = org.Variants[4];
        await host.Seed(org, "dc-1", tees, 10);
        var approved = await org.ApprovedTransfer(admin, "dc-1", "store-1", (tees, 10));
        var guid = TransferSteps.Key(approved);

        var first = await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = guid, expected_revision = TransferSteps.Revision(approved), lines = new[] { new { variant_guid = tees, quantity = 4L } },
        }).Ok(HttpStatusCode.Created);
        // A stale revision of the transfer is refused before any stock moves.
        await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = guid, expected_revision = TransferSteps.Revision(approved), lines = new[] { new { variant_guid = tees, quantity = 6L } },
        }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(6, (await host.Balance(org, "dc-1", tees)).Available);

        var afterFirst = await org.Post("/ics/transfer/shipment/receive", new
        {
            shipment_guid = first.GetProperty("shipment").GetProperty("shipment_guid").GetString(), expected_revision = 1,
            lines = new[] { new { variant_guid = tees, received = 4L } },
        }).Ok();
        Assert.Equal("shipped", afterFirst.GetProperty("transfer").GetProperty("status").GetString());

        var second = await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = guid, expected_revision = TransferSteps.Revision(afterFirst.GetProperty("transfer")),
            lines = new[] { new { variant_guid = tees, quantity = 6L } },
        }).Ok(HttpStatusCode.Created);
        await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = guid, expected_revision = TransferSteps.Revision(second.GetProperty("transfer")),
            lines = new[] { new { variant_guid = tees, quantity = 1L } },
        }).Problem(HttpStatusCode.UnprocessableEntity, "exceeds_approved");
        var afterSecond = await org.Post("/ics/transfer/shipment/receive", new
        {
            shipment_guid = second.GetProperty("shipment").GetProperty("shipment_guid").GetString(), expected_revision = 1,
            lines = new[] { new { variant_guid = tees, received = 6L } },
        }).Ok();
        Assert.Equal("received", afterSecond.GetProperty("transfer").GetProperty("status").GetString());
        Assert.Equal(0, afterSecond.GetProperty("transfer").GetProperty("discrepancy").GetInt64());
        var store = await host.Balance(org, "store-1", tees);
        Assert.Equal((10, 0), (store.Available, store.InTransit));
        Assert.Equal(0, (await host.Balance(org, "dc-1", tees)).Available);

        var byStatus = await org.Post("/ics/transfer/shipment/list", new { transfer_guid = guid, status = "received" }).Ok();
        Assert.Equal(2, byStatus.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task the_lifecycle_allows_only_its_moves_and_every_change_names_its_revision()
    {
        var (org, admin) = await host.OrgWithApprover();
        var tees = org.Variants[0];
        var draft = await org.DraftTransfer("dc-1", "store-1", (tees, 3));
        var guid = TransferSteps.Key(draft);

        await admin.As(org, "/ics/transfer/request/approve", new { transfer_guid = guid, expected_revision = 1, approve = true })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = tees, quantity = 1L } },
        }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ics/transfer/request/submit", new { transfer_guid = guid }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/transfer/request/submit", new { transfer_guid = guid, expected_revision = 7 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/ics/transfer/request/submit", new { transfer_guid = guid, expected_revision = 1 }).Ok();

        var member = host.Factory.NewUser("member");
        await org.Owner.Join(org.Orgcode, member, "member");
        await member.As(org, "/ics/transfer/request/approve", new { transfer_guid = guid, expected_revision = 2, approve = true })
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var rejected = await admin.As(org, "/ics/transfer/request/approve", new { transfer_guid = guid, expected_revision = 2, approve = false, note = "not now" })
            .Ok();
        Assert.Equal(("rejected", "not now"), (rejected.GetProperty("status").GetString(), rejected.GetProperty("decision_note").GetString()));
        await org.Post("/ics/transfer/request/cancel", new { transfer_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");

        var other = await org.DraftTransfer("store-1", "dc-1", (tees, 1));
        var cancelled = await org.Post("/ics/transfer/request/cancel", new { transfer_guid = TransferSteps.Key(other), expected_revision = 1 }).Ok();
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());

        var byStatus = await org.Post("/ics/transfer/request/list", new { status = "rejected" }).Ok();
        Assert.Equal(guid, byStatus.GetProperty("items").EnumerateArray().Single().GetProperty("transfer_guid").GetString());
        var byRoute = await org.Post("/ics/transfer/request/list", new { from_facility_code = "store-1", to_facility_code = "dc-1" }).Ok();
        Assert.Equal(TransferSteps.Key(other), byRoute.GetProperty("items").EnumerateArray().Single().GetProperty("transfer_guid").GetString());
    }

    [Fact]
    public async Task a_request_names_two_different_active_facilities_and_known_variants()
    {
        var org = await host.NewOrgAsync();
        var tees = org.Variants[0];
        object Body(string from, string to, string variant, long quantity) =>
            new { from_facility_code = from, to_facility_code = to, lines = new[] { new { variant_guid = variant, quantity } } };

        await org.Post("/ics/transfer/request/create", Body("dc-1", "DC-1", tees, 1)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/transfer/request/create", Body("dc-1", "store-1", tees, 0)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/transfer/request/create", new { from_facility_code = "dc-1", to_facility_code = "store-1", lines = Array.Empty<object>() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/transfer/request/create", new
        {
            from_facility_code = "dc-1", to_facility_code = "store-1",
            lines = new[] { new { variant_guid = tees, quantity = 1L }, new { variant_guid = tees.ToUpperInvariant(), quantity = 2L } },
        }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/transfer/request/create", Body("dc-9", "store-1", tees, 1)).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/transfer/request/create", Body("dc-1", "store-1", Guid.CreateVersion7().ToString(), 1))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }

    [Fact]
    public async Task another_org_sees_none_of_the_transfers_or_shipments()
    {
        var (org, admin) = await host.OrgWithApprover();
        var tees = org.Variants[5];
        await host.Seed(org, "dc-1", tees, 5);
        var approved = await org.ApprovedTransfer(admin, "dc-1", "store-1", (tees, 5));
        var shipped = await org.Post("/ics/transfer/shipment/record", new
        {
            transfer_guid = TransferSteps.Key(approved), expected_revision = TransferSteps.Revision(approved),
            lines = new[] { new { variant_guid = tees, quantity = 5L } },
        }).Ok(HttpStatusCode.Created);
        var shipmentGuid = shipped.GetProperty("shipment").GetProperty("shipment_guid").GetString();

        var other = await host.NewOrgAsync("icsb");
        await other.Post("/ics/transfer/request/get", new { transfer_guid = TransferSteps.Key(approved) }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/transfer/shipment/get", new { shipment_guid = shipmentGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/transfer/shipment/receive", new
        {
            shipment_guid = shipmentGuid, expected_revision = 1, lines = new[] { new { variant_guid = tees, received = 5L } },
        }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await other.Post("/ics/transfer/request/list", new { }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Empty((await other.Post("/ics/transfer/report", new { }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Empty((await other.Post("/ics/transfer/shipment/list", new { }).Ok()).GetProperty("items").EnumerateArray());
        // Org A's shipment is still in transit, untouched.
        Assert.Equal(5, (await host.Balance(org, "store-1", tees)).InTransit);
    }
}
