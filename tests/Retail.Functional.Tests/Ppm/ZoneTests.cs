using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

internal static class ZoneSteps
{
    public static Task<JsonElement> NewZone(this PpmOrg org, string code, string? name = null) =>
        org.Post("/ppm/price-zone/set", new { price_zone_code = code, name = name ?? $"Zone {code}" }).Ok(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> AssignZone(this PpmOrg org, string facility, string zone, long? expectedRevision = null) =>
        org.Post("/ppm/price-zone/assign", new { facility_code = facility, price_zone_code = zone, expected_revision = expectedRevision });

    public static Task<JsonElement> ResolveZone(this PpmOrg org, string facility) =>
        org.Post("/ppm/price-zone/resolve", new { facility_code = facility }).Ok();

    /// <summary>The code of the zone a resolve answered, or null when the facility prices at list.</summary>
    public static string? ZoneOf(JsonElement resolution) =>
        resolution.GetProperty("price_zone") is { ValueKind: JsonValueKind.Object } zone ? zone.GetProperty("price_zone_code").GetString() : null;

    public static long Revision(JsonElement record) => record.GetProperty("revision").GetInt64();
}

public sealed class ZoneTests(PpmHost host) : IClassFixture<PpmHost>
{
    [Fact]
    public async Task UC_PPM_004_facilities_are_put_in_zones_moved_only_on_purpose_cleared_and_resolved()
    {
        var org = await host.NewOrgAsync();
        var airport = await org.NewZone("Airport", "Airport stores");
        Assert.Equal(("airport", "active", 1L), (airport.GetProperty("price_zone_code").GetString(), airport.GetProperty("status").GetString(),
            ZoneSteps.Revision(airport)));
        await org.NewZone("city");

        // A facility in no zone prices at list.
        var none = await org.ResolveZone("store-2");
        Assert.Equal(JsonValueKind.Null, none.GetProperty("price_zone").ValueKind);
        Assert.Equal("store-2", none.GetProperty("facility_code").GetString());

        var assigned = await org.AssignZone("store-2", "airport").Ok();
        Assert.Equal(("store-2", "airport", 1L), (assigned.GetProperty("facility_code").GetString(), assigned.GetProperty("price_zone_code").GetString(),
            ZoneSteps.Revision(assigned)));
        Assert.Equal(airport.GetProperty("price_zone_guid").GetString(), assigned.GetProperty("price_zone_guid").GetString());
        await org.AssignZone("store-1", "city").Ok();
        Assert.Equal("airport", ZoneSteps.ZoneOf(await org.ResolveZone("store-2")));
        // The same zone again changes nothing.
        Assert.Equal(1, ZoneSteps.Revision(await org.AssignZone("store-2", "airport").Ok()));

        // A facility already in a zone moves only when the caller names the assignment it replaces.
        var already = await org.AssignZone("store-2", "city").Problem(HttpStatusCode.Conflict, "already_assigned");
        Assert.Equal(1, already.GetProperty("current_revision").GetInt64());
        await org.AssignZone("store-2", "city", expectedRevision: 5).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var moved = await org.AssignZone("store-2", "city", expectedRevision: 1).Ok();
        Assert.Equal(("city", 2L), (moved.GetProperty("price_zone_code").GetString(), ZoneSteps.Revision(moved)));
        Assert.Equal("city", ZoneSteps.ZoneOf(await org.ResolveZone("store-2")));

        var ofCity = await org.Post("/ppm/price-zone/assignments", new { price_zone_code = "city" }).Ok();
        Assert.Equal(new[] { "store-1", "store-2" },
            ofCity.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("facility_code").GetString()!).Order().ToArray());
        var ofAirport = await org.Post("/ppm/price-zone/assignments", new { price_zone_code = "airport" }).Ok();
        Assert.Equal(0, ofAirport.GetProperty("items").GetArrayLength());
        var ofStore = await org.Post("/ppm/price-zone/assignments", new { facility_code = "store-2" }).Ok();
        Assert.Equal("city", ofStore.GetProperty("items")[0].GetProperty("price_zone_code").GetString());

        // The header names the facility as well as the body does.
        var byHeader = await org.Owner.Client.PostJsonAsync("/ppm/price-zone/resolve", new { }, OfmSteps.Org(org.Orgcode, ("x-facility-code", "store-1")))
            .Ok();
        Assert.Equal("city", ZoneSteps.ZoneOf(byHeader));

        // Cleared, the facility prices at list again; assigned again, its assignment's history continues.
        await org.Post("/ppm/price-zone/assign/clear", new { facility_code = "store-2", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/ppm/price-zone/assign/clear", new { facility_code = "store-2", expected_revision = 2 }).Ok();
        Assert.Null(ZoneSteps.ZoneOf(await org.ResolveZone("store-2")));
        await org.Post("/ppm/price-zone/assign/clear", new { facility_code = "store-2" }).Problem(HttpStatusCode.NotFound, "not_found");
        var empty = await org.Post("/ppm/price-zone/assignments", new { facility_code = "store-2" }).Ok();
        Assert.Equal(0, empty.GetProperty("items").GetArrayLength());
        var back = await org.AssignZone("store-2", "airport").Ok();
        Assert.Equal(4, ZoneSteps.Revision(back));
        Assert.Equal("airport", ZoneSteps.ZoneOf(await org.ResolveZone("store-2")));

        var assignedEvents = host.Events(org, "ppm.price_zone.assigned")
            .Where(e => e.GetProperty("facility_code").GetString() == "store-2")
            .Select(e => (e.GetProperty("price_zone_code").GetString(), e.GetProperty("previous_price_zone_code").GetString())).ToArray();
        Assert.Equal(new (string?, string?)[] { ("airport", null), ("city", "airport"), ("airport", null) }, assignedEvents);
        var unassigned = Assert.Single(host.Events(org, "ppm.price_zone.unassigned"));
        Assert.Equal(("store-2", "city"), (unassigned.GetProperty("facility_code").GetString(), unassigned.GetProperty("price_zone_code").GetString()));
    }

    [Fact]
    public async Task a_zone_with_facilities_is_not_retired_and_an_inactive_zone_resolves_to_list_prices()
    {
        var org = await host.NewOrgAsync();
        var airport = await org.NewZone("airport");
        await org.AssignZone("store-2", "airport").Ok();

        await org.PostAsApprover("/ppm/price-zone/status/set", new { price_zone_code = "airport", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");
        var inactive = await org.PostAsApprover("/ppm/price-zone/status/set",
            new { price_zone_code = "airport", status = "inactive", expected_revision = ZoneSteps.Revision(airport) }).Ok();
        var resolved = await org.ResolveZone("store-2");
        Assert.Null(ZoneSteps.ZoneOf(resolved));
        Assert.Equal("airport", resolved.GetProperty("assignment").GetProperty("price_zone_code").GetString());
        await org.AssignZone("store-1", "airport").Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");

        await org.Post("/ppm/price-zone/assign/clear", new { facility_code = "store-2" }).Ok();
        var retired = await org.PostAsApprover("/ppm/price-zone/status/set",
            new { price_zone_code = "airport", status = "retired", expected_revision = ZoneSteps.Revision(inactive) }).Ok();
        Assert.Equal("retired", retired.GetProperty("status").GetString());

        var listed = await org.Post("/ppm/price-zone/list", new { status = "retired" }).Ok();
        Assert.Equal("airport", listed.GetProperty("items")[0].GetProperty("price_zone_code").GetString());
    }

    [Fact]
    public async Task zones_are_changed_with_their_revision_and_assignments_name_known_facilities_and_zones()
    {
        var org = await host.NewOrgAsync();
        var city = await org.NewZone("city");
        await org.Post("/ppm/price-zone/set", new { price_zone_code = "city", name = "Downtown" }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ppm/price-zone/set", new { price_zone_code = "city", name = "Downtown", expected_revision = 3 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var renamed = await org.Post("/ppm/price-zone/set",
            new { price_zone_guid = city.GetProperty("price_zone_guid").GetString(), name = "Downtown", description = "Inner city", expected_revision = 1 }).Ok();
        Assert.Equal(("Downtown", 2L), (renamed.GetProperty("name").GetString(), ZoneSteps.Revision(renamed)));
        var read = await org.Post("/ppm/price-zone/get", new { price_zone_code = "city" }).Ok();
        Assert.Equal("Inner city", read.GetProperty("description").GetString());

        await org.Post("/ppm/price-zone/set", new { price_zone_code = "nameless" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/price-zone/set", new { name = "No code" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var facility = await org.AssignZone("nowhere", "city").Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("facility_code", facility.GetProperty("field").GetString());
        var zone = await org.AssignZone("store-1", "missing").Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("price_zone_code", zone.GetProperty("field").GetString());
        await org.Post("/ppm/price-zone/resolve", new { facility_code = "nowhere" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ppm/price-zone/resolve", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/price-zone/assignments", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        // A facility in no zone has no assignment to pin.
        await org.AssignZone("store-1", "city", expectedRevision: 2).Problem(HttpStatusCode.Conflict, "revision_mismatch");
    }

    [Fact]
    public async Task a_viewer_cannot_assign_and_another_org_sees_no_zone()
    {
        var org = await host.NewOrgAsync();
        await org.NewZone("airport");
        await org.AssignZone("store-2", "airport").Ok();
        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");

        await viewer.Client.Post("/ppm/price-zone/resolve", new { facility_code = "store-2" }, org.Orgcode).Ok();
        await viewer.Client.Post("/ppm/price-zone/assign", new { facility_code = "store-1", price_zone_code = "airport" }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Client.Post("/ppm/price-zone/assign/clear", new { facility_code = "store-2" }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Client.Post("/ppm/price-zone/set", new { price_zone_code = "mine", name = "Mine" }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var other = await host.NewOrgAsync("ppm-other");
        await other.Post("/ppm/price-zone/get", new { price_zone_code = "airport" }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Null(ZoneSteps.ZoneOf(await other.ResolveZone("store-2")));
    }
}
