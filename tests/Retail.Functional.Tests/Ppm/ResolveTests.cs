using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

/// <summary>Lists, zones and prices as a client sets them, and <c>/ppm/price/resolve</c> as a cart or product page calls it.</summary>
internal static class ResolveSteps
{
    public static Task<JsonElement> List(this PpmOrg org, string code, string currency = "EUR") =>
        org.Post("/ppm/price-list/set", new { price_list_code = code, name = $"List {code}", currency }).Ok(HttpStatusCode.Created);

    public static Task<JsonElement> Assign(this PpmOrg org, string channel, string list, int priority) =>
        org.Post("/ppm/price-list/assign", new { channel_code = channel, price_list_code = list, priority }).Ok();

    public static async Task Zone(this PpmOrg org, string zone, params string[] facilities)
    {
        await org.Post("/ppm/price-zone/set", new { price_zone_code = zone, name = $"Zone {zone}" }).Ok(HttpStatusCode.Created);
        foreach (var facility in facilities)
        {
            await org.Post("/ppm/price-zone/assign", new { facility_code = facility, price_zone_code = zone }).Ok();
        }
    }

    /// <summary>One price; answers the entry's revision (the answer is the entry, or holds it in <c>prices</c>/<c>entries</c>).</summary>
    public static async Task<long> Price(this PpmOrg org, string variant, string list, long amount, string? zone = null, string? uom = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, long? expectedRevision = null, string currency = "EUR")
    {
        var body = await org.Post("/ppm/price/set", new
        {
            variant_guid = variant, price_list_code = list, price_zone_code = zone, uom_code = uom, amount_minor = amount, currency,
            effective_from = from, effective_to = to, expected_revision = expectedRevision,
        }).Ok();
        return RevisionOf(body);
    }

    private static long RevisionOf(JsonElement body)
    {
        if (body.TryGetProperty("revision", out var revision))
        {
            return revision.GetInt64();
        }
        foreach (var name in new[] { "prices", "entries" })
        {
            if (body.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array && items.GetArrayLength() > 0)
            {
                return RevisionOf(items[0]);
            }
        }
        return body.TryGetProperty("entry", out var entry) ? RevisionOf(entry) : 0;
    }

    public static object Line(string variant, int quantity = 1, string? uom = null) => new { variant_guid = variant, quantity, uom_code = uom };

    public static Task<HttpResponseMessage> ResolveCall(this PpmOrg org, object body, params (string Name, string Value)[] headers) =>
        org.Owner.Client.PostJsonAsync("/ppm/price/resolve", body, OfmSteps.Org(org.Orgcode, headers));

    public static Task<JsonElement> Resolve(this PpmOrg org, string? channel, string? facility, params object[] lines) =>
        org.ResolveCall(new { channel_code = channel, facility_code = facility, lines }).Ok();

    public static Task<JsonElement> ResolveAt(this PpmOrg org, string channel, DateTimeOffset at, params object[] lines) =>
        org.ResolveCall(new { channel_code = channel, at, lines }).Ok();

    public static JsonElement LineOf(this JsonElement answer, int index) => answer.GetProperty("lines")[index];

    public static long Unit(this JsonElement line) => line.GetProperty("unit_minor").GetInt64();

    public static string? Reason(this JsonElement line) => line.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;

    /// <summary>Waits until PPM's projection knows every variant (PVM's events arrive on their own time).</summary>
    public static Task KnowsVariants(this PpmOrg org, string channel) =>
        Waits.UntilAsync(async () =>
        {
            var answer = await org.Resolve(channel, null, [.. org.Variants.Select(v => Line(v))]);
            return answer.GetProperty("lines").EnumerateArray().All(l => l.Reason() != "unknown_variant");
        }, "PPM's projection knows the org's variants");
}

public sealed class ResolveTests(PpmHost host) : IClassFixture<PpmHost>
{
    [Fact]
    public async Task UC_PPM_001_a_price_set_on_a_channel_list_resolves_per_channel_by_priority_and_an_inactive_list_is_skipped()
    {
        var org = await host.NewOrgAsync();
        var (tee, polo) = (org.Variants[0], org.Variants[1]);
        await org.List("retail");
        await org.List("store");
        await org.Assign("web", "retail", 2);
        await org.Assign("pos", "store", 1);
        await org.Price(tee, "retail", 1999);
        await org.Price(polo, "retail", 2499);
        await org.Price(tee, "store", 1899);

        var web = await org.Resolve("web", null, ResolveSteps.Line(tee, 2), ResolveSteps.Line(polo));
        var first = web.LineOf(0);
        Assert.True(first.GetProperty("priced").GetBoolean());
        Assert.Equal("retail", first.Text("price_list_code"));
        Assert.Null(first.Text("price_zone_code"));
        Assert.Equal("EUR", first.Text("currency"));
        Assert.Equal(1999, first.GetProperty("list_unit_minor").GetInt64());
        Assert.Equal(1999, first.Unit());
        Assert.Equal(3998, first.GetProperty("extended_minor").GetInt64());
        Assert.Equal("each", first.Text("uom_code"));
        Assert.Equal(0, first.GetProperty("index").GetInt32());
        Assert.Equal(tee, first.Text("variant_guid"));
        Assert.Equal(2499, web.LineOf(1).Unit());
        Assert.Equal("EUR", web.Text("currency"));
        Assert.Equal(3998 + 2499, web.GetProperty("total_minor").GetInt64());

        // The other channel sells at its own list; the channel can come in the header.
        var pos = await org.ResolveCall(new { lines = new[] { ResolveSteps.Line(tee) } }, ("x-channel-code", "pos")).Ok();
        Assert.Equal("store", pos.LineOf(0).Text("price_list_code"));
        Assert.Equal(1899, pos.LineOf(0).Unit());
        Assert.Equal("no_price", pos.GetProperty("lines").GetArrayLength() == 1
            ? (await org.Resolve("pos", null, ResolveSteps.Line(polo))).LineOf(0).Reason() : null);

        // A higher-priority list wins where it has a price; the lower one still prices what it lacks.
        var sale = await org.List("sale");
        await org.Assign("web", "sale", 1);
        await org.Price(tee, "sale", 1499);
        var withSale = await org.Resolve("web", null, ResolveSteps.Line(tee), ResolveSteps.Line(polo));
        Assert.Equal(("sale", 1499L), (withSale.LineOf(0).Text("price_list_code"), withSale.LineOf(0).Unit()));
        Assert.Equal(("retail", 2499L), (withSale.LineOf(1).Text("price_list_code"), withSale.LineOf(1).Unit()));

        // An inactive list is skipped.
        await org.Post("/ppm/price-list/status/set", new { price_list_code = "sale", status = "inactive", expected_revision = sale.GetProperty("revision").GetInt64() })
            .Ok();
        var afterSale = await org.Resolve("web", null, ResolveSteps.Line(tee));
        Assert.Equal(("retail", 1999L), (afterSale.LineOf(0).Text("price_list_code"), afterSale.LineOf(0).Unit()));
    }

    [Fact]
    public async Task UC_PPM_004_a_zone_price_beats_the_lists_base_price_for_a_facility_in_the_zone_and_a_facility_in_no_zone_gets_the_base()
    {
        var org = await host.NewOrgAsync();
        var (tee, polo) = (org.Variants[0], org.Variants[1]);
        await org.List("retail");
        await org.Assign("web", "retail", 1);
        await org.Zone("airport", "store-2");
        await org.Price(tee, "retail", 1999);
        await org.Price(tee, "retail", 2299, zone: "airport");
        await org.Price(polo, "retail", 2499);

        var airport = await org.Resolve("web", "store-2", ResolveSteps.Line(tee), ResolveSteps.Line(polo));
        Assert.Equal(("airport", 2299L), (airport.LineOf(0).Text("price_zone_code"), airport.LineOf(0).Unit()));
        // No zone price for this one: the list's base price, still in the zone's facility.
        Assert.Equal((null, 2499L), (airport.LineOf(1).Text("price_zone_code"), airport.LineOf(1).Unit()));

        var store = await org.Resolve("web", "store-1", ResolveSteps.Line(tee));
        Assert.Equal((null, 1999L), (store.LineOf(0).Text("price_zone_code"), store.LineOf(0).Unit()));
        var noFacility = await org.Resolve("web", null, ResolveSteps.Line(tee));
        Assert.Equal(1999, noFacility.LineOf(0).Unit());

        // The facility can come in the header too.
        var byHeader = await org.ResolveCall(new { channel_code = "web", lines = new[] { ResolveSteps.Line(tee) } }, ("x-facility-code", "store-2")).Ok();
        Assert.Equal(2299, byHeader.LineOf(0).Unit());
    }

    [Fact]
    public async Task Lines_without_a_price_say_why_no_list_no_price_variant_not_active_unknown_uom_and_a_unit_is_priced_from_each()
    {
        var org = await host.NewOrgAsync();
        var (tee, polo, other) = (org.Variants[0], org.Variants[1], org.Variants[2]);
        await org.List("retail");
        await org.Assign("web", "retail", 1);
        await org.Price(tee, "retail", 1000);
        await org.Price(polo, "retail", 2000);
        await org.Post("/ppm/uom/set", new { uom_code = "case", name = "Case", base_units = 12 }).Ok(HttpStatusCode.Created);
        await org.Price(polo, "retail", 21000, uom: "case");
        await org.KnowsVariants("web");

        var noList = await org.Resolve("pos", null, ResolveSteps.Line(tee), ResolveSteps.Line(polo));
        Assert.All(noList.GetProperty("lines").EnumerateArray(), l =>
        {
            Assert.False(l.GetProperty("priced").GetBoolean());
            Assert.Equal("no_price_list", l.Reason());
        });
        Assert.Equal(JsonValueKind.Null, noList.GetProperty("total_minor").ValueKind);

        var answer = await org.Resolve("web", null,
            ResolveSteps.Line(other), ResolveSteps.Line(tee, 2, "case"), ResolveSteps.Line(tee, 1, "pallet"), ResolveSteps.Line(polo, 1, "case"),
            ResolveSteps.Line(Guid.NewGuid().ToString()));
        Assert.Equal("no_price", answer.LineOf(0).Reason());
        // No case price of its own: the each price × 12.
        Assert.Equal((12000L, 24000L), (answer.LineOf(1).Unit(), answer.LineOf(1).GetProperty("extended_minor").GetInt64()));
        Assert.Equal("case", answer.LineOf(1).Text("uom_code"));
        Assert.Equal("unknown_uom", answer.LineOf(2).Reason());
        // Its own case price beats each × 12.
        Assert.Equal(21000, answer.LineOf(3).Unit());
        Assert.Equal("unknown_variant", answer.LineOf(4).Reason());
        Assert.Equal(24000 + 21000, answer.GetProperty("total_minor").GetInt64());

        // A variant PVM discontinues stops resolving once PPM hears of it.
        var variant = await org.Post("/pvm/variant/get", new { variant_guid = tee }).Ok();
        await org.Post("/pvm/variant/status", new { variant_guid = tee, status = "discontinued", expected_revision = variant.GetProperty("revision").GetInt64() }).Ok();
        await Waits.UntilAsync(async () => (await org.Resolve("web", null, ResolveSteps.Line(tee))).LineOf(0).Reason() == "variant_not_active",
            "the discontinued variant no longer resolves");
    }

    [Fact]
    public async Task A_future_window_is_not_in_effect_yet_and_resolving_at_its_time_picks_it_and_the_same_request_answers_the_same()
    {
        var org = await host.NewOrgAsync();
        var tee = org.Variants[0];
        await org.List("retail");
        await org.Assign("web", "retail", 1);
        var change = DateTimeOffset.UtcNow.AddDays(10);
        var revision = await org.Price(tee, "retail", 1999, to: change);
        await org.Price(tee, "retail", 2199, from: change, expectedRevision: revision);

        Assert.Equal(1999, (await org.Resolve("web", null, ResolveSteps.Line(tee))).LineOf(0).Unit());
        Assert.Equal(1999, (await org.ResolveAt("web", change.AddSeconds(-1), ResolveSteps.Line(tee))).LineOf(0).Unit());
        var later = await org.ResolveAt("web", change.AddHours(1), ResolveSteps.Line(tee));
        Assert.Equal(2199, later.LineOf(0).Unit());
        Assert.Equal(change.AddHours(1), later.GetProperty("at").GetDateTimeOffset());

        var again = await org.ResolveAt("web", change.AddHours(1), ResolveSteps.Line(tee));
        Assert.Equal(later.GetRawText(), again.GetRawText());
    }

    [Fact]
    public async Task A_20_line_cart_is_priced_in_one_call_and_the_request_is_validated()
    {
        var org = await host.NewOrgAsync();
        await org.List("retail");
        await org.Assign("web", "retail", 1);
        for (var i = 0; i < org.Variants.Count; i++)
        {
            await org.Price(org.Variants[i], "retail", 1000 + (i * 100));
        }
        var lines = Enumerable.Range(0, 20).Select(i => ResolveSteps.Line(org.Variants[i % org.Variants.Count], i + 1)).ToArray();
        var cart = await org.Resolve("web", null, lines);
        Assert.Equal(20, cart.GetProperty("lines").GetArrayLength());
        var expected = Enumerable.Range(0, 20).Sum(i => (1000L + ((i % org.Variants.Count) * 100)) * (i + 1));
        Assert.Equal(expected, cart.GetProperty("total_minor").GetInt64());
        Assert.All(cart.GetProperty("lines").EnumerateArray(), l => Assert.True(l.GetProperty("priced").GetBoolean()));
        var at = cart.GetProperty("at").GetDateTimeOffset();
        Assert.Equal(cart.GetRawText(), (await org.ResolveAt("web", at, lines)).GetRawText());

        var tee = org.Variants[0];
        await org.ResolveCall(new { channel_code = "web", lines = Enumerable.Range(0, 101).Select(_ => ResolveSteps.Line(tee)).ToArray() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.ResolveCall(new { channel_code = "web", lines = new[] { ResolveSteps.Line(tee, 0) } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.ResolveCall(new { channel_code = "web", lines = new[] { ResolveSteps.Line(tee, 1_000_001) } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.ResolveCall(new { channel_code = "web", lines = Array.Empty<object>() }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.ResolveCall(new { channel_code = "web", lines = new[] { new { variant_guid = "not-a-guid", quantity = 1 } } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        // No channel in the body or the header.
        await org.ResolveCall(new { lines = new[] { ResolveSteps.Line(tee) } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task PVMs_variant_events_taken_in_bulk_keep_each_variants_newest_revision_and_a_single_event_is_still_taken()
    {
        var org = await host.NewOrgAsync();
        await org.List("retail");
        await org.Assign("web", "retail", 1);
        // A variant only these events tell PPM of (PVM never made it), so the resolve answers from the projection alone.
        var variant = Guid.NewGuid().ToString();
        object Changed(long revision, string status) => new
        {
            orgcode = org.Orgcode, variant_guid = variant, variant_code = $"bulk-{revision}", style_guid = Guid.NewGuid().ToString(), status, revision,
        };
        object Entry(string entryId, object data) => new
        {
            entryId, contentType = "application/cloudevents+json",
            @event = new { id = entryId, source = "pvm", type = "pvm.variant.status_changed", data },
        };
        var bulk = new
        {
            id = "bulk-ppm-1", topic = "pvm.variant.status_changed", pubsubname = "pubsub", type = "com.dapr.event.sent",
            entries = new[]
            {
                Entry("v2", Changed(2, "discontinued")),
                // Late: an older revision changes nothing.
                Entry("v1", Changed(1, "active")),
                // No org: a redelivery would not mend it.
                Entry("bad", new { variant_guid = variant, revision = 3, status = "active" }),
            },
        };

        var answer = await host.Operator.PostJsonAsync("/ppm/events/pvm-variant", bulk).Ok();

        Assert.Equal(new Dictionary<string, string?> { ["v2"] = "SUCCESS", ["v1"] = "SUCCESS", ["bad"] = "DROP" },
            answer.GetProperty("statuses").EnumerateArray().ToDictionary(e => e.GetProperty("entryId").GetString()!, e => e.GetProperty("status").GetString()));
        Assert.Equal("variant_not_active", (await org.Resolve("web", null, ResolveSteps.Line(variant))).LineOf(0).Reason());

        // One event as a single CloudEvent's data: a newer revision, active again (it has no price yet).
        (await host.Operator.PostJsonAsync("/ppm/events/pvm-variant", Changed(3, "active"))).EnsureSuccessStatusCode();
        Assert.Equal("no_price", (await org.Resolve("web", null, ResolveSteps.Line(variant))).LineOf(0).Reason());
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Operator.PostJsonAsync("/ppm/events/pvm-variant", new { variant_guid = variant })).StatusCode);
    }
}
