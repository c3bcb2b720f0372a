using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>A product's revisions as a client lists them: immutable snapshots in number order, paged.</summary>
public sealed class RevisionTests(PmcHost host) : IClassFixture<PmcHost>
{
    [Fact]
    public async Task revisions_list_in_number_order_with_their_content_and_page()
    {
        var org = await host.NewOrgAsync();
        var runs = await host.RevisionsAsync(org, 3);

        var all = await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid }).Ok();
        Assert.Equal([1, 2, 3], all.RevisionNos());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_token").ValueKind);
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Tee 1", "Tee 2", "Tee 3"], items.Select(r => r.GetProperty("product").Text("name")).ToList());
        var first = items[0];
        Assert.Equal(("web", org.StyleGuid, runs[0].Text("run_guid")), (first.Text("channel_code"), first.Text("style_guid"), first.Text("run_guid")));
        Assert.Equal(64, first.Text("content_hash")!.Length);
        Assert.Equal(3, items.Select(r => r.Text("content_hash")).Distinct().Count());
        var product = first.GetProperty("product");
        Assert.Equal(("tee", "northwind"), (product.Text("style_code"), product.GetProperty("brand").Text("code")));
        Assert.Equal(6, product.GetProperty("variants").GetArrayLength());

        // By code, a page at a time.
        var page = await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_code = "tee", limit = 2 }).Ok();
        Assert.Equal([1, 2], page.RevisionNos());
        var next = await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_code = "tee", limit = 2, next_token = page.Text("next_token") }).Ok();
        Assert.Equal([3], next.RevisionNos());
        Assert.Equal(JsonValueKind.Null, next.GetProperty("next_token").ValueKind);

        // Publishing again without a change writes no new revision.
        await host.PublishAsync(org, "web", org.StyleGuid);
        Assert.Equal([1, 2, 3], (await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid }).Ok()).RevisionNos());

        // A revision stays as it was written, whatever the pointer does.
        await org.SetPointer(1, online: true).Ok();
        var again = await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid, limit = 1 }).Ok();
        Assert.Equal(first.GetRawText(), again.GetProperty("items")[0].GetRawText());
    }

    [Fact]
    public async Task revision_list_requests_are_checked_and_another_org_sees_nothing()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 1);

        await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid, limit = 101 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid, limit = 0 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/product/revision/list", new { channel_code = "web" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/product/revision/list", new { style_guid = org.StyleGuid }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid, next_token = "forged" })
            .Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await org.Post("/pmc/product/revision/list", new { channel_code = "pos", style_guid = org.StyleGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Single((await org.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid, limit = 100 }).Ok()).RevisionNos());

        var viewer = await host.ViewerAsync(org);
        await viewer.Client.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid }, org.Orgcode).Ok();

        var other = await host.NewOrgAsync("pmc-other");
        await other.Post("/pmc/product/revision/list", new { channel_code = "web", style_guid = org.StyleGuid }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
