using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

public sealed class UomTests(PpmHost host) : IClassFixture<PpmHost>
{
    private static string[] Codes(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("uom_code").GetString()!).ToArray();

    [Fact]
    public async Task each_is_built_in_and_fixed()
    {
        var org = await host.NewOrgAsync();
        var each = await org.Post("/ppm/uom/get", new { uom_code = "each" }).Ok();
        Assert.Equal((1, 0L), (each.GetProperty("base_units").GetInt32(), each.GetProperty("uom").GetProperty("revision").GetInt64()));
        var forVariant = await org.Post("/ppm/uom/get", new { uom_code = "EACH", variant_guid = org.Variants[0] }).Ok();
        Assert.Equal(1, forVariant.GetProperty("base_units").GetInt32());

        await org.Post("/ppm/uom/set", new { uom_code = "each", name = "Each", base_units = 2 }).Problem(HttpStatusCode.UnprocessableEntity, "uom_fixed");
        await org.Post("/ppm/uom/set", new { uom_code = "each", variant_guid = org.Variants[0], base_units = 3 })
            .Problem(HttpStatusCode.UnprocessableEntity, "uom_fixed");
        Assert.Equal(new[] { "each" }, Codes(await org.Post("/ppm/uom/list", new { }).Ok()));
    }

    [Fact]
    public async Task a_unit_is_created_changed_with_its_revision_and_a_variant_may_hold_its_own_count()
    {
        var org = await host.NewOrgAsync();
        var caseUnit = await org.Post("/ppm/uom/set", new { uom_code = "case", name = "Case", base_units = 12 }).Ok(HttpStatusCode.Created);
        Assert.Equal((12, 1L, "active"), (caseUnit.GetProperty("base_units").GetInt32(), caseUnit.GetProperty("revision").GetInt64(),
            caseUnit.GetProperty("status").GetString()));
        var pack = await org.Post("/ppm/uom/set", new { uom_code = "pack", name = "Pack" }).Ok(HttpStatusCode.Created);
        Assert.Equal(1, pack.GetProperty("base_units").GetInt32());

        await org.Post("/ppm/uom/set", new { uom_code = "case", base_units = 10 }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ppm/uom/set", new { uom_code = "case", base_units = 10, expected_revision = 0 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var changed = await org.Post("/ppm/uom/set", new { uom_code = "case", base_units = 10, expected_revision = 1 }).Ok();
        Assert.Equal((10, "Case", 2L), (changed.GetProperty("base_units").GetInt32(), changed.GetProperty("name").GetString(),
            changed.GetProperty("revision").GetInt64()));

        // A variant's own count overrides the unit's for that variant only.
        var own = await org.Post("/ppm/uom/set", new { uom_code = "case", variant_guid = org.Variants[1], base_units = 24 }).Ok(HttpStatusCode.Created);
        Assert.Equal(24, own.GetProperty("base_units").GetInt32());
        await org.Post("/ppm/uom/set", new { uom_code = "case", variant_guid = org.Variants[1], base_units = 20 })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ppm/uom/set", new { uom_code = "case", variant_guid = org.Variants[1], base_units = 20, expected_revision = 1 }).Ok();
        var theirs = await org.Post("/ppm/uom/get", new { uom_code = "case", variant_guid = org.Variants[1] }).Ok();
        Assert.Equal(20, theirs.GetProperty("base_units").GetInt32());
        Assert.Equal(20, theirs.GetProperty("conversion").GetProperty("base_units").GetInt32());
        var others = await org.Post("/ppm/uom/get", new { uom_code = "case", variant_guid = org.Variants[0] }).Ok();
        Assert.Equal(10, others.GetProperty("base_units").GetInt32());
        Assert.Equal(JsonValueKind.Null, others.GetProperty("conversion").ValueKind);

        await org.Post("/ppm/uom/set", new { uom_code = "crate", variant_guid = org.Variants[0], base_units = 6 })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ppm/uom/set", new { uom_code = "case", variant_guid = Guid.NewGuid().ToString(), base_units = 6 })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ppm/uom/get", new { uom_code = "crate" }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task units_are_listed_by_status_and_bad_input_is_refused()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/ppm/uom/set", new { uom_code = "case", name = "Case", base_units = 12 }).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/uom/set", new { uom_code = "pallet", name = "Pallet", base_units = 480, status = "inactive" }).Ok(HttpStatusCode.Created);
        Assert.Equal(new[] { "each", "case", "pallet" }, Codes(await org.Post("/ppm/uom/list", new { }).Ok()));
        Assert.Equal(new[] { "each", "case" }, Codes(await org.Post("/ppm/uom/list", new { status = "active" }).Ok()));
        Assert.Equal(new[] { "pallet" }, Codes(await org.Post("/ppm/uom/list", new { status = "inactive" }).Ok()));

        var retired = await org.Post("/ppm/uom/set", new { uom_code = "pallet", status = "retired", expected_revision = 1 }).Ok();
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        await org.Post("/ppm/uom/set", new { uom_code = "pallet", status = "active", expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ppm/uom/set", new { uom_code = "pallet", variant_guid = org.Variants[0], base_units = 400 })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");

        await org.Post("/ppm/uom/set", new { uom_code = "box", name = "Box", base_units = 0 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/uom/set", new { uom_code = "box", base_units = 2 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/uom/set", new { uom_code = "case", variant_guid = org.Variants[0] }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/uom/set", new { uom_code = "case", variant_guid = org.Variants[0], base_units = 2, name = "Case" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/uom/set", new { uom_code = "case", variant_guid = "not-a-guid", base_units = 2 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");
        await viewer.Client.Post("/ppm/uom/get", new { uom_code = "case" }, org.Orgcode).Ok();
        await viewer.Client.Post("/ppm/uom/set", new { uom_code = "box", name = "Box" }, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
    }
}
