using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

/// <summary>Steps the promotion and dynamic rule tests share: the catalog guids they target, a promotion body, PPM's committed events.</summary>
internal static class PromotionSteps
{
    /// <summary>The guids of the test org's style <c>tee</c>, its brand and its category.</summary>
    public static async Task<(string Style, string Brand, string Category)> TeeGuids(this PpmOrg org)
    {
        var style = await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        return (style.GetProperty("style_guid").GetString()!, style.GetProperty("brand_guid").GetString()!, style.GetProperty("category_guid").GetString()!);
    }

    /// <summary>A valid percent_off body for every channel on every product, starting an hour ago; <paramref name="change"/> edits it.</summary>
    public static Dictionary<string, object?> PercentOff(string code, Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["promotion_code"] = code,
            ["name"] = $"Promotion {code}",
            ["kind"] = "percent_off",
            ["percent"] = 15,
            ["targets"] = new[] { new { kind = "all" } },
            ["starts_at"] = DateTimeOffset.UtcNow.AddHours(-1),
        };
        change?.Invoke(body);
        return body;
    }

    public static string Guid(this JsonElement promotion) => promotion.GetProperty("promotion_guid").GetString()!;

    public static IReadOnlyList<string> Codes(this JsonElement page, string field = "promotion_code") =>
        page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty(field).GetString()!).ToList();

    /// <summary>
    /// The business events of a type PPM committed for a record (its outbox, as a consumer receives them): on the event's
    /// own topic, not the CDC topic (whose <c>ppm.promotion.created</c> shares the name).
    /// </summary>
    public static IReadOnlyList<JsonElement> Events(this PpmHost host, string type, string subject)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(host.Factory.DataDir, "state", "ppm.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM outbox WHERE topic = $type AND type = $type AND subject = $subject ORDER BY seq";
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$subject", subject);
        using var reader = command.ExecuteReader();
        var events = new List<JsonElement>();
        while (reader.Read())
        {
            events.Add(JsonDocument.Parse((byte[])reader["data"]).RootElement.Clone());
        }
        return events;
    }
}

/// <summary>UC-PPM-003 promotions over HTTP: create, get, list, end, and the ways a promotion is refused.</summary>
public sealed class PromotionTests(PpmHost host) : IClassFixture<PpmHost>
{
    [Fact]
    public async Task A_promotion_is_created_read_by_guid_and_code_listed_and_announced()
    {
        var org = await host.NewOrgAsync();
        var (style, _, _) = await org.TeeGuids();
        var created = await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("summer", b =>
        {
            b["targets"] = new[] { new { kind = "style", value = style } };
            b["channels"] = new[] { "WEB" };
            b["ends_at"] = DateTimeOffset.UtcNow.AddDays(30);
            b["priority"] = 5;
            b["exclusive"] = true;
        })).Ok(HttpStatusCode.Created);
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal("percent_off", created.GetProperty("kind").GetString());
        Assert.Equal(["web"], created.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("style", created.GetProperty("targets")[0].GetProperty("kind").GetString());
        Assert.True(created.GetProperty("exclusive").GetBoolean());
        Assert.Equal(1, created.Revision());

        var byGuid = await org.Post("/ppm/promotion/get", new { promotion_guid = created.Guid() }).Ok();
        var byCode = await org.Post("/ppm/promotion/get", new { promotion_code = "Summer" }).Ok();
        Assert.Equal(created.Guid(), byGuid.Guid());
        Assert.Equal(created.Guid(), byCode.Guid());
        await org.Post("/ppm/promotion/get", new { promotion_code = "winter" }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/ppm/promotion/get", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var announced = Assert.Single(host.Events("ppm.promotion.created", $"promotion/{created.Guid()}"));
        Assert.Equal("summer", announced.GetProperty("promotion_code").GetString());

        // The same code twice is a duplicate; another org never sees it.
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("summer")).Problem(HttpStatusCode.Conflict, "duplicate");
        var other = await host.NewOrgAsync();
        await other.Post("/ppm/promotion/get", new { promotion_guid = created.Guid() }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await other.Post("/ppm/promotion/list", new { }).Ok()).Codes());
    }

    [Fact]
    public async Task The_list_filters_by_status_by_the_time_a_promotion_applies_and_by_channel()
    {
        var org = await host.NewOrgAsync();
        var now = DateTimeOffset.UtcNow;
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("everywhere")).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("web-only", b => b["channels"] = new[] { "web" })).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("next-week", b =>
        {
            b["starts_at"] = now.AddDays(7);
            b["ends_at"] = now.AddDays(14);
        })).Ok(HttpStatusCode.Created);
        var ended = await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("stopped")).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/promotion/end", new { promotion_guid = ended.Guid(), expected_revision = 1 }).Ok();

        Assert.Equal(["everywhere", "next-week", "stopped", "web-only"], (await org.Post("/ppm/promotion/list", new { }).Ok()).Codes().Order());
        Assert.Equal(["everywhere", "next-week", "web-only"], (await org.Post("/ppm/promotion/list", new { status = "active" }).Ok()).Codes().Order());
        Assert.Equal(["stopped"], (await org.Post("/ppm/promotion/list", new { status = "ended" }).Ok()).Codes());
        Assert.Equal(["everywhere", "web-only"], (await org.Post("/ppm/promotion/list", new { active_at = now }).Ok()).Codes().Order());
        Assert.Equal(["everywhere", "next-week", "web-only"],
            (await org.Post("/ppm/promotion/list", new { active_at = now.AddDays(8) }).Ok()).Codes().Order());
        Assert.Equal(["everywhere", "web-only"], (await org.Post("/ppm/promotion/list", new { active_at = now.AddDays(15) }).Ok()).Codes().Order());
        Assert.Empty((await org.Post("/ppm/promotion/list", new { active_at = now, status = "ended" }).Ok()).Codes());
        Assert.Equal(["everywhere"], (await org.Post("/ppm/promotion/list", new { active_at = now, channel_code = "pos" }).Ok()).Codes());
        Assert.Equal(["everywhere", "web-only"], (await org.Post("/ppm/promotion/list", new { active_at = now, channel_code = "web" }).Ok()).Codes().Order());

        // Paging goes on through the status index while the page is filtered.
        var first = await org.Post("/ppm/promotion/list", new { status = "active", limit = 2 }).Ok();
        Assert.Equal(2, first.Codes().Count);
        var second = await org.Post("/ppm/promotion/list", new { status = "active", limit = 2, next_token = first.GetProperty("next_token").GetString() }).Ok();
        Assert.Single(second.Codes());
        await org.Post("/ppm/promotion/list", new { limit = 501 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/promotion/list", new { channel_code = "Not a code!" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Each_kind_takes_its_own_fields_and_refuses_the_others()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/ppm/promotion/create", new
        {
            promotion_code = "ten-off",
            name = "Ten off",
            kind = "amount_off",
            amount_minor = 1000,
            currency = "eur",
            targets = new[] { new { kind = "variant", value = org.Variants[0] } },
            starts_at = DateTimeOffset.UtcNow,
        }).Ok(HttpStatusCode.Created).ContinueWith(t => Assert.Equal("EUR", t.Result.GetProperty("currency").GetString()));
        await org.Post("/ppm/promotion/create", new
        {
            promotion_code = "at-nine",
            name = "Nine ninety-nine",
            kind = "fixed_price",
            amount_minor = 999,
            currency = "EUR",
            targets = new[] { new { kind = "variant", value = org.Variants[1] }, new { kind = "variant", value = org.Variants[2] } },
            starts_at = DateTimeOffset.UtcNow,
        }).Ok(HttpStatusCode.Created);
        var b3g1 = await org.Post("/ppm/promotion/create", new
        {
            promotion_code = "three-for-two",
            name = "Three for two",
            kind = "buy_x_get_y",
            buy_quantity = 2,
            get_quantity = 1,
            targets = new[] { new { kind = "all" } },
            starts_at = DateTimeOffset.UtcNow,
        }).Ok(HttpStatusCode.Created);
        Assert.Equal(100, b3g1.GetProperty("get_percent").GetDecimal());

        var refused = new (string Field, Action<Dictionary<string, object?>> Change)[]
        {
            ("percent", b => b.Remove("percent")),
            ("percent", b => b["percent"] = 0),
            ("percent", b => b["percent"] = 100.5),
            ("amount_minor", b => b["amount_minor"] = 100),
            ("currency", b => b["currency"] = "EUR"),
            ("buy_quantity", b => b["buy_quantity"] = 2),
            ("amount_minor", b => { b["kind"] = "amount_off"; b.Remove("percent"); b["currency"] = "EUR"; }),
            ("amount_minor", b => { b["kind"] = "fixed_price"; b.Remove("percent"); b["amount_minor"] = 0; b["currency"] = "EUR"; }),
            ("currency", b => { b["kind"] = "amount_off"; b.Remove("percent"); b["amount_minor"] = 100; }),
            ("currency", b => { b["kind"] = "amount_off"; b.Remove("percent"); b["amount_minor"] = 100; b["currency"] = "XYZ"; }),
            ("buy_quantity", b => { b["kind"] = "buy_x_get_y"; b.Remove("percent"); b["buy_quantity"] = 0; b["get_quantity"] = 1; }),
            ("get_quantity", b => { b["kind"] = "buy_x_get_y"; b.Remove("percent"); b["buy_quantity"] = 1; }),
            ("get_percent", b => { b["kind"] = "buy_x_get_y"; b.Remove("percent"); b["buy_quantity"] = 1; b["get_quantity"] = 1; b["get_percent"] = 0; }),
            ("targets", b => b["targets"] = Array.Empty<object>()),
            ("targets", b => b["targets"] = Enumerable.Range(0, 51).Select(_ => new { kind = "variant", value = System.Guid.NewGuid().ToString() }).ToArray()),
            ("targets", b => b["targets"] = new object[] { new { kind = "all" }, new { kind = "variant", value = org.Variants[0] } }),
            ("targets", b => b["targets"] = new[] { new { kind = "variant", value = org.Variants[0] }, new { kind = "variant", value = org.Variants[0] } }),
            ("targets", b => b["targets"] = new[] { new { kind = "style" } }),
            ("targets", b => b["targets"] = new[] { new { kind = "all", value = org.Variants[0] } }),
            ("channels", b => b["channels"] = new[] { "web", "WEB" }),
            ("starts_at", b => b.Remove("starts_at")),
            ("ends_at", b => b["ends_at"] = DateTimeOffset.UtcNow.AddHours(-2)),
            ("priority", b => b["priority"] = -1),
            ("name", b => b.Remove("name")),
        };
        foreach (var (field, change) in refused)
        {
            var problem = await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("bad", change)).Problem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name.StartsWith(field, StringComparison.Ordinal)),
                $"expected an error on {field}: {problem}");
        }
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("bad", b => b["kind"] = "half_price")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("bad", b => b["colour"] = "red")).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Odd_bodies_are_refused_as_bad_requests_never_as_errors()
    {
        var org = await host.NewOrgAsync();
        var bodies = new object[]
        {
            PromotionSteps.PercentOff("odd", b => b["targets"] = new object?[] { null }),
            PromotionSteps.PercentOff("odd", b => b["targets"] = new[] { new { kind = "variant", value = "not-a-guid" } }),
            PromotionSteps.PercentOff("odd", b => b["targets"] = null),
            PromotionSteps.PercentOff("odd", b => b["channels"] = new string?[] { null }),
            PromotionSteps.PercentOff("odd", b => b["percent"] = "ten"),
            PromotionSteps.PercentOff("odd", b => { b["kind"] = "amount_off"; b.Remove("percent"); b["currency"] = "EUR"; b["amount_minor"] = 1e30; }),
            PromotionSteps.PercentOff("odd", b => b["starts_at"] = "yesterday"),
            "{\"promotion_code\": ",
        };
        foreach (var body in bodies)
        {
            await org.Post("/ppm/promotion/create", body).Problem(HttpStatusCode.BadRequest, "validation_failed");
        }
        var rules = new object[]
        {
            new { rule_code = "odd", name = "odd", kind = "markdown_percent", percent = 10, target = (object?)null },
            new { rule_code = "odd", name = "odd", kind = "markdown_percent", percent = 10, target = new { kind = "all" }, window = new { } },
            new { rule_code = "odd", name = "odd", kind = "markdown_percent", percent = 10, target = new { value = org.Variants[0] } },
        };
        foreach (var body in rules)
        {
            await org.Post("/ppm/dynamic-rule/set", body).Problem(HttpStatusCode.BadRequest, "validation_failed");
        }
    }

    [Fact]
    public async Task A_window_that_has_already_ended_an_unknown_target_and_an_unknown_channel_are_refused()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("late", b =>
        {
            b["starts_at"] = DateTimeOffset.UtcNow.AddDays(-10);
            b["ends_at"] = DateTimeOffset.UtcNow.AddDays(-1);
        })).Problem(HttpStatusCode.UnprocessableEntity, "window_in_past");

        foreach (var kind in new[] { "variant", "style", "category", "brand" })
        {
            var problem = await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("ghost",
                b => b["targets"] = new[] { new { kind, value = System.Guid.NewGuid().ToString() } })).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
            Assert.Equal("targets", problem.GetProperty("field").GetString());
        }
        var (style, brand, category) = await org.TeeGuids();
        // A brand guid is not a category: each target is looked up as its kind.
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("mixed",
            b => b["targets"] = new[] { new { kind = "category", value = brand } })).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("tee-things", b => b["targets"] = new[]
        {
            new { kind = "style", value = style }, new { kind = "brand", value = brand }, new { kind = "category", value = category },
            new { kind = "variant", value = org.Variants[5] },
        })).Ok(HttpStatusCode.Created);

        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("kiosk", b => b["channels"] = new[] { "web", "kiosk" }))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        // A channel of another org is unknown here.
        var other = await host.NewOrgAsync();
        await other.Owner.Client.Post("/ofm/sales-channel/create", new { channel_code = "app", name = "app", kind = "ecom", market_code = "de",
            locale_codes = new[] { "de-DE" }, currency = "EUR", facility_code = "store-1" }, other.Orgcode).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("app", b => b["channels"] = new[] { "app" }))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await other.Post("/ppm/promotion/create", PromotionSteps.PercentOff("app", b => b["channels"] = new[] { "app" })).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_admin_ends_a_promotion_once_on_its_current_revision()
    {
        var org = await host.NewOrgAsync();
        var member = host.Factory.NewUser("member");
        await org.Owner.Join(org.Orgcode, member, "member");
        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");

        await viewer.Client.Post("/ppm/promotion/create", PromotionSteps.PercentOff("by-viewer"), org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        var promotion = await member.Client.Post("/ppm/promotion/create", PromotionSteps.PercentOff("spring", b => b["ends_at"] = DateTimeOffset.UtcNow.AddDays(5)),
            org.Orgcode).Ok(HttpStatusCode.Created);
        await viewer.Client.Post("/ppm/promotion/get", new { promotion_guid = promotion.Guid() }, org.Orgcode).Ok();

        await member.Client.Post("/ppm/promotion/end", new { promotion_guid = promotion.Guid(), expected_revision = 1 }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/ppm/promotion/end", new { promotion_guid = promotion.Guid() }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ppm/promotion/end", new { promotion_guid = promotion.Guid(), expected_revision = 2 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/ppm/promotion/end", new { promotion_guid = System.Guid.NewGuid().ToString(), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");

        var before = DateTimeOffset.UtcNow;
        var ended = await org.Post("/ppm/promotion/end", new { promotion_guid = promotion.Guid(), expected_revision = 1, reason = "sold out" }).Ok();
        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.Equal("sold out", ended.GetProperty("end_reason").GetString());
        var endedAt = ended.GetProperty("ended_at").GetDateTimeOffset();
        Assert.InRange(endedAt, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(endedAt, ended.GetProperty("window").GetProperty("ends_at").GetDateTimeOffset());
        Assert.Equal(2, ended.Revision());

        await org.Post("/ppm/promotion/end", new { promotion_guid = promotion.Guid(), expected_revision = 2 }).Problem(HttpStatusCode.Conflict, "promotion_ended");
        var announced = Assert.Single(host.Events("ppm.promotion.ended", $"promotion/{promotion.Guid()}"));
        Assert.Equal("sold out", announced.GetProperty("reason").GetString());
        Assert.Empty((await org.Post("/ppm/promotion/list", new { active_at = DateTimeOffset.UtcNow }).Ok()).Codes());
    }

    [Fact]
    public async Task Ending_a_promotion_that_has_not_started_leaves_it_an_empty_window()
    {
        var org = await host.NewOrgAsync();
        var starts = DateTimeOffset.UtcNow.AddDays(3);
        var promotion = await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("later", b => b["starts_at"] = starts)).Ok(HttpStatusCode.Created);
        var ended = await org.Post("/ppm/promotion/end", new { promotion_guid = promotion.Guid(), expected_revision = 1 }).Ok();
        var window = ended.GetProperty("window");
        Assert.Equal(window.GetProperty("starts_at").GetDateTimeOffset(), window.GetProperty("ends_at").GetDateTimeOffset());
        Assert.Empty((await org.Post("/ppm/promotion/list", new { active_at = starts.AddDays(1) }).Ok()).Codes());
    }
}
