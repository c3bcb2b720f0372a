using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

public sealed class TaxonomyTests(PvmHost host) : IClassFixture<PvmHost>
{
    private static Task<HttpResponseMessage> Post(TestUser user, string orgcode, string path, object body) => user.Client.Post($"/pvm/{path}", body, orgcode);

    private static async Task<long> RevisionOf(TestUser user, string orgcode, string entity, string code) =>
        (await user.Client.Post($"/pvm/{entity}/get", new Dictionary<string, object> { [$"{entity}_code"] = code }, orgcode).Ok())
        .GetProperty("revision").GetInt64();

    private static List<string?> Codes(JsonElement page, string field) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(field).GetString()).Order().ToList();

    [Fact]
    public async Task UC_PVM_003_divisions_departments_and_nested_categories_form_one_hierarchy()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var shirts = await owner.Taxonomy(orgcode);
        var tops = await Post(owner, orgcode, "department/get", new { department_code = "tops" }).Ok();
        var apparel = await Post(owner, orgcode, "division/get", new { division_code = "apparel" }).Ok();
        Assert.Equal(apparel.GetProperty("division_guid").GetString(), tops.GetProperty("division_guid").GetString());
        Assert.Equal(tops.GetProperty("department_guid").GetString(), shirts.GetProperty("department_guid").GetString());
        Assert.Equal(JsonValueKind.Null, shirts.GetProperty("parent_category_guid").ValueKind);

        // Under a parent category, the department follows from the parent.
        var tees = await owner.Create(orgcode, "/pvm/category", new { category_code = "tees", parent_category_code = "shirts", name = "Tees" });
        Assert.Equal(shirts.GetProperty("category_guid").GetString(), tees.GetProperty("parent_category_guid").GetString());
        Assert.Equal(tops.GetProperty("department_guid").GetString(), tees.GetProperty("department_guid").GetString());
        await owner.Create(orgcode, "/pvm/department", new { department_code = "bottoms", division_guid = apparel.GetProperty("division_guid").GetString(), name = "Bottoms" });

        Assert.Equal(["shirts", "tees"], Codes(await Post(owner, orgcode, "category/list", new { department_code = "tops" }).Ok(), "category_code"));
        Assert.Equal(["tees"], Codes(await Post(owner, orgcode, "category/list", new { parent_category_code = "shirts" }).Ok(), "category_code"));
        Assert.Equal(["bottoms", "tops"], Codes(await Post(owner, orgcode, "department/list", new { division_code = "apparel" }).Ok(), "department_code"));
        Assert.Empty(Codes(await Post(owner, orgcode, "category/list", new { department_code = "bottoms" }).Ok(), "category_code"));
        await Post(owner, orgcode, "department/list", new { division_code = "nowhere" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }

    [Fact]
    public async Task UC_PVM_003_a_move_that_makes_a_category_its_own_ancestor_is_409()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Taxonomy(orgcode);
        await owner.Create(orgcode, "/pvm/category", new { category_code = "tees", parent_category_code = "shirts", name = "Tees" });
        await owner.Create(orgcode, "/pvm/category", new { category_code = "vnecks", parent_category_code = "tees", name = "V-necks" });

        await Post(owner, orgcode, "category/update", new { category_code = "shirts", parent_category_code = "vnecks", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "taxonomy_cycle");
        await Post(owner, orgcode, "category/update", new { category_code = "shirts", parent_category_code = "shirts", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "taxonomy_cycle");
        // A move within the tree that keeps it a tree is fine: v-necks straight under shirts, then shirts stays on top.
        var moved = await Post(owner, orgcode, "category/update", new { category_code = "vnecks", parent_category_code = "shirts", expected_revision = 1 }).Ok();
        Assert.Equal(2, moved.GetProperty("revision").GetInt64());
        Assert.Equal(["tees", "vnecks"], Codes(await Post(owner, orgcode, "category/list", new { parent_category_code = "shirts" }).Ok(), "category_code"));
        Assert.Equal(1, await RevisionOf(owner, orgcode, "category", "shirts"));
    }

    [Fact]
    public async Task UC_PVM_003_a_node_with_active_children_cannot_be_retired()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Taxonomy(orgcode);
        await owner.Create(orgcode, "/pvm/category", new { category_code = "tees", parent_category_code = "shirts", name = "Tees" });

        await Post(owner, orgcode, "division/status", new { division_code = "apparel", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");
        await Post(owner, orgcode, "department/status", new { department_code = "tops", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");
        await Post(owner, orgcode, "category/status", new { category_code = "shirts", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");

        // Bottom up, each retires once nothing active hangs below it.
        await owner.SetStatus(orgcode, "category", "tees", "retired", 1);
        await owner.SetStatus(orgcode, "category", "shirts", "retired", 1);
        await owner.SetStatus(orgcode, "department", "tops", "retired", 1);
        var retired = await owner.SetStatus(orgcode, "division", "apparel", "retired", 1);
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        await Post(owner, orgcode, "division/status", new { division_code = "apparel", status = "active", expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task UC_PVM_003_a_parent_must_exist_and_be_active()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Taxonomy(orgcode);
        await owner.Create(orgcode, "/pvm/division", new { division_code = "home", name = "Home" });
        await owner.SetStatus(orgcode, "division", "home", "inactive", 1);

        var inactive = await Post(owner, orgcode, "department", new { department_code = "kitchen", division_code = "home", name = "Kitchen" })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("division_code", inactive.GetProperty("field").GetString());
        var unknown = await Post(owner, orgcode, "department", new { department_code = "kitchen", division_code = "garden", name = "Kitchen" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("division_code", unknown.GetProperty("field").GetString());
        await Post(owner, orgcode, "department/update", new { department_code = "tops", division_code = "home", expected_revision = 1 })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");

        await owner.SetStatus(orgcode, "department", "tops", "inactive", 1);
        var category = await Post(owner, orgcode, "category", new { category_code = "polos", department_code = "tops", name = "Polos" })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("department_code", category.GetProperty("field").GetString());
        await Post(owner, orgcode, "category", new { category_code = "polos", parent_category_code = "nothing", name = "Polos" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        // A category cannot come back to active under an inactive department either.
        await owner.SetStatus(orgcode, "category", "shirts", "inactive", 1);
        await Post(owner, orgcode, "category/status", new { category_code = "shirts", status = "active", expected_revision = 2 })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        await Post(owner, orgcode, "category", new { category_code = "polos", name = "Polos" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task departments_and_categories_move_between_parents()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Taxonomy(orgcode);
        await owner.Taxonomy(orgcode, "footwear", "shoes", "sneakers");
        await owner.Create(orgcode, "/pvm/category", new { category_code = "tees", parent_category_code = "shirts", name = "Tees" });

        var department = await Post(owner, orgcode, "department/update", new { department_code = "shoes", division_code = "apparel", expected_revision = 1 }).Ok();
        Assert.Equal((await Post(owner, orgcode, "division/get", new { division_code = "apparel" }).Ok()).GetProperty("division_guid").GetString(),
            department.GetProperty("division_guid").GetString());

        await Post(owner, orgcode, "category/update", new { category_code = "tees", department_code = "shoes", parent_category_code = "shirts", expected_revision = 1 })
            .Problem(HttpStatusCode.UnprocessableEntity, "parent_in_other_department");
        await Post(owner, orgcode, "category/update", new { category_code = "shirts", department_code = "shoes", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");
        // Naming only a department puts the category at the top of it.
        var tees = await Post(owner, orgcode, "category/update", new { category_code = "tees", department_code = "shoes", expected_revision = 1 }).Ok();
        Assert.Equal(department.GetProperty("department_guid").GetString(), tees.GetProperty("department_guid").GetString());
        Assert.Equal(JsonValueKind.Null, tees.GetProperty("parent_category_guid").ValueKind);
        var shirts = await Post(owner, orgcode, "category/update", new { category_code = "shirts", parent_category_code = "sneakers", expected_revision = 1 }).Ok();
        Assert.Equal(department.GetProperty("department_guid").GetString(), shirts.GetProperty("department_guid").GetString());
        await Post(owner, orgcode, "category/update", new { category_code = "shirts", name = "Shirts", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
    }

    [Fact]
    public async Task categories_nest_at_most_32_levels()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Taxonomy(orgcode, category: "level-1");
        for (var level = 2; level <= 32; level++)
        {
            await owner.Create(orgcode, "/pvm/category", new { category_code = $"level-{level}", parent_category_code = $"level-{level - 1}", name = $"Level {level}" });
        }
        var deep = await Post(owner, orgcode, "category", new { category_code = "level-33", parent_category_code = "level-32", name = "Too deep" })
            .Problem(HttpStatusCode.UnprocessableEntity, "taxonomy_too_deep");
        Assert.Equal("parent_category_code", deep.GetProperty("field").GetString());
    }

    [Fact]
    public async Task UC_PVM_003_seasons_run_from_their_start_to_their_end()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var season = await owner.Create(orgcode, "/pvm/season", new { season_code = "ss27", name = "Spring/Summer 2027", starts_on = "2027-02-01", ends_on = "2027-07-31" });
        Assert.Equal("2027-02-01", season.GetProperty("starts_on").GetString());
        Assert.Equal("active", season.GetProperty("status").GetString());

        await Post(owner, orgcode, "season", new { season_code = "aw27", name = "AW", starts_on = "2027-09-01", ends_on = "2027-08-01" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Post(owner, orgcode, "season", new { season_code = "aw27", name = "AW", starts_on = "2027-13-01", ends_on = "2028-01-31" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Post(owner, orgcode, "season/update", new { season_code = "ss27", ends_on = "2027-01-31", expected_revision = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var updated = await Post(owner, orgcode, "season/update", new { season_code = "ss27", ends_on = "2027-08-15", expected_revision = 1 }).Ok();
        Assert.Equal("2027-08-15", updated.GetProperty("ends_on").GetString());
        var retired = await owner.SetStatus(orgcode, "season", "ss27", "retired", 2);
        Assert.Equal("retired", retired.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UC_PVM_003_a_category_or_season_with_styles_on_it_cannot_be_retired()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Create(orgcode, "/pvm/season", new { season_code = "ss27", name = "SS27", starts_on = "2027-02-01", ends_on = "2027-07-31" });
        await owner.DraftStyle(orgcode, seasonCode: "ss27");

        await Post(owner, orgcode, "category/status", new { category_code = "shirts", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");
        // A draft style does not hold its season; an active one does.
        await owner.StyleStatus(orgcode, "active");
        await Post(owner, orgcode, "season/status", new { season_code = "ss27", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");
        await Post(owner, orgcode, "category/status", new { category_code = "shirts", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");

        await owner.StyleStatus(orgcode, "retired");
        await owner.SetStatus(orgcode, "season", "ss27", "retired", 1);
        await owner.SetStatus(orgcode, "category", "shirts", "retired", 1);
    }

    [Fact]
    public async Task another_org_cannot_read_or_build_on_a_taxonomy()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var (otherOrg, stranger) = await host.NewOrgAsync();
        var shirts = await owner.Taxonomy(orgcode);
        await Post(stranger, otherOrg, "category/get", new { category_guid = shirts.GetProperty("category_guid").GetString() })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await Post(stranger, otherOrg, "department", new { department_code = "tops", division_code = "apparel", name = "Tops" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }
}
