using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ppm;
using Retail.Ppm.Catalog;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Pvm;

/// <summary>
/// <c>pvm.style.changed</c>: every style write (create, update, status, OGM move) tells PPM the style's brand, category
/// path and status; PPM keeps the newest and prices by category through it without calling PVM.
/// </summary>
public sealed class StyleEventTests(PpmHost host) : IClassFixture<PpmHost>
{
    [Fact]
    public async Task Every_style_write_reaches_PPMs_projection_with_the_category_and_its_parents_at_PVMs_revision()
    {
        var org = await host.NewOrgAsync("pvmstyle");
        var shirts = await org.Post("/pvm/category/get", new { category_code = "shirts" }).Ok();
        var brand = await org.Post("/pvm/brand/get", new { brand_code = "northwind" }).Ok();
        var style = await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        var projected = await ProjectedAsync(org, style, s => s.Status == "active");
        Assert.Equal(brand.GetProperty("brand_guid").GetString(), projected.BrandGuid);
        Assert.Equal([Guid(shirts, "category_guid")], projected.CategoryGuids);
        Assert.Equal("tee", projected.StyleCode);

        // Moved into a subcategory: the path holds it and its parent, innermost first.
        var tees = await org.Owner.Create(org.Orgcode, "/pvm/category", new { category_code = "tees", parent_category_code = "shirts", name = "Tees" });
        var moved = await org.Post("/pvm/style/update", new { style_code = "tee", category_code = "tees", expected_revision = style.Revision() }).Ok();
        projected = await ProjectedAsync(org, moved, _ => true);
        Assert.Equal([Guid(tees, "category_guid"), Guid(shirts, "category_guid")], projected.CategoryGuids);

        // A status change travels too.
        var discontinued = await org.Post("/pvm/style/status", new { style_code = "tee", status = "discontinued", expected_revision = moved.Revision() }).Ok();
        projected = await ProjectedAsync(org, discontinued, _ => true);
        Assert.Equal("discontinued", projected.Status);
        Assert.Equal(2, projected.CategoryGuids.Count);

        // A refused write publishes nothing: the projection stays at the last revision.
        await org.Post("/pvm/style/update", new { style_code = "tee", name = "Stale", expected_revision = moved.Revision() })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(discontinued.Revision(), (await ProjectedAsync(org, discontinued, _ => true)).StyleRevision);
    }

    [Fact]
    public async Task A_promotion_on_a_parent_category_prices_a_style_in_a_subcategory_and_stops_once_the_style_moves_out()
    {
        var org = await host.NewOrgAsync("pvmstyle");
        var tee = org.Variants[0];
        var shirts = await org.Post("/pvm/category/get", new { category_code = "shirts" }).Ok();
        await org.Owner.Create(org.Orgcode, "/pvm/category", new { category_code = "tees", parent_category_code = "shirts", name = "Tees" });
        await org.Owner.Create(org.Orgcode, "/pvm/department", new { department_code = "bottoms", division_code = "apparel", name = "Bottoms" });
        await org.Owner.Create(org.Orgcode, "/pvm/category", new { category_code = "trousers", department_code = "bottoms", name = "Trousers" });
        var style = await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        var moved = await org.Post("/pvm/style/update", new { style_code = "tee", category_code = "tees", expected_revision = style.Revision() }).Ok();

        await org.List("retail");
        await org.Assign("web", "retail", 1);
        await org.Price(tee, "retail", 2000);
        var starts = DateTimeOffset.UtcNow.AddMinutes(1);
        await org.Post("/ppm/promotion/create", new
        {
            promotion_code = "shirt-week", name = "Shirt week", kind = "percent_off", percent = 10m,
            targets = new[] { new { kind = "category", value = Guid(shirts, "category_guid") } }, channels = new[] { "web" }, starts_at = starts,
        }).Ok(HttpStatusCode.Created);

        var at = starts.AddMinutes(1);
        await Waits.UntilAsync(async () => (await org.ResolveAt("web", at, ResolveSteps.Line(tee))).LineOf(0).GetProperty("extended_minor").GetInt64() == 1800,
            "the promotion on shirts applies to a tee in its subcategory");
        var line = (await org.ResolveAt("web", at, ResolveSteps.Line(tee))).LineOf(0);
        var applied = Assert.Single(line.GetProperty("applied").EnumerateArray());
        Assert.Equal(("promotion", "shirt-week"), (applied.Text("source"), applied.Text("code")));
        Assert.Equal(200, line.GetProperty("discount_minor").GetInt64());

        await org.Post("/pvm/style/update", new { style_code = "tee", category_code = "trousers", expected_revision = moved.Revision() }).Ok();
        await Waits.UntilAsync(async () => (await org.ResolveAt("web", at, ResolveSteps.Line(tee))).LineOf(0).GetProperty("extended_minor").GetInt64() == 2000,
            "the promotion no longer applies once the style left shirts");
    }

    private static string Guid(JsonElement record, string field) => record.GetProperty(field).GetString()!;

    /// <summary>PPM's projection of the style once it holds PVM's revision of <paramref name="style"/> and meets <paramref name="condition"/>.</summary>
    private async Task<CatalogStyle> ProjectedAsync(PpmOrg org, JsonElement style, Func<CatalogStyle, bool> condition)
    {
        CatalogStyle? found = null;
        await Waits.UntilAsync(async () =>
        {
            using var scope = host.Factory.Services.CreateScope();
            found = (await scope.ServiceProvider.GetRequiredService<RecordStore<CatalogStyle>>().GetAsync(org.Orgcode, Guid(style, "style_guid")))?.Record;
            return found is not null && found.StyleRevision == style.Revision() && condition(found);
        }, $"PPM holds revision {style.Revision()} of the style");
        return found!;
    }
}
