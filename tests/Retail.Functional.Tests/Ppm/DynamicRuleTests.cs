using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

/// <summary>Dynamic rules over HTTP: set by code (create, then change by revision), get, list by status and kind, status.</summary>
public sealed class DynamicRuleTests(PpmHost host) : IClassFixture<PpmHost>
{
    /// <summary>A valid 20 % markdown on every product; <paramref name="change"/> edits it.</summary>
    private static Dictionary<string, object?> Markdown(string code, Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["rule_code"] = code,
            ["name"] = $"Rule {code}",
            ["kind"] = "markdown_percent",
            ["target"] = new { kind = "all" },
            ["percent"] = 20,
        };
        change?.Invoke(body);
        return body;
    }

    private static long Revision(JsonElement rule) => rule.GetProperty("revision").GetInt64();

    [Fact]
    public async Task A_rule_is_created_by_its_code_and_changed_only_on_its_current_revision()
    {
        var org = await host.NewOrgAsync();
        var (style, _, _) = await org.TeeGuids();
        var created = await org.Post("/ppm/dynamic-rule/set", Markdown("Winter-Sale", b =>
        {
            b["target"] = new { kind = "style", value = style };
            b["channels"] = new[] { "web" };
            b["window"] = new { starts_at = DateTimeOffset.UtcNow, ends_at = DateTimeOffset.UtcNow.AddDays(10) };
            b["priority"] = 3;
        })).Ok(HttpStatusCode.Created);
        Assert.Equal("winter-sale", created.GetProperty("rule_code").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal(style, created.GetProperty("target").GetProperty("value").GetString());
        Assert.Equal(3, created.GetProperty("priority").GetInt32());
        var guid = created.GetProperty("rule_guid").GetString();

        await org.Post("/ppm/dynamic-rule/set", Markdown("winter-sale")).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ppm/dynamic-rule/set", Markdown("winter-sale", b => b["expected_revision"] = 7)).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/ppm/dynamic-rule/set", Markdown("new-rule", b => b["expected_revision"] = 2)).Problem(HttpStatusCode.Conflict, "revision_mismatch");

        var changed = await org.Post("/ppm/dynamic-rule/set", Markdown("winter-sale", b =>
        {
            b["kind"] = "markdown_amount";
            b.Remove("percent");
            b["amount_minor"] = 500;
            b["currency"] = "eur";
            b["expected_revision"] = 1;
        })).Ok();
        Assert.Equal(guid, changed.GetProperty("rule_guid").GetString());
        Assert.Equal(2, Revision(changed));
        Assert.Equal("markdown_amount", changed.GetProperty("kind").GetString());
        Assert.Equal("EUR", changed.GetProperty("currency").GetString());
        Assert.Equal(JsonValueKind.Null, changed.GetProperty("percent").ValueKind);
        Assert.Equal("all", changed.GetProperty("target").GetProperty("kind").GetString());
        Assert.Equal(0, changed.GetProperty("channels").GetArrayLength());

        var read = await org.Post("/ppm/dynamic-rule/get", new { rule_code = "winter-sale" }).Ok();
        Assert.Equal(2, Revision(read));
        await org.Post("/ppm/dynamic-rule/get", new { rule_guid = guid }).Ok();
        await org.Post("/ppm/dynamic-rule/get", new { rule_code = "summer-sale" }).Problem(HttpStatusCode.NotFound, "not_found");
        var other = await host.NewOrgAsync();
        await other.Post("/ppm/dynamic-rule/get", new { rule_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Each_kind_takes_its_own_fields()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/ppm/dynamic-rule/set", Markdown("r99", b => { b["kind"] = "rounding"; b.Remove("percent"); b["ending_minor"] = 99; }))
            .Ok(HttpStatusCode.Created);
        await org.Post("/ppm/dynamic-rule/set", Markdown("floor", b => { b["kind"] = "floor"; b.Remove("percent"); b["amount_minor"] = 500; b["currency"] = "EUR"; }))
            .Ok(HttpStatusCode.Created);
        await org.Post("/ppm/dynamic-rule/set", Markdown("ceiling", b =>
        {
            b["kind"] = "ceiling";
            b.Remove("percent");
            b["amount_minor"] = 9000;
            b["currency"] = "EUR";
            b["target"] = new { kind = "variant", value = org.Variants[0] };
        })).Ok(HttpStatusCode.Created);

        var refused = new (string Field, Action<Dictionary<string, object?>> Change)[]
        {
            ("percent", b => b.Remove("percent")),
            ("percent", b => b["percent"] = 0),
            ("percent", b => b["percent"] = 101),
            ("amount_minor", b => b["amount_minor"] = 10),
            ("ending_minor", b => b["ending_minor"] = 99),
            ("amount_minor", b => { b["kind"] = "markdown_amount"; b.Remove("percent"); b["currency"] = "EUR"; }),
            ("currency", b => { b["kind"] = "floor"; b.Remove("percent"); b["amount_minor"] = 100; }),
            ("percent", b => { b["kind"] = "ceiling"; b["amount_minor"] = 100; b["currency"] = "EUR"; }),
            ("ending_minor", b => { b["kind"] = "rounding"; b.Remove("percent"); b["ending_minor"] = 100; }),
            ("ending_minor", b => { b["kind"] = "rounding"; b.Remove("percent"); }),
            ("target", b => b.Remove("target")),
            ("target.value", b => b["target"] = new { kind = "variant" }),
            ("target.value", b => b["target"] = new { kind = "brand", value = "northwind" }),
            ("window.ends_at", b => b["window"] = new { starts_at = DateTimeOffset.UtcNow, ends_at = DateTimeOffset.UtcNow.AddDays(-1) }),
            ("window.starts_at", b => b["window"] = new { ends_at = DateTimeOffset.UtcNow }),
            ("channels", b => b["channels"] = new[] { "Web shop" }),
            ("priority", b => b["priority"] = 10_001),
            ("rule_code", b => b["rule_code"] = "-bad"),
        };
        foreach (var (field, change) in refused)
        {
            var problem = await org.Post("/ppm/dynamic-rule/set", Markdown("bad", change)).Problem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name == field || e.Name.StartsWith(field + "[", StringComparison.Ordinal)),
                $"expected an error on {field}: {problem}");
        }
        await org.Post("/ppm/dynamic-rule/set", Markdown("bad", b => b["kind"] = "clearance")).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_target_or_channel_the_org_does_not_have_is_refused()
    {
        var org = await host.NewOrgAsync();
        foreach (var kind in new[] { "variant", "style", "category", "brand" })
        {
            var problem = await org.Post("/ppm/dynamic-rule/set", Markdown("ghost", b => b["target"] = new { kind, value = Guid.NewGuid().ToString() }))
                .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
            Assert.Equal("target.value", problem.GetProperty("field").GetString());
        }
        var (_, brand, category) = await org.TeeGuids();
        await org.Post("/ppm/dynamic-rule/set", Markdown("brand", b => b["target"] = new { kind = "brand", value = brand })).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/dynamic-rule/set", Markdown("category", b => b["target"] = new { kind = "category", value = category })).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/dynamic-rule/set", Markdown("kiosk", b => b["channels"] = new[] { "kiosk" })).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ppm/dynamic-rule/set", Markdown("pos", b => b["channels"] = new[] { "pos" })).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Rules_are_listed_by_status_and_kind_and_moved_through_their_lifecycle_by_an_admin()
    {
        var org = await host.NewOrgAsync();
        var member = host.Factory.NewUser("member");
        await org.Owner.Join(org.Orgcode, member, "member");
        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");

        await viewer.Client.Post("/ppm/dynamic-rule/set", Markdown("by-viewer"), org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        var markdown = await member.Client.Post("/ppm/dynamic-rule/set", Markdown("markdown"), org.Orgcode).Ok(HttpStatusCode.Created);
        await org.Post("/ppm/dynamic-rule/set", Markdown("r99", b => { b["kind"] = "rounding"; b.Remove("percent"); b["ending_minor"] = 99; }))
            .Ok(HttpStatusCode.Created);
        await org.Post("/ppm/dynamic-rule/set", Markdown("r95", b => { b["kind"] = "rounding"; b.Remove("percent"); b["ending_minor"] = 95; }))
            .Ok(HttpStatusCode.Created);

        await member.Client.Post("/ppm/dynamic-rule/status/set", new { rule_code = "markdown", status = "inactive", expected_revision = 1 }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/ppm/dynamic-rule/status/set", new { rule_code = "markdown", status = "inactive" }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ppm/dynamic-rule/status/set", new { rule_code = "markdown", status = "inactive", expected_revision = 9 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var inactive = await org.Post("/ppm/dynamic-rule/status/set",
            new { rule_guid = markdown.GetProperty("rule_guid").GetString(), status = "inactive", reason = "paused", expected_revision = 1 }).Ok();
        Assert.Equal("inactive", inactive.GetProperty("status").GetString());

        Assert.Equal(["markdown", "r95", "r99"], (await viewer.Client.Post("/ppm/dynamic-rule/list", new { }, org.Orgcode).Ok()).Codes("rule_code").Order());
        Assert.Equal(["r95", "r99"], (await org.Post("/ppm/dynamic-rule/list", new { kind = "rounding" }).Ok()).Codes("rule_code").Order());
        Assert.Equal(["r95", "r99"], (await org.Post("/ppm/dynamic-rule/list", new { status = "active" }).Ok()).Codes("rule_code").Order());
        Assert.Equal(["markdown"], (await org.Post("/ppm/dynamic-rule/list", new { status = "inactive", kind = "markdown_percent" }).Ok()).Codes("rule_code"));
        Assert.Empty((await org.Post("/ppm/dynamic-rule/list", new { status = "active", kind = "markdown_percent" }).Ok()).Codes("rule_code"));
        await org.Post("/ppm/dynamic-rule/list", new { kind = "sale" }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        // An inactive rule can still be changed; a retired one is kept as it was and never comes back.
        await org.Post("/ppm/dynamic-rule/set", Markdown("markdown", b => { b["percent"] = 30; b["expected_revision"] = 2; })).Ok();
        await org.Post("/ppm/dynamic-rule/status/set", new { rule_code = "markdown", status = "retired", expected_revision = 3 }).Ok();
        await org.Post("/ppm/dynamic-rule/set", Markdown("markdown", b => b["expected_revision"] = 4)).Problem(HttpStatusCode.Conflict, "rule_retired");
        await org.Post("/ppm/dynamic-rule/status/set", new { rule_code = "markdown", status = "active", expected_revision = 4 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
    }
}
