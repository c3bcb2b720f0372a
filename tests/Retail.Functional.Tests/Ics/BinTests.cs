using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ics;

/// <summary>Zones and bins inside a logical facility, their lifecycle, and the facility's stock policy.</summary>
public sealed class BinTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static IEnumerable<string?> Codes(JsonElement page, string field) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(field).GetString());

    [Fact]
    public async Task zones_and_bins_are_created_read_and_listed_by_facility_and_zone()
    {
        var org = await host.NewOrgAsync();
        var zone = await org.Post("/ics/zone/create", new { facility_code = "Store-1", zone_code = "Backroom", name = "Backroom" }).Ok(HttpStatusCode.Created);
        Assert.Equal(("store-1", "backroom", "active"),
            (zone.GetProperty("facility_code").GetString(), zone.GetProperty("zone_code").GetString(), zone.GetProperty("status").GetString()));
        await org.Post("/ics/zone/create", new { facility_code = "store-1", zone_code = "backroom", name = "Again" }).Problem(HttpStatusCode.Conflict, "duplicate");
        await org.Post("/ics/zone/create", new { facility_code = "dc-1", zone_code = "backroom", name = "Same code, other facility" }).Ok(HttpStatusCode.Created);
        await org.Post("/ics/zone/create", new { facility_code = "store-9", zone_code = "floor", name = "Nowhere" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        var bin = await org.BinAsync("store-1", "a-01", "backroom", "bulk");
        Assert.Equal(("a-01", "backroom", "bulk"), (bin.GetProperty("bin_code").GetString(), bin.GetProperty("zone_code").GetString(), bin.GetProperty("kind").GetString()));
        await org.BinAsync("store-1", "a-02", "backroom");
        await org.BinAsync("store-1", "floor-1");
        await org.BinAsync("dc-1", "a-01");
        await org.Post("/ics/bin/create", new { facility_code = "store-1", bin_code = "a-01", kind = "pick" }).Problem(HttpStatusCode.Conflict, "duplicate");
        await org.Post("/ics/bin/create", new { facility_code = "store-1", bin_code = "x-1", zone_code = "cellar", kind = "pick" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/bin/create", new { facility_code = "store-1", bin_code = "x-1", kind = "shelf" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/bin/create", new { facility_code = "store-1", bin_code = "x-1" }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        Assert.Equal(["a-01", "a-02"], Codes(await org.Post("/ics/bin/list", new { facility_code = "store-1", zone_code = "backroom" }).Ok(), "bin_code").Order(StringComparer.Ordinal));
        Assert.Equal(["a-01", "a-02", "floor-1"], Codes(await org.Post("/ics/bin/list", new { facility_code = "store-1" }).Ok(), "bin_code").Order(StringComparer.Ordinal));
        Assert.Equal(["store-1"], Codes(await org.Post("/ics/zone/list", new { facility_code = "store-1" }).Ok(), "facility_code"));
        await org.Post("/ics/bin/list", new { zone_code = "backroom" }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var read = await org.Post("/ics/bin/get", new { facility_code = "dc-1", bin_code = "A-01" }).Ok();
        Assert.Equal("dc-1", read.GetProperty("facility_code").GetString());
        Assert.Equal(read.GetProperty("bin_guid").GetString(),
            (await org.Post("/ics/bin/get", new { bin_guid = read.GetProperty("bin_guid").GetString() }).Ok()).GetProperty("bin_guid").GetString());
        await org.Post("/ics/bin/get", new { facility_code = "dc-1" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/bin/get", new { facility_code = "dc-1", bin_code = "zz-9" }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("backroom", (await org.Post("/ics/zone/get", new { facility_code = "dc-1", zone_code = "backroom" }).Ok()).GetProperty("zone_code").GetString());
    }

    [Fact]
    public async Task a_bin_that_holds_stock_cannot_retire_until_it_is_empty_and_a_zone_with_live_bins_cannot_either()
    {
        var (org, member) = await CountSteps.OrgWithMemberAsync(host);
        await org.ZoneWithBinsAsync("store-1", "cold", "c-01");
        await host.SeedAsync(org, "store-1", org.Variants[0], 3, "c-01");

        await member.Client.Post("/ics/bin/status/set", new { facility_code = "store-1", bin_code = "c-01", status = "retired", expected_revision = 1 }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/ics/bin/status/set", new { facility_code = "store-1", bin_code = "c-01", status = "retired" }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/bin/status/set", new { facility_code = "store-1", bin_code = "c-01", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");
        await org.Post("/ics/zone/status/set", new { facility_code = "store-1", zone_code = "cold", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");
        var inactive = await org.Post("/ics/bin/status/set", new { facility_code = "store-1", bin_code = "c-01", status = "inactive", expected_revision = 1 }).Ok();
        Assert.Equal("inactive", inactive.GetProperty("status").GetString());

        await host.TakeAsync(org, "store-1", org.Variants[0], 3, "c-01");
        await org.Post("/ics/bin/status/set", new { facility_code = "store-1", bin_code = "c-01", status = "retired", expected_revision = 2 }).Ok();
        await org.Post("/ics/bin/status/set", new { facility_code = "store-1", bin_code = "c-01", status = "active", expected_revision = 3 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ics/zone/status/set", new { facility_code = "store-1", zone_code = "cold", status = "retired", expected_revision = 1 }).Ok();
        await org.Post("/ics/bin/create", new { facility_code = "store-1", bin_code = "c-02", zone_code = "cold", kind = "pick" })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
    }

    [Fact]
    public async Task a_facility_policy_is_read_as_the_default_until_set_and_changes_with_its_revision()
    {
        var (org, member) = await CountSteps.OrgWithMemberAsync(host);
        var initial = await member.Client.Post("/ics/facility/policy/get", new { facility_code = "store-1" }, org.Orgcode).Ok();
        Assert.Equal((false, 0L), (initial.GetProperty("allow_negative_available").GetBoolean(), initial.GetProperty("revision").GetInt64()));

        await member.Client.Post("/ics/facility/policy/set", new { facility_code = "store-1", allow_negative_available = true }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/ics/facility/policy/set", new { facility_code = "store-1" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/facility/policy/set", new { facility_code = "store-9", allow_negative_available = true }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/facility/policy/set", new { facility_code = "store-1", allow_negative_available = true, expected_revision = 3 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var set = await org.Post("/ics/facility/policy/set", new { facility_code = "store-1", allow_negative_available = true }).Ok();
        Assert.Equal((true, 1L), (set.GetProperty("allow_negative_available").GetBoolean(), set.GetProperty("revision").GetInt64()));
        await org.Post("/ics/facility/policy/set", new { facility_code = "store-1", allow_negative_available = false }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/facility/policy/set", new { facility_code = "store-1", allow_negative_available = false, expected_revision = 1 }).Ok();
        Assert.False((await org.Post("/ics/facility/policy/get", new { facility_code = "store-1" }).Ok()).GetProperty("allow_negative_available").GetBoolean());
        Assert.Equal(2, (await org.Post("/ics/facility/policy/get", new { facility_code = "store-1" }).Ok()).GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task bins_zones_and_policies_of_one_org_are_not_seen_from_another()
    {
        var org = await host.NewOrgAsync();
        var other = await host.NewOrgAsync();
        await org.ZoneWithBinsAsync("store-1", "front", "f-01");
        await org.Post("/ics/facility/policy/set", new { facility_code = "store-1", allow_negative_available = true }).Ok();
        var guid = (await org.Post("/ics/bin/get", new { facility_code = "store-1", bin_code = "f-01" }).Ok()).GetProperty("bin_guid").GetString();

        await other.Post("/ics/bin/get", new { bin_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/bin/get", new { facility_code = "store-1", bin_code = "f-01" }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/bin/status/set", new { bin_guid = guid, status = "inactive", expected_revision = 1 }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/zone/get", new { facility_code = "store-1", zone_code = "front" }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await other.Post("/ics/bin/list", new { facility_code = "store-1" }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Empty((await other.Post("/ics/zone/list", new { }).Ok()).GetProperty("items").EnumerateArray());
        Assert.False((await other.Post("/ics/facility/policy/get", new { facility_code = "store-1" }).Ok()).GetProperty("allow_negative_available").GetBoolean());
    }
}
