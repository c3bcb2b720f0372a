using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

/// <summary>UC-PVM-008: alternatives (ranked substitutes) and supplementary links between variants.</summary>
public sealed class VariantLinkTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task UC_PVM_008_alternatives_list_in_rank_order_move_through_their_status_and_a_retired_one_can_be_added_again()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        await owner.Variant(orgcode, "tee", "tee-s-red", "sm", "red");
        await owner.Variant(orgcode, "tee", "tee-s-blue", "sm", "blue");
        await owner.Variant(orgcode, "tee", "tee-m-red", "md", "red");
        await owner.Variant(orgcode, "tee", "tee-m-blue", "md", "blue");
        var clerk = host.Factory.NewUser("clerk");
        await owner.Join(orgcode, clerk, "member");

        var added = await clerk.Client.Post("/pvm/alternative/add",
            new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-red", rank = 20, note = "one size up" }, orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal("alternative", added.GetProperty("kind").GetString());
        Assert.Equal("active", added.GetProperty("status").GetString());
        Assert.Equal("tee-m-red", added.GetProperty("to_variant_code").GetString());
        await clerk.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "tee-s-blue", rank = 10 }, orgcode)
            .Ok(HttpStatusCode.Created);
        await clerk.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-blue", rank = 30 }, orgcode)
            .Ok(HttpStatusCode.Created);
        // Ranked, not in the order they were added.
        Assert.Equal(["tee-s-blue", "tee-m-red", "tee-m-blue"], await ListAsync(clerk, orgcode, "/pvm/alternative/list", new { from_variant_code = "tee-s-red" }));

        // One page at a time, still by rank.
        var first = await clerk.Client.Post("/pvm/alternative/list", new { from_variant_code = "tee-s-red", limit = 2 }, orgcode).Ok();
        Assert.Equal(["tee-s-blue", "tee-m-red"], Codes(first));
        var second = await clerk.Client.Post("/pvm/alternative/list",
            new { from_variant_code = "tee-s-red", limit = 2, next_token = first.GetProperty("next_token").GetString() }, orgcode).Ok();
        Assert.Equal(["tee-m-blue"], Codes(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_token").ValueKind);

        // Status is an admin's move, revision-checked; inactive ones list by status.
        await clerk.Client.Post("/pvm/alternative/status",
                new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-red", status = "inactive", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await owner.Client.Post("/pvm/alternative/status", new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-red", status = "inactive" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var inactive = await owner.Client.Post("/pvm/alternative/status",
            new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-red", status = "inactive", reason = "fits poorly", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("inactive", inactive.GetProperty("status").GetString());
        Assert.Equal(2, inactive.GetProperty("revision").GetInt64());
        Assert.Equal(["tee-s-blue", "tee-m-blue"], await ListAsync(clerk, orgcode, "/pvm/alternative/list", new { from_variant_code = "tee-s-red", status = "active" }));
        Assert.Equal(["tee-m-red"], await ListAsync(clerk, orgcode, "/pvm/alternative/list", new { from_variant_code = "tee-s-red", status = "inactive" }));

        // Retired is final: the link leaves the lists, and the pair may be linked again (a new revision of the same record).
        await owner.Client.Post("/pvm/alternative/status",
            new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-blue", status = "retired", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal(["tee-s-blue", "tee-m-red"], await ListAsync(clerk, orgcode, "/pvm/alternative/list", new { from_variant_code = "tee-s-red" }));
        Assert.Equal(["tee-m-blue"], await ListAsync(clerk, orgcode, "/pvm/alternative/list", new { from_variant_code = "tee-s-red", status = "retired" }));
        await owner.Client.Post("/pvm/alternative/status",
                new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-blue", status = "active", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.NotFound, "not_found");
        var again = await clerk.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-blue", rank = 5 }, orgcode)
            .Ok(HttpStatusCode.Created);
        Assert.Equal(3, again.GetProperty("revision").GetInt64());
        Assert.Equal(["tee-m-blue", "tee-s-blue", "tee-m-red"], await ListAsync(clerk, orgcode, "/pvm/alternative/list", new { from_variant_code = "tee-s-red" }));
        await owner.Client.Post("/pvm/alternative/status",
                new { from_variant_code = "tee-s-red", to_variant_code = "tee-m-blue", status = "retired", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
    }

    [Fact]
    public async Task UC_PVM_008_a_link_names_two_different_live_variants_once_and_supplementary_links_are_kept_apart()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        await owner.Variant(orgcode, "tee", "tee-s-red", "sm", "red");
        await owner.Variant(orgcode, "tee", "tee-s-blue", "sm", "blue");
        var retired = await owner.Variant(orgcode, "tee", "tee-l-red", "lg", "red");
        await owner.Client.Post("/pvm/variant/status",
            new { variant_code = "tee-l-red", status = "retired", expected_revision = retired.GetProperty("revision").GetInt64() }, orgcode).Ok();

        await owner.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "tee-s-blue", rank = 1 }, orgcode)
            .Ok(HttpStatusCode.Created);
        await owner.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "tee-s-blue", rank = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "duplicate");
        await owner.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "tee-s-red", rank = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "link_to_self");
        await owner.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "no-such", rank = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var notActive = await owner.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "tee-l-red", rank = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("to_variant_code", notActive.GetProperty("field").GetString());
        foreach (var rank in new[] { 0, 1001 })
        {
            await owner.Client.Post("/pvm/alternative/add", new { from_variant_code = "tee-s-red", to_variant_code = "tee-s-blue", rank }, orgcode)
                .Problem(HttpStatusCode.BadRequest, "validation_failed");
        }
        await owner.Client.Post("/pvm/alternative/add", new { to_variant_code = "tee-s-blue", rank = 1 }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        // The same pair as a supplementary link is another link; each list shows its own kind.
        var supplementary = await owner.Client.Post("/pvm/supplementary/add",
            new { from_variant_code = "tee-s-red", to_variant_code = "tee-s-blue", rank = 1, note = "matching colour" }, orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal("supplementary", supplementary.GetProperty("kind").GetString());
        await owner.Client.Post("/pvm/supplementary/status",
            new { from_variant_code = "tee-s-red", to_variant_code = "tee-s-blue", status = "inactive", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal(["tee-s-blue"], await ListAsync(owner, orgcode, "/pvm/supplementary/list", new { from_variant_code = "tee-s-red", status = "inactive" }));
        Assert.Equal(["tee-s-blue"], await ListAsync(owner, orgcode, "/pvm/alternative/list", new { from_variant_code = "tee-s-red", status = "active" }));
        Assert.Empty(await ListAsync(owner, orgcode, "/pvm/alternative/list", new { from_variant_code = "tee-s-blue" }));

        // Another org knows neither the variants nor their links.
        var (otherOrg, other) = await host.NewOrgAsync();
        await other.Client.Post("/pvm/alternative/list", new { from_variant_code = "tee-s-red" }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
    }

    private static async Task<IReadOnlyList<string>> ListAsync(TestUser user, string orgcode, string path, object body) =>
        Codes(await user.Client.Post(path, body, orgcode).Ok());

    private static List<string> Codes(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("to_variant_code").GetString()!).ToList();
}
