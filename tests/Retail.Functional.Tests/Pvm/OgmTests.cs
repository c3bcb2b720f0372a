using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

public sealed class OgmTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task an_option_code_is_unique_within_its_group_and_a_group_must_be_active_for_new_options()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Options(orgcode);
        var m = await owner.Client.Post("/pvm/option/get", new { option_group_code = "size", option_code = "M" }, orgcode).Ok();
        Assert.Equal("size", m.GetProperty("option_group_code").GetString());
        Assert.Equal(1, m.GetProperty("position").GetInt32());
        await owner.Client.Post("/pvm/option", new { option_group_code = "size", option_code = "m", name = "Again" }, orgcode)
            .Problem(HttpStatusCode.Conflict, "duplicate");
        // The same code in another group is another option.
        await owner.Create(orgcode, "/pvm/option", new { option_group_code = "colour", option_code = "m", name = "Magenta", position = 9 });
        await owner.Client.Post("/pvm/option", new { option_group_code = "fit", option_code = "slim", name = "Slim" }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        var listed = await owner.Client.Post("/pvm/option/list", new { option_group_code = "size" }, orgcode).Ok();
        Assert.Equal(["s", "m", "l"], listed.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("option_code").GetString()));

        var group = await owner.Client.Post("/pvm/option_group/get", new { option_group_code = "colour" }, orgcode).Ok();
        await owner.Client.Post("/pvm/option_group/status",
            new { option_group_code = "colour", status = "inactive", expected_revision = group.GetProperty("revision").GetInt64() }, orgcode).Ok();
        var refused = await owner.Client.Post("/pvm/option", new { option_group_code = "colour", option_code = "green", name = "Green" }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("option_group_code", refused.GetProperty("field").GetString());

        var updated = await owner.Client.Post("/pvm/option/update",
            new { option_group_code = "size", option_code = "m", name = "Medium", position = 5, expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("Medium", updated.GetProperty("name").GetString());
        Assert.Equal(5, updated.GetProperty("position").GetInt32());
    }

    [Fact]
    public async Task an_ogm_is_a_draft_until_activated_then_immutable_and_changed_by_cloning_the_next_revision()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Options(orgcode);
        var draft = await owner.Create(orgcode, "/pvm/ogm", CatalogSteps.Model("apparel", ("size", ["s", "m"])));
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal(1, draft.GetProperty("ogm_revision").GetInt32());
        var guid = draft.GetProperty("ogm_guid").GetString()!;

        // A draft is edited in place: the same ogm_guid, its axes replaced.
        var edited = await owner.Client.Post("/pvm/ogm", new
        {
            ogm_guid = guid,
            axes = new object[]
            {
                new { option_group_code = "size", option_codes = new[] { "s", "m", "l" } },
                new { option_group_code = "colour", option_codes = new[] { "red", "blue" } },
            },
            expected_revision = 1,
        }, orgcode).Ok();
        Assert.Equal(2, edited.GetProperty("axes").GetArrayLength());
        Assert.Equal(["s", "m", "l"], edited.GetProperty("axes")[0].GetProperty("option_codes").EnumerateArray().Select(o => o.GetString()));

        var active = await owner.Client.Post("/pvm/ogm/status", new { ogm_guid = guid, status = "active", expected_revision = 2 }, orgcode).Ok();
        Assert.Equal("active", active.GetProperty("status").GetString());
        await owner.Client.Post("/pvm/ogm", new { ogm_guid = guid, name = "Changed", expected_revision = 3 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "ogm_not_draft");

        var clone = await owner.Create(orgcode, "/pvm/ogm/clone", new { ogm_guid = guid, name = "Apparel v2" });
        Assert.Equal(2, clone.GetProperty("ogm_revision").GetInt32());
        Assert.Equal("draft", clone.GetProperty("status").GetString());
        Assert.Equal(guid, clone.GetProperty("cloned_from_guid").GetString());
        Assert.Equal(2, clone.GetProperty("axes").GetArrayLength());

        // By code: the newest revision, or the one asked for.
        var newest = await owner.Client.Post("/pvm/ogm/get", new { ogm_code = "apparel" }, orgcode).Ok();
        Assert.Equal(2, newest.GetProperty("ogm_revision").GetInt32());
        var first = await owner.Client.Post("/pvm/ogm/get", new { ogm_code = "apparel", ogm_revision = 1 }, orgcode).Ok();
        Assert.Equal(guid, first.GetProperty("ogm_guid").GetString());
        await owner.Client.Post("/pvm/ogm/get", new { ogm_code = "apparel", ogm_revision = 3 }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");

        var drafts = await owner.Client.Post("/pvm/ogm/list", new { ogm_code = "apparel", status = "draft" }, orgcode).Ok();
        Assert.Equal([2], drafts.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("ogm_revision").GetInt32()));
    }

    [Fact]
    public async Task an_ogm_refuses_bad_axes_and_activates_only_while_its_groups_and_options_are_active()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Options(orgcode);
        await owner.Client.Post("/pvm/ogm", new { ogm_code = "basic", name = "X", axes = Array.Empty<object>() }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/pvm/ogm", CatalogSteps.Model("basic", ("size", ["s"]), ("size", ["m"])), orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/pvm/ogm", CatalogSteps.Model("basic", ("g1", ["s"]), ("g2", ["s"]), ("g3", ["s"]), ("g4", ["s"]), ("g5", ["s"]), ("g6", ["s"])), orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var unknown = await owner.Client.Post("/pvm/ogm", CatalogSteps.Model("basic", ("size", ["s", "xxl"])), orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("axes[0].option_codes[1]", unknown.GetProperty("field").GetString());

        var draft = await owner.Create(orgcode, "/pvm/ogm", CatalogSteps.Model("basic", ("size", ["s", "m"])));
        var option = await owner.Client.Post("/pvm/option/get", new { option_group_code = "size", option_code = "m" }, orgcode).Ok();
        await owner.Client.Post("/pvm/option/status", new { option_group_code = "size", option_code = "m", status = "retired",
            expected_revision = option.GetProperty("revision").GetInt64() }, orgcode).Ok();
        var refused = await owner.Client.Post("/pvm/ogm/status",
            new { ogm_guid = draft.GetProperty("ogm_guid").GetString(), status = "active", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("axes[0].option_codes[1]", refused.GetProperty("field").GetString());
        await owner.Client.Post("/pvm/ogm/status", new { ogm_guid = draft.GetProperty("ogm_guid").GetString(), status = "active" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
    }

    [Fact]
    public async Task only_an_admin_changes_an_ogm_status_and_another_org_never_sees_it()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Options(orgcode);
        var draft = await owner.Create(orgcode, "/pvm/ogm", CatalogSteps.Model("basic", ("size", ["s"])));
        var member = host.Factory.NewUser("member");
        await owner.Join(orgcode, member, "member");
        await member.Client.Post("/pvm/ogm/status", new { ogm_guid = draft.GetProperty("ogm_guid").GetString(), status = "active", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var (other, otherOwner) = await host.NewOrgAsync();
        await otherOwner.Client.Post("/pvm/ogm/get", new { ogm_guid = draft.GetProperty("ogm_guid").GetString() }, other)
            .Problem(HttpStatusCode.NotFound, "not_found");
    }
}

/// <summary>Steps of the option, OGM, style and variant tests; status changes name the revision they start from (the contract).</summary>
internal static class CatalogSteps
{
    /// <summary>Size (s, m, l) and colour (red, blue) groups with their options, in position order.</summary>
    public static async Task Options(this TestUser admin, string orgcode)
    {
        await admin.Create(orgcode, "/pvm/option_group", new { option_group_code = "size", name = "Size" });
        await admin.Create(orgcode, "/pvm/option_group", new { option_group_code = "colour", name = "Colour" });
        var position = 0;
        foreach (var size in new[] { "s", "m", "l" })
        {
            await admin.Create(orgcode, "/pvm/option", new { option_group_code = "size", option_code = size, name = size.ToUpperInvariant(), position = position++ });
        }
        foreach (var colour in new[] { "red", "blue" })
        {
            await admin.Create(orgcode, "/pvm/option", new { option_group_code = "colour", option_code = colour, name = colour, position = position++ });
        }
    }

    public static object Model(string code, params (string Group, string[] Options)[] axes) => new
    {
        ogm_code = code,
        name = $"Model {code}",
        axes = axes.Select(a => new { option_group_code = a.Group, option_codes = a.Options }).ToArray(),
    };

    /// <summary>An OGM created and activated; answers the active record.</summary>
    public static async Task<JsonElement> ActiveModel(this TestUser admin, string orgcode, string code, params (string Group, string[] Options)[] axes)
    {
        var draft = await admin.Create(orgcode, "/pvm/ogm", Model(code, axes));
        return await admin.Client.Post("/pvm/ogm/status",
            new { ogm_guid = draft.GetProperty("ogm_guid").GetString(), status = "active", expected_revision = draft.GetProperty("revision").GetInt64() },
            orgcode).Ok();
    }

    public static async Task<JsonElement> SetStatus(this TestUser admin, string orgcode, string path, object key, string status)
    {
        var body = JsonSerializer.SerializeToElement(key).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        var current = await admin.Client.Post($"{path}/get", body, orgcode).Ok();
        body["status"] = status;
        body["expected_revision"] = current.GetProperty("revision").GetInt64();
        return await admin.Client.Post($"{path}/status", body, orgcode).Ok();
    }
}
