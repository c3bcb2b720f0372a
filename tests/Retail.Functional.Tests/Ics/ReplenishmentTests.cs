using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ics;

public sealed class ReplenishmentTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static Task<JsonElement> Rule(IcsOrg org, string facility, string variant, long min, long max, long reorder, long? revision = null,
        HttpStatusCode expected = HttpStatusCode.Created) =>
        org.Post("/ics/replenishment/rule/set", new
        {
            facility_code = facility, variant_guid = variant, min, max, reorder_quantity = reorder, expected_revision = revision,
        }).Ok(expected);

    private static JsonElement For(JsonElement page, string variant) =>
        page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("variant_guid").GetString() == variant);

    private static bool Has(JsonElement page, string variant) =>
        page.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("variant_guid").GetString() == variant);

    [Fact]
    public async Task below_its_minimum_a_variant_is_suggested_up_to_its_maximum_counting_what_is_on_order()
    {
        var org = await host.NewOrgAsync();
        var (tees, polos, caps) = (org.Variants[0], org.Variants[1], org.Variants[2]);
        await host.Seed(org, "store-1", tees, 4);
        await Rule(org, "store-1", tees, min: 10, max: 50, reorder: 15);
        await Rule(org, "store-1", polos, min: 10, max: 12, reorder: 20);
        await host.Seed(org, "store-1", caps, 10);
        await Rule(org, "store-1", caps, min: 10, max: 30, reorder: 5);

        var suggested = await org.Post("/ics/replenishment/suggest", new { facility_code = "store-1" }).Ok();
        var forTees = For(suggested, tees);
        Assert.Equal((4L, 46L), (forTees.GetProperty("projected").GetInt64(), forTees.GetProperty("suggested_quantity").GetInt64()));
        // max − projected is 12, but never less than the reorder quantity.
        Assert.Equal(20, For(suggested, polos).GetProperty("suggested_quantity").GetInt64());
        Assert.False(Has(suggested, caps)); // at its minimum, not below

        var recorded = await org.Post("/ics/replenishment/record", new
        {
            facility_code = "store-1", variant_guid = tees, quantity = 5, source = "po", reference = "po-4711",
        }).Ok(HttpStatusCode.Created);
        Assert.Equal("po", recorded.GetProperty("source").GetString());
        var onOrder = For(await org.Post("/ics/replenishment/suggest", new { facility_code = "store-1" }).Ok(), tees);
        Assert.Equal((5L, 9L, 41L), (onOrder.GetProperty("on_order").GetInt64(), onOrder.GetProperty("projected").GetInt64(),
            onOrder.GetProperty("suggested_quantity").GetInt64()));

        await org.Post("/ics/replenishment/record", new
        {
            facility_code = "store-1", variant_guid = tees, quantity = 1, source = "transfer", reference = "tr-1",
        }).Ok(HttpStatusCode.Created);
        Assert.False(Has(await org.Post("/ics/replenishment/suggest", new { facility_code = "store-1" }).Ok(), tees)); // 4 available + 6 on order is not below 10
        Assert.Equal(6, (await org.Post("/ics/replenishment/rule/get", new { facility_code = "store-1", variant_guid = tees }).Ok())
            .GetProperty("on_order").GetInt64());
    }

    [Fact]
    public async Task rules_are_upserted_with_their_revision_and_only_active_ones_suggest()
    {
        var org = await host.NewOrgAsync();
        var tees = org.Variants[3];
        await org.Post("/ics/replenishment/rule/set", new { facility_code = "store-1", variant_guid = tees, min = 10, max = 5, reorder_quantity = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/replenishment/rule/set", new { facility_code = "nowhere", variant_guid = tees, min = 1, max = 5, reorder_quantity = 1 })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var created = await Rule(org, "store-1", tees, min: 2, max: 5, reorder: 1);
        Assert.Equal(("active", 1L), (created.GetProperty("status").GetString(), created.GetProperty("revision").GetInt64()));

        await org.Post("/ics/replenishment/rule/set", new { facility_code = "store-1", variant_guid = tees, min = 3, max = 9, reorder_quantity = 1 })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/replenishment/rule/set", new { facility_code = "store-1", variant_guid = tees, min = 3, max = 9, reorder_quantity = 1, expected_revision = 5 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var changed = await Rule(org, "store-1", tees, min: 3, max: 9, reorder: 1, revision: 1, expected: HttpStatusCode.OK);
        Assert.Equal((3L, 9L, 2L), (changed.GetProperty("min").GetInt64(), changed.GetProperty("max").GetInt64(), changed.GetProperty("revision").GetInt64()));
        Assert.Equal(9, For(await org.Post("/ics/replenishment/suggest", new { }).Ok(), tees).GetProperty("suggested_quantity").GetInt64());

        var inactive = await org.Post("/ics/replenishment/rule/status/set",
            new { facility_code = "store-1", variant_guid = tees, status = "inactive", expected_revision = 2 }).Ok();
        Assert.Equal("inactive", inactive.GetProperty("status").GetString());
        Assert.False(Has(await org.Post("/ics/replenishment/suggest", new { }).Ok(), tees));
        var listed = await org.Post("/ics/replenishment/rule/list", new { facility_code = "store-1", status = "inactive" }).Ok();
        Assert.Equal(tees, listed.GetProperty("items").EnumerateArray().Single().GetProperty("variant_guid").GetString());

        await org.Post("/ics/replenishment/rule/status/set", new { facility_code = "store-1", variant_guid = tees, status = "retired", expected_revision = 3 }).Ok();
        await org.Post("/ics/replenishment/rule/status/set", new { facility_code = "store-1", variant_guid = tees, status = "active", expected_revision = 4 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");

        var other = await host.NewOrgAsync("icsr");
        await other.Post("/ics/replenishment/rule/get", new { facility_code = "store-1", variant_guid = tees }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await other.Post("/ics/replenishment/rule/list", new { }).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task transfers_are_suggested_from_the_surplus_above_a_source_rules_maximum()
    {
        var org = await host.NewOrgAsync();
        var polos = org.Variants[1];
        await Rule(org, "store-1", polos, min: 10, max: 12, reorder: 20); // nothing at the store: suggest 20
        await host.Seed(org, "dc-1", polos, 30);
        var dcRule = await Rule(org, "dc-1", polos, min: 0, max: 25, reorder: 1); // dc-1 keeps 25: surplus 5

        var suggested = await org.Post("/ics/transfer/suggest", new { to_facility_code = "store-1" }).Ok();
        var item = For(suggested, polos);
        Assert.Equal((20L, 5L), (item.GetProperty("suggested_quantity").GetInt64(), item.GetProperty("proposed").GetInt64()));
        var source = item.GetProperty("sources").EnumerateArray().Single();
        Assert.Equal(("dc-1", 30L, 5L, 5L), (source.GetProperty("from_facility_code").GetString(), source.GetProperty("available").GetInt64(),
            source.GetProperty("surplus").GetInt64(), source.GetProperty("quantity").GetInt64()));

        // Without an active rule the source offers all it has available.
        await org.Post("/ics/replenishment/rule/status/set",
            new { facility_code = "dc-1", variant_guid = polos, status = "inactive", expected_revision = dcRule.GetProperty("revision").GetInt64() }).Ok();
        var uncapped = For(await org.Post("/ics/transfer/suggest", new { to_facility_code = "store-1" }).Ok(), polos);
        Assert.Equal(20, uncapped.GetProperty("proposed").GetInt64());
    }

    [Fact]
    public async Task allocation_prefers_one_facility_that_can_fulfil_and_splits_only_when_none_can()
    {
        var org = await host.NewOrgAsync();
        var caps = org.Variants[5];
        await host.Seed(org, "dc-1", caps, 8);
        await host.Seed(org, "store-1", caps, 5);

        var single = await org.Post("/ics/allocation/suggest", new { variant_guid = caps, quantity = 6 }).Ok();
        Assert.False(single.GetProperty("split").GetBoolean());
        Assert.Equal(("dc-1", 6L), Part(single.GetProperty("plan")[0]));
        Assert.Equal(new[] { "dc-1", "store-1" }, Codes(single.GetProperty("candidates")));

        // Both can fulfil 5: the ship-to facility comes first, nothing has to move.
        var local = await org.Post("/ics/allocation/suggest", new { variant_guid = caps, quantity = 5, ship_to_facility_code = "store-1" }).Ok();
        Assert.Equal(("store-1", 5L), Part(local.GetProperty("plan").EnumerateArray().Single()));

        var split = await org.Post("/ics/allocation/suggest", new { variant_guid = caps, quantity = 10 }).Ok();
        Assert.True(split.GetProperty("split").GetBoolean());
        Assert.Equal(new[] { ("dc-1", 8L), ("store-1", 2L) }, split.GetProperty("plan").EnumerateArray().Select(Part).ToList());
        Assert.Equal(0, split.GetProperty("shortfall").GetInt64());

        var shortOf = await org.Post("/ics/allocation/suggest", new { variant_guid = caps, quantity = 20, facility_codes = new[] { "dc-1", "store-1" } }).Ok();
        Assert.Equal(7, shortOf.GetProperty("shortfall").GetInt64());
        var onlyStore = await org.Post("/ics/allocation/suggest", new { variant_guid = caps, quantity = 3, facility_codes = new[] { "store-1" } }).Ok();
        Assert.Equal(new[] { "store-1" }, Codes(onlyStore.GetProperty("candidates")));

        await org.Post("/ics/allocation/suggest", new { variant_guid = Guid.CreateVersion7().ToString(), quantity = 1 })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/allocation/suggest", new { variant_guid = caps, quantity = 0 }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var other = await host.NewOrgAsync("icsa");
        var nothing = await other.Post("/ics/allocation/suggest", new { variant_guid = other.Variants[0], quantity = 1 }).Ok();
        Assert.Empty(nothing.GetProperty("candidates").EnumerateArray());
        Assert.Equal(1, nothing.GetProperty("shortfall").GetInt64());
    }

    private static (string, long) Part(JsonElement part) => (part.GetProperty("facility_code").GetString()!, part.GetProperty("quantity").GetInt64());

    private static List<string> Codes(JsonElement candidates) =>
        candidates.EnumerateArray().Select(c => c.GetProperty("facility_code").GetString()!).ToList();
}
