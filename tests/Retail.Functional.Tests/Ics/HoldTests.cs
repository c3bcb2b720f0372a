using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ics;

/// <summary>UC-ICS-002: reservations, allocations and commitments over HTTP, each change moving the stock it holds.</summary>
public sealed class HoldTests(IcsHost host) : IClassFixture<IcsHost>
{
    [Fact]
    public async Task UC_ICS_002_a_reservation_holds_stock_until_it_is_released_and_a_client_sees_it_by_reference()
    {
        var org = await host.NewOrgAsync();
        var tee = org.Variants[0];
        await org.Receive("store-1", tee, 10);

        var before = DateTimeOffset.UtcNow;
        var hold = await org.Reserve(tee, 3, orderId: "o-1").Ok(HttpStatusCode.Created);
        Assert.Equal("reserved", hold.GetProperty("stage").GetString());
        Assert.Equal("active", hold.GetProperty("status").GetString());
        Assert.Equal(1, HoldSteps.Revision(hold));
        Assert.Equal(tee, hold.GetProperty("lines")[0].GetProperty("variant_guid").GetString());
        Assert.Equal(3, hold.GetProperty("lines")[0].GetProperty("quantity").GetInt64());
        var expires = hold.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expires, before.AddSeconds(900), before.AddSeconds(960));
        var stock = await org.Stock("store-1", tee);
        Assert.Equal((7, 3), (stock.GetProperty("available").GetInt64(), stock.GetProperty("reserved").GetInt64()));

        var got = await org.Post("/ics/hold/get", new { hold_guid = HoldSteps.HoldGuid(hold) }).Ok();
        Assert.Equal(HoldSteps.HoldGuid(hold), HoldSteps.HoldGuid(got));
        var byOrder = await org.Post("/ics/hold/list", new { reference = new { kind = "order", id = "o-1" } }).Ok();
        Assert.Equal([HoldSteps.HoldGuid(hold)], byOrder.GetProperty("items").EnumerateArray().Select(HoldSteps.HoldGuid));
        var released = await org.Post("/ics/hold/list", new { facility_code = "store-1", variant_guid = tee, status = "released" }).Ok();
        Assert.Equal(0, released.GetProperty("items").GetArrayLength());

        await org.Post("/ics/reservation/release", new { hold_guid = HoldSteps.HoldGuid(hold) }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/reservation/release", new { hold_guid = HoldSteps.HoldGuid(hold), expected_revision = 5 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/ics/reservation/release", new { hold_guid = Guid.NewGuid().ToString(), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
        var done = await org.Post("/ics/reservation/release", new { hold_guid = HoldSteps.HoldGuid(hold), expected_revision = 1, reason = "cart abandoned" }).Ok();
        Assert.Equal("released", done.GetProperty("status").GetString());
        Assert.Equal("cart abandoned", done.GetProperty("status_reason").GetString());
        stock = await org.Stock("store-1", tee);
        Assert.Equal((10, 0), (stock.GetProperty("available").GetInt64(), stock.GetProperty("reserved").GetInt64()));
        // Ended is ended: nothing releases or expires it again.
        await org.Post("/ics/reservation/release", new { hold_guid = HoldSteps.HoldGuid(hold), expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ics/reservation/expire", new { hold_guid = HoldSteps.HoldGuid(hold), expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "store-1", tee)).Agrees);

        // Another org sees none of it.
        var other = await host.NewOrgAsync("icx");
        await other.Post("/ics/hold/get", new { hold_guid = HoldSteps.HoldGuid(hold) }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/reservation/release", new { hold_guid = HoldSteps.HoldGuid(hold), expected_revision = 2 })
            .Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_ICS_002_a_reservation_is_refused_for_bad_input_unknown_or_inactive_references_and_missing_stock()
    {
        var org = await host.NewOrgAsync();
        var tee = org.Variants[1];
        await org.Receive("store-1", tee, 2);

        await org.Reserve(tee, 0).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Reserve(tee, 1, ttlSeconds: 5).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Reserve(tee, 1, ttlSeconds: 604_801).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Reserve("not-a-guid", 1).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/reservation/create", new { facility_code = "store-1", variant_guid = tee, quantity = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Reserve(Guid.NewGuid().ToString(), 1).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Reserve(tee, 1, facilityCode: "nowhere").Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        var shortfall = await org.Reserve(tee, 3).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        var line = shortfall.GetProperty("shortfalls")[0];
        Assert.Equal((3, 2), (line.GetProperty("requested").GetInt64(), line.GetProperty("available").GetInt64()));
        // Nothing of a refused reservation stays behind.
        var stock = await org.Stock("store-1", tee);
        Assert.Equal((2, 0), (stock.GetProperty("available").GetInt64(), stock.GetProperty("reserved").GetInt64()));
        Assert.Equal(0, (await org.Post("/ics/hold/list", new { facility_code = "store-1", variant_guid = tee }).Ok()).GetProperty("items").GetArrayLength());

        await org.Post("/ics/hold/list", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/hold/list", new { facility_code = "store-1" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/hold/list", new { facility_code = "store-1", variant_guid = tee, reference = new { kind = "order", id = "o-1" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");
        await viewer.Client.Post("/ics/reservation/create",
                new { facility_code = "store-1", variant_guid = tee, quantity = 1, reference = new { kind = "order", id = "o-9" } }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UC_ICS_002_the_same_idempotency_key_twice_reserves_once()
    {
        var org = await host.NewOrgAsync();
        var tee = org.Variants[2];
        await org.Receive("store-1", tee, 5);
        var body = new { facility_code = "store-1", variant_guid = tee, quantity = 2, reference = new { kind = "order", id = "o-idem" } };
        var key = HttpJson.Headers(("Idempotency-Key", Guid.NewGuid().ToString()), ("x-orgcode", org.Orgcode));

        var first = await org.Owner.Client.PostJsonAsync("/ics/reservation/create", body, key).Ok(HttpStatusCode.Created);
        var again = await org.Owner.Client.PostJsonAsync("/ics/reservation/create", body, key).Ok(HttpStatusCode.Created);

        Assert.Equal(HoldSteps.HoldGuid(first), HoldSteps.HoldGuid(again));
        var stock = await org.Stock("store-1", tee);
        Assert.Equal((3, 2), (stock.GetProperty("available").GetInt64(), stock.GetProperty("reserved").GetInt64()));
        Assert.Equal(1, (await org.Post("/ics/hold/list", new { reference = new { kind = "order", id = "o-idem" } }).Ok()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task UC_ICS_002_a_reservation_is_allocated_then_committed_each_step_moving_its_stock_and_ending_the_step_before()
    {
        var org = await host.NewOrgAsync();
        var tee = org.Variants[3];
        await org.Receive("store-1", tee, 10);
        var reservation = await org.Reserve(tee, 4, orderId: "o-flow").Ok(HttpStatusCode.Created);

        await org.Post("/ics/allocation/create", new { hold_guid = HoldSteps.HoldGuid(reservation) })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/allocation/create", new { hold_guid = HoldSteps.HoldGuid(reservation), expected_revision = 1, quantity = 2 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var allocation = await org.Post("/ics/allocation/create", new { hold_guid = HoldSteps.HoldGuid(reservation), expected_revision = 1 })
            .Ok(HttpStatusCode.Created);
        Assert.Equal("allocated", allocation.GetProperty("stage").GetString());
        Assert.Equal(HoldSteps.HoldGuid(reservation), allocation.GetProperty("from_hold_guid").GetString());
        Assert.Equal(JsonValueKind.Null, allocation.GetProperty("expires_at").ValueKind);
        var reserved = await org.Post("/ics/hold/get", new { hold_guid = HoldSteps.HoldGuid(reservation) }).Ok();
        Assert.Equal(("released", "allocated", HoldSteps.HoldGuid(allocation)),
            (reserved.GetProperty("status").GetString(), reserved.GetProperty("status_reason").GetString(), reserved.GetProperty("next_hold_guid").GetString()));
        var stock = await org.Stock("store-1", tee);
        Assert.Equal((6, 0, 4), (stock.GetProperty("available").GetInt64(), stock.GetProperty("reserved").GetInt64(), stock.GetProperty("allocated").GetInt64()));

        // The reservation was continued once; an allocation is not allocated again, nor released as a reservation.
        await org.Post("/ics/allocation/create", new { hold_guid = HoldSteps.HoldGuid(reservation), expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ics/allocation/create", new { hold_guid = HoldSteps.HoldGuid(allocation), expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ics/reservation/release", new { hold_guid = HoldSteps.HoldGuid(allocation), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");

        var commit = await org.Post("/ics/commit/create", new { hold_guid = HoldSteps.HoldGuid(allocation), expected_revision = 1 }).Ok(HttpStatusCode.Created);
        Assert.Equal("committed", commit.GetProperty("stage").GetString());
        stock = await org.Stock("store-1", tee);
        Assert.Equal((6, 0, 0, 4), (stock.GetProperty("available").GetInt64(), stock.GetProperty("reserved").GetInt64(),
            stock.GetProperty("allocated").GetInt64(), stock.GetProperty("committed").GetInt64()));

        var back = await org.Post("/ics/commit/release", new { hold_guid = HoldSteps.HoldGuid(commit), expected_revision = 1, reason = "order cancelled" }).Ok();
        Assert.Equal("released", back.GetProperty("status").GetString());
        stock = await org.Stock("store-1", tee);
        Assert.Equal((10, 0), (stock.GetProperty("available").GetInt64(), stock.GetProperty("committed").GetInt64()));
        Assert.Equal(3, (await org.Post("/ics/hold/list", new { reference = new { kind = "order", id = "o-flow" } }).Ok()).GetProperty("items").GetArrayLength());
        Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "store-1", tee)).Agrees);
    }

    [Fact]
    public async Task UC_ICS_002_allocations_and_commitments_can_take_stock_straight_from_available_and_an_admin_expires_an_allocation()
    {
        var org = await host.NewOrgAsync();
        var tee = org.Variants[4];
        await org.Receive("dc-1", tee, 5);
        var direct = new { facility_code = "dc-1", variant_guid = tee, quantity = 2, reference = new { kind = "transfer", id = "t-1" } };

        var allocation = await org.Post("/ics/allocation/create", direct).Ok(HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, allocation.GetProperty("from_hold_guid").ValueKind);
        var commit = await org.Post("/ics/commit/create", direct).Ok(HttpStatusCode.Created);
        await org.Post("/ics/commit/create", new { facility_code = "dc-1", variant_guid = tee, quantity = 2, reference = new { kind = "transfer", id = "t-1" },
            expected_revision = 1 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var stock = await org.Stock("dc-1", tee);
        Assert.Equal((1, 2, 2), (stock.GetProperty("available").GetInt64(), stock.GetProperty("allocated").GetInt64(), stock.GetProperty("committed").GetInt64()));
        await org.Post("/ics/allocation/create", direct).Problem(HttpStatusCode.Conflict, "insufficient_stock");

        var member = host.Factory.NewUser("member");
        await org.Owner.Join(org.Orgcode, member, "member");
        await member.Client.Post("/ics/allocation/expire", new { hold_guid = HoldSteps.HoldGuid(allocation), expected_revision = 1 }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var expired = await org.Post("/ics/allocation/expire", new { hold_guid = HoldSteps.HoldGuid(allocation), expected_revision = 1 }).Ok();
        Assert.Equal("expired", expired.GetProperty("status").GetString());
        await org.Post("/ics/allocation/release", new { hold_guid = HoldSteps.HoldGuid(commit), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
        stock = await org.Stock("dc-1", tee);
        Assert.Equal((3, 0, 2), (stock.GetProperty("available").GetInt64(), stock.GetProperty("allocated").GetInt64(), stock.GetProperty("committed").GetInt64()));
        Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "dc-1", tee)).Agrees);
    }

    [Fact]
    public async Task UC_ICS_002_a_kit_reserves_its_components_all_or_none()
    {
        var org = await host.NewOrgAsync();
        var (shirt, cap) = (org.Variants[0], org.Variants[5]);
        var kit = await org.KitAsync(host.Factory, "gift-box", "s", "red", (shirt, 2), (cap, 1));
        await org.Receive("store-1", shirt, 5);
        await org.Receive("store-1", cap, 1);

        var hold = await org.Reserve(kit, 1).Ok(HttpStatusCode.Created);
        Assert.True(hold.GetProperty("is_kit").GetBoolean());
        Assert.Equal(kit, hold.GetProperty("variant_guid").GetString());
        Assert.Equal(2, hold.GetProperty("lines").GetArrayLength());
        // The cap ran out: the second kit reserves nothing, not even the shirts it could have had.
        await org.Reserve(kit, 1).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        var shirts = await org.Stock("store-1", shirt);
        Assert.Equal((3, 2), (shirts.GetProperty("available").GetInt64(), shirts.GetProperty("reserved").GetInt64()));
        var caps = await org.Stock("store-1", cap);
        Assert.Equal((0, 1), (caps.GetProperty("available").GetInt64(), caps.GetProperty("reserved").GetInt64()));

        await org.Post("/ics/reservation/release", new { hold_guid = HoldSteps.HoldGuid(hold), expected_revision = 1 }).Ok();
        shirts = await org.Stock("store-1", shirt);
        Assert.Equal((5, 0), (shirts.GetProperty("available").GetInt64(), shirts.GetProperty("reserved").GetInt64()));
        Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "store-1", shirt)).Agrees);
        Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "store-1", cap)).Agrees);

        var empty = await org.KitAsync(host.Factory, "empty-box", "m", "red");
        await org.Reserve(empty, 1).Problem(HttpStatusCode.UnprocessableEntity, "kit_has_no_components");
    }
}
