using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

/// <summary>Price lists, zones and the policy through their own endpoints; prices through /ppm/price/*.</summary>
internal static class PriceSteps
{
    /// <summary>A fresh org with the EUR list <c>retail</c>, the USD list <c>export</c> and the zone <c>airport</c>.</summary>
    public static async Task<PpmOrg> PricedOrgAsync(this PpmHost host)
    {
        var org = await host.NewOrgAsync();
        await org.Post("/ppm/price-list/set", new { price_list_code = "retail", name = "Retail", currency = "EUR" }).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/price-list/set", new { price_list_code = "export", name = "Export", currency = "USD" }).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/price-zone/set", new { price_zone_code = "airport", name = "Airports" }).Ok(HttpStatusCode.Created);
        return org;
    }

    /// <summary>Approval thresholds: a decrease beyond 20 %, an increase beyond 50 %, or a price under cost + 10 % waits for an admin.</summary>
    public static async Task StrictPolicyAsync(this PpmOrg org)
    {
        using var response = await org.Post("/ppm/policy/set", new
        {
            approval = new { max_decrease_percent = 20, max_increase_percent = 50, below_margin_floor = true },
            max_discount_percent = 50,
            min_margin_percent = 10,
            stacking = new { mode = "best_of" },
            rounding = new { mode = "none" },
        });
        Assert.True(response.IsSuccessStatusCode, $"policy/set answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static Task<HttpResponseMessage> SetPrice(this PpmOrg org, string variant, long amount, string list = "retail", string currency = "EUR",
        string? zone = null, DateTimeOffset? from = null, DateTimeOffset? to = null, long? expectedRevision = null, long? cost = null,
        string? uom = null) =>
        org.Post("/ppm/price/set", new
        {
            variant_guid = variant, price_list_code = list, price_zone_code = zone, uom_code = uom, amount_minor = amount, currency,
            cost_minor = cost, effective_from = from, effective_to = to, expected_revision = expectedRevision,
        });

    public static Task<JsonElement> GetPrice(this PpmOrg org, string variant, string list = "retail", string? zone = null, DateTimeOffset? at = null,
        bool history = false) =>
        org.Post("/ppm/price/get", new { variant_guid = variant, price_list_code = list, price_zone_code = zone, at, include_history = history }).Ok();

    /// <summary>The amount of the window in effect, or null when none is.</summary>
    public static long? InEffect(this JsonElement entry) =>
        entry.GetProperty("in_effect").ValueKind == JsonValueKind.Null ? null : entry.GetProperty("in_effect").GetProperty("amount_minor").GetInt64();

    public static IReadOnlyList<string> Statuses(this JsonElement entry) =>
        entry.GetProperty("windows").EnumerateArray().Select(w => w.GetProperty("status").GetString()!).ToList();

    /// <summary>Midnight UTC <paramref name="days"/> from a fixed day a year ahead: windows that do not collide with "now".</summary>
    public static DateTimeOffset Day(int days) => new DateTimeOffset(DateTime.UtcNow.Year + 1, 3, 1, 0, 0, 0, TimeSpan.Zero).AddDays(days);

    public static async Task<TestUser> MemberAsync(this PpmHost host, PpmOrg org, string role)
    {
        var user = host.Factory.NewUser(role);
        await org.Owner.Join(org.Orgcode, user, role);
        return user;
    }
}

public sealed class PriceTests(PpmHost host) : IClassFixture<PpmHost>
{
    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_a_price_set_is_read_back_with_the_window_in_effect()
    {
        var org = await host.PricedOrgAsync();
        var tee = org.Variants[0];
        var set = await org.SetPrice(tee, 1999).Ok();
        Assert.Equal(("active", 1L, "*", "each", "EUR"), (set.Text("status"), set.Revision(), set.Text("price_zone_code"), set.Text("uom_code"), set.Text("currency")));
        Assert.Equal(JsonValueKind.Null, set.GetProperty("approval_guid").ValueKind);

        var entry = await org.GetPrice(tee);
        Assert.Equal(1999, entry.InEffect());
        Assert.Equal(set.Text("window_id"), entry.GetProperty("in_effect").Text("window_id"));
        Assert.Equal(set.Text("price_key"), entry.Text("price_key"));
        // Before the window starts nothing is in effect.
        Assert.Null((await org.GetPrice(tee, at: DateTimeOffset.UtcNow.AddDays(-1))).InEffect());

        // A zone's price is an entry of its own; the list's own price is unchanged by it.
        var zoned = await org.SetPrice(tee, 2499, zone: "AIRPORT").Ok();
        Assert.Equal("airport", zoned.Text("price_zone_code"));
        Assert.Equal(2499, (await org.GetPrice(tee, zone: "airport")).InEffect());
        Assert.Equal(1999, (await org.GetPrice(tee, zone: "*")).InEffect());

        await org.Post("/ppm/price/get", new { variant_guid = org.Variants[1], price_list_code = "retail" }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_a_bulk_set_writes_every_line_or_none_and_names_the_failing_line()
    {
        var org = await host.PricedOrgAsync();
        var lines = org.Variants.SelectMany((v, i) => new object[]
        {
            new { variant_guid = v, price_list_code = "retail", amount_minor = 1000 + i, currency = "EUR" },
            new { variant_guid = v, price_list_code = "retail", price_zone_code = "airport", amount_minor = 1500 + i, currency = "eur" },
        }).ToArray();
        var bulk = await org.Post("/ppm/price/set", new { prices = lines }).Ok();
        var answered = bulk.GetProperty("prices").EnumerateArray().ToList();
        Assert.Equal(12, answered.Count);
        Assert.All(answered, l => Assert.Equal("active", l.Text("status")));
        Assert.Equal(Enumerable.Range(0, 12), answered.Select(l => l.GetProperty("index").GetInt32()));
        Assert.Equal(1005, (await org.GetPrice(org.Variants[5])).InEffect());
        Assert.Equal(1503, (await org.GetPrice(org.Variants[3], zone: "airport")).InEffect());

        var baseOnly = await org.Post("/ppm/price/list", new { price_list_code = "retail", price_zone_code = "*" }).Ok();
        Assert.Equal(6, baseOnly.GetProperty("items").GetArrayLength());
        var ofVariant = await org.Post("/ppm/price/list", new { variant_guid = org.Variants[0] }).Ok();
        Assert.Equal(new[] { "*", "airport" }, ofVariant.GetProperty("items").EnumerateArray().Select(e => e.Text("price_zone_code")).Order(StringComparer.Ordinal).ToArray());

        // Line 2 is in the wrong currency: nothing of the call is written, and the problem names the line.
        var fresh = org.Variants.Select(v => new { variant_guid = v, price_list_code = "export", amount_minor = 900L, currency = "USD" }).ToList();
        fresh[2] = fresh[2] with { currency = "EUR" };
        var refused = await org.Post("/ppm/price/set", new { prices = fresh }).Problem(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        Assert.Equal("prices[2].currency", refused.Text("field"));
        await org.Post("/ppm/price/get", new { variant_guid = org.Variants[0], price_list_code = "export" }).Problem(HttpStatusCode.NotFound, "not_found");

        // A line overlapping an earlier line of the same key is refused with its index; so is a bad field.
        var overlapping = await org.Post("/ppm/price/set", new
        {
            prices = new object[]
            {
                new { variant_guid = org.Variants[0], price_list_code = "export", amount_minor = 900, currency = "USD", effective_from = PriceSteps.Day(0) },
                new { variant_guid = org.Variants[0], price_list_code = "export", amount_minor = 950, currency = "USD", effective_from = PriceSteps.Day(5) },
            },
        }).Problem(HttpStatusCode.Conflict, "price_window_overlap");
        Assert.Equal("prices[1].effective_from", overlapping.Text("field"));
        var invalid = await org.Post("/ppm/price/set", new
        {
            prices = new object[]
            {
                new { variant_guid = org.Variants[0], price_list_code = "export", amount_minor = 900, currency = "USD" },
                new { variant_guid = org.Variants[1], price_list_code = "export", amount_minor = -1, currency = "USD" },
            },
        }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(invalid.GetProperty("errors").TryGetProperty("prices[1].amount_minor", out _), invalid.ToString());
        await org.Post("/ppm/price/set", new { prices = Array.Empty<object>() }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/price/set", new { variant_guid = org.Variants[0], prices = fresh }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_a_bulk_set_takes_up_to_1000_lines_several_windows_of_a_key_among_them()
    {
        var org = await host.PricedOrgAsync();
        // Six variants, each with a day's price for 167 (166) consecutive days.
        var lines = Enumerable.Range(0, 1001).Select(i => new
        {
            variant_guid = org.Variants[i % 6], price_list_code = "retail", amount_minor = 1000L + i, currency = "EUR",
            effective_from = PriceSteps.Day(i / 6), effective_to = PriceSteps.Day((i / 6) + 1), note = "spring price plan",
        }).ToArray();
        await org.Post("/ppm/price/set", new { prices = lines }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var bulk = await org.Post("/ppm/price/set", new { prices = lines[..1000] }).Ok();
        Assert.Equal(1000, bulk.GetProperty("prices").GetArrayLength());
        var entry = await org.GetPrice(org.Variants[0], at: PriceSteps.Day(10).AddHours(12));
        Assert.Equal(1060, entry.InEffect());
        Assert.Equal(167, entry.GetProperty("windows").GetArrayLength());
        Assert.Equal(1, entry.Revision());
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_a_price_in_another_currency_than_its_list_is_refused()
    {
        var org = await host.PricedOrgAsync();
        var refused = await org.SetPrice(org.Variants[0], 1999, list: "export", currency: "EUR").Problem(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        Assert.Equal("currency", refused.Text("field"));
        await org.SetPrice(org.Variants[0], 1999, list: "export", currency: "USD").Ok();
        await org.SetPrice(org.Variants[0], 1999, currency: "XXY").Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_overlapping_windows_of_one_key_are_refused()
    {
        var org = await host.PricedOrgAsync();
        var tee = org.Variants[0];
        await org.SetPrice(tee, 1000, from: PriceSteps.Day(0), to: PriceSteps.Day(10)).Ok();
        await org.SetPrice(tee, 1100, from: PriceSteps.Day(5), to: PriceSteps.Day(15)).Problem(HttpStatusCode.Conflict, "price_window_overlap");
        await org.SetPrice(tee, 1100, from: PriceSteps.Day(-5), to: PriceSteps.Day(1)).Problem(HttpStatusCode.Conflict, "price_window_overlap");
        // Back to back is no overlap ([from, to) windows); an open end reaches forever.
        await org.SetPrice(tee, 1100, from: PriceSteps.Day(10)).Ok();
        await org.SetPrice(tee, 1200, from: PriceSteps.Day(40), to: PriceSteps.Day(50)).Problem(HttpStatusCode.Conflict, "price_window_overlap");
        // Another zone, unit or list is another key.
        await org.SetPrice(tee, 1300, zone: "airport", from: PriceSteps.Day(5), to: PriceSteps.Day(15)).Ok();

        Assert.Equal(1000, (await org.GetPrice(tee, at: PriceSteps.Day(9))).InEffect());
        Assert.Equal(1100, (await org.GetPrice(tee, at: PriceSteps.Day(10))).InEffect());
        Assert.Null((await org.GetPrice(tee, at: PriceSteps.Day(-1))).InEffect());

        await org.SetPrice(tee, 1000, from: PriceSteps.Day(3), to: PriceSteps.Day(3)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.SetPrice(tee, 1000, to: DateTimeOffset.UtcNow.AddDays(-1)).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_changing_a_window_needs_the_entry_revision()
    {
        var org = await host.PricedOrgAsync();
        var tee = org.Variants[0];
        var (from, to) = (PriceSteps.Day(0), PriceSteps.Day(30));
        var first = await org.SetPrice(tee, 1000, from: from, to: to).Ok();
        await org.SetPrice(tee, 1050, from: from, to: to).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var stale = await org.SetPrice(tee, 1050, from: from, to: to, expectedRevision: 7).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(1, stale.GetProperty("current_revision").GetInt64());

        var changed = await org.SetPrice(tee, 1050, from: from, to: to, expectedRevision: first.Revision()).Ok();
        Assert.Equal(2, changed.Revision());
        var entry = await org.GetPrice(tee, at: PriceSteps.Day(1));
        Assert.Equal(1050, entry.InEffect());
        Assert.Single(entry.GetProperty("windows").EnumerateArray());

        // A new window names no revision; one that names a stale revision is refused all the same.
        await org.SetPrice(tee, 1100, from: to, expectedRevision: 1).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.SetPrice(tee, 1100, from: to).Ok();
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_unknown_or_inactive_references_are_refused()
    {
        var org = await host.PricedOrgAsync();
        var tee = org.Variants[0];
        var unknownVariant = await org.SetPrice(Guid.NewGuid().ToString(), 1000).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("variant_guid", unknownVariant.Text("field"));
        Assert.Equal("price_list_code", (await org.SetPrice(tee, 1000, list: "outlet").Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference")).Text("field"));
        Assert.Equal("price_zone_code", (await org.SetPrice(tee, 1000, zone: "harbour").Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference")).Text("field"));
        Assert.Equal("uom_code", (await org.SetPrice(tee, 1000, uom: "case").Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference")).Text("field"));
        await org.SetPrice("not-a-guid", 1000).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.SetPrice(tee, -5).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.SetPrice(tee, 5, cost: -1).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_a_viewer_reads_prices_but_cannot_set_them()
    {
        var org = await host.PricedOrgAsync();
        await org.SetPrice(org.Variants[0], 1999).Ok();
        var viewer = await host.MemberAsync(org, "viewer");
        await viewer.Client.Post("/ppm/price/set",
                new { variant_guid = org.Variants[0], price_list_code = "retail", amount_minor = 1, currency = "EUR" }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var read = await viewer.Client.Post("/ppm/price/get", new { variant_guid = org.Variants[0], price_list_code = "retail" }, org.Orgcode).Ok();
        Assert.Equal(1999, read.InEffect());
        var member = await host.MemberAsync(org, "member");
        await member.Client.Post("/ppm/price/set",
            new { variant_guid = org.Variants[1], price_list_code = "retail", amount_minor = 500, currency = "EUR" }, org.Orgcode).Ok();
        await org.Post("/ppm/price/list", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-001")]
    public async Task UC_PPM_001_another_org_cannot_see_or_change_a_price()
    {
        var org = await host.PricedOrgAsync();
        await org.SetPrice(org.Variants[0], 1999).Ok();
        var other = await host.PricedOrgAsync();
        await other.Post("/ppm/price/get", new { variant_guid = org.Variants[0], price_list_code = "retail" }).Problem(HttpStatusCode.NotFound, "not_found");
        var listed = await other.Post("/ppm/price/list", new { variant_guid = org.Variants[0] }).Ok();
        Assert.Equal(0, listed.GetProperty("items").GetArrayLength());
        // The other org's catalog does not know this org's variant.
        await other.SetPrice(org.Variants[0], 1).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal(1999, (await org.GetPrice(org.Variants[0])).InEffect());
    }
}
