using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>UC-PMC-004 over HTTP: revisions prepared together go online at once, or not at all.</summary>
public sealed class PackTests(PmcHost host) : IClassFixture<PmcHost>
{
    [Fact]
    public async Task UC_PMC_004_a_pack_takes_every_product_online_at_its_revision_in_one_go()
    {
        var org = await host.NewOrgAsync();
        var polo = await org.SecondStyleAsync();
        await host.RevisionsAsync(org, 2);
        await host.RevisionsAsync(org, 1, polo);
        await org.SetPointer(2, online: false).Ok();
        var teeBefore = await org.Pointer("web", org.StyleGuid);

        var created = await org.Post("/pmc/pack/create", new
        {
            channel_code = "web", name = "Autumn reset", reason = "season",
            items = new object[] { new { style_code = "tee", revision_no = 1 }, new { style_guid = polo, revision_no = 1 } },
        }).Ok(HttpStatusCode.Created);
        var packGuid = created.Text("pack_guid")!;
        Assert.Equal(("open", "Autumn reset", "season", "web"), (created.Text("status"), created.Text("name"), created.Text("reason"), created.Text("channel_code")));
        Assert.Equal(new[] { (org.StyleGuid, 1), (polo, 1) },
            created.GetProperty("items").EnumerateArray().Select(i => (i.Text("style_guid")!, i.GetProperty("revision_no").GetInt32())).ToArray());
        // An open pack changes nothing yet.
        Assert.Equal(teeBefore.Revision(), (await org.Pointer("web", org.StyleGuid)).Revision());

        var completed = await org.Post("/pmc/pack/complete", new { pack_guid = packGuid, expected_revision = created.Revision() }).Ok();
        Assert.Equal(("completed", org.Owner.UserGuid), (completed.Text("status"), completed.Text("completed_by")));
        Assert.NotNull(completed.Text("completed_at"));
        Assert.Equal(created.Revision() + 1, completed.Revision());

        var tee = await org.Pointer("web", org.StyleGuid);
        var poloPointer = await org.Pointer("web", polo);
        Assert.Equal(((int?)1, true), tee.State());
        Assert.Equal(((int?)1, true), poloPointer.State());
        Assert.Equal(teeBefore.Revision() + 1, tee.Revision());

        // One event for the whole pack, with each product record's new revision.
        var packEvent = Assert.Single(host.Events(org, "pmc.pack.completed"));
        Assert.Equal((packGuid, "web"), (packEvent.Text("pack_guid"), packEvent.Text("channel_code")));
        var items = packEvent.GetProperty("items").EnumerateArray()
            .Select(i => (i.Text("style_guid"), i.Text("style_code"), i.GetProperty("revision_no").GetInt32(), i.GetProperty("record_revision").GetInt64())).ToList();
        Assert.Equal([(org.StyleGuid, "tee", 1, tee.Revision()), (polo, "polo", 1, poloPointer.Revision())], items);

        var read = await org.Post("/pmc/pack/get", new { pack_guid = packGuid }).Ok();
        Assert.Equal(("completed", 2), (read.Text("status"), read.GetProperty("items").GetArrayLength()));

        // With the storefront in the host, both are served at once at the pack's revisions.
        foreach (var style in new[] { org.StyleGuid, polo })
        {
            var served = await org.Storefront("web", style).Ok();
            Assert.Equal(1, served.GetProperty("revision_no").GetInt32());
        }
    }

    [Fact]
    public async Task a_pack_naming_a_revision_a_product_does_not_have_is_refused_and_changes_nothing()
    {
        var org = await host.NewOrgAsync();
        var polo = await org.SecondStyleAsync();
        await host.RevisionsAsync(org, 1);
        await host.RevisionsAsync(org, 1, polo);
        var teeBefore = await org.Pointer("web", org.StyleGuid);
        var poloBefore = await org.Pointer("web", polo);

        var problem = await org.Post("/pmc/pack/create", new
        {
            channel_code = "web", name = "Broken",
            items = new object[] { new { style_guid = org.StyleGuid, revision_no = 1 }, new { style_guid = polo, revision_no = 7 } },
        }).Problem((HttpStatusCode)422, "unknown_revision");
        Assert.Equal("items[1].revision_no", problem.GetProperty("field").GetString());
        var byCode = await org.Post("/pmc/pack/create", new
        {
            channel_code = "web", name = "Broken",
            items = new object[] { new { style_code = "nosuch", revision_no = 1 } },
        }).Problem((HttpStatusCode)422, "unknown_revision");
        Assert.Equal("items[0].style_code", byCode.GetProperty("field").GetString());
        // pos never published tee: its revision 1 in web is not one of pos.
        await org.Post("/pmc/pack/create", new { channel_code = "pos", name = "Wrong channel", items = new object[] { new { style_guid = org.StyleGuid, revision_no = 1 } } })
            .Problem((HttpStatusCode)422, "unknown_revision");

        Assert.Equal(teeBefore.Revision(), (await org.Pointer("web", org.StyleGuid)).Revision());
        Assert.Equal(poloBefore.Revision(), (await org.Pointer("web", polo)).Revision());
        var packs = await org.Post("/pmc/pack/list", new { channel_code = "web" }).Ok();
        Assert.Empty(packs.GetProperty("items").EnumerateArray());
        Assert.Empty(host.Events(org, "pmc.pack.completed"));
    }

    [Fact]
    public async Task a_pack_completes_once_and_a_stale_revision_is_409()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 2);
        var pack = await org.Post("/pmc/pack/create", new { channel_code = "web", name = "One", items = new object[] { new { style_guid = org.StyleGuid, revision_no = 2 } } })
            .Ok(HttpStatusCode.Created);
        var packGuid = pack.Text("pack_guid");

        await org.Post("/pmc/pack/complete", new { pack_guid = packGuid, expected_revision = pack.Revision() + 1 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal("open", (await org.Post("/pmc/pack/get", new { pack_guid = packGuid }).Ok()).Text("status"));

        // Two completes at once: one takes the pack online, the other is told it already is.
        var both = await Task.WhenAll(org.Post("/pmc/pack/complete", new { pack_guid = packGuid }), org.Post("/pmc/pack/complete", new { pack_guid = packGuid }));
        var statuses = new List<(HttpStatusCode, string?)>();
        foreach (var response in both)
        {
            using (response)
            {
                statuses.Add((response.StatusCode, response.IsSuccessStatusCode ? null : await response.ProblemCodeAsync()));
            }
        }
        Assert.Equal([(HttpStatusCode.OK, null), (HttpStatusCode.Conflict, "pack_completed")], statuses.OrderBy(s => (int)s.Item1).ToList());

        await org.Post("/pmc/pack/complete", new { pack_guid = packGuid }).Problem(HttpStatusCode.Conflict, "pack_completed");
        Assert.Single(host.Events(org, "pmc.pack.completed"));
        Assert.Equal(((int?)2, true), (await org.Pointer("web", org.StyleGuid)).State());
        await org.Post("/pmc/pack/complete", new { pack_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/pmc/pack/get", new { pack_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
        var other = await host.NewOrgAsync("pmc-other");
        await other.Post("/pmc/pack/get", new { pack_guid = packGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/pmc/pack/complete", new { pack_guid = packGuid }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task packs_list_per_channel_and_status_in_creation_order_without_their_items()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 2);
        var guids = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            var pack = await org.Post("/pmc/pack/create", new { channel_code = "web", name = $"Pack {i}", items = new object[] { new { style_guid = org.StyleGuid, revision_no = 1 + (i % 2) } } })
                .Ok(HttpStatusCode.Created);
            guids.Add(pack.Text("pack_guid")!);
        }
        await org.Post("/pmc/pack/complete", new { pack_guid = guids[1] }).Ok();

        var all = await org.Post("/pmc/pack/list", new { channel_code = "web" }).Ok();
        Assert.Equal(guids, all.GetProperty("items").EnumerateArray().Select(p => p.Text("pack_guid")!).ToList());
        Assert.Equal(1, all.GetProperty("items")[0].GetProperty("item_count").GetInt32());
        Assert.False(all.GetProperty("items")[0].TryGetProperty("items", out _));

        var open = await org.Post("/pmc/pack/list", new { channel_code = "web", status = "open" }).Ok();
        Assert.Equal([guids[0], guids[2]], open.GetProperty("items").EnumerateArray().Select(p => p.Text("pack_guid")).ToList());
        var done = await org.Owner.Client.PostJsonAsync("/pmc/pack/list", new { status = "completed" }, OfmSteps.Org(org.Orgcode, ("x-channel-code", "web"))).Ok();
        Assert.Equal([guids[1]], done.GetProperty("items").EnumerateArray().Select(p => p.Text("pack_guid")).ToList());

        var first = await org.Post("/pmc/pack/list", new { channel_code = "web", limit = 2 }).Ok();
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var rest = await org.Post("/pmc/pack/list", new { channel_code = "web", limit = 2, next_token = first.Text("next_token") }).Ok();
        Assert.Equal([guids[2]], rest.GetProperty("items").EnumerateArray().Select(p => p.Text("pack_guid")).ToList());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_token").ValueKind);
        Assert.Empty((await org.Post("/pmc/pack/list", new { channel_code = "pos" }).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task bad_pack_requests_are_4xx_problems_and_a_viewer_reads_but_does_not_change_packs()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 1);
        var item = new { style_guid = org.StyleGuid, revision_no = 1 };

        async Task Refused(string path, object body, string field)
        {
            var problem = await org.Post(path, body).Problem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{path}: expected an error on {field}: {problem}");
        }

        await Refused("/pmc/pack/create", new { channel_code = "web", items = new[] { item } }, "name");
        await Refused("/pmc/pack/create", new { channel_code = "web", name = "x" }, "items");
        await Refused("/pmc/pack/create", new { channel_code = "web", name = "x", items = Array.Empty<object>() }, "items");
        await Refused("/pmc/pack/create", new { channel_code = "web", name = "x", items = new object[] { new { revision_no = 1 } } }, "items[0].style_guid");
        await Refused("/pmc/pack/create", new { channel_code = "web", name = "x", items = new object[] { new { style_guid = org.StyleGuid } } }, "items[0].revision_no");
        await Refused("/pmc/pack/create", new { channel_code = "web", name = "x", items = new object[] { new { style_guid = org.StyleGuid, revision_no = -1 } } },
            "items[0].revision_no");
        await Refused("/pmc/pack/create", new { channel_code = "web", name = "x", items = new object?[] { null } }, "items[0]");
        await Refused("/pmc/pack/create", new { channel_code = "web", name = "x", items = new object[] { item, new { style_code = "tee", revision_no = 1 } } }, "items[1]");
        await Refused("/pmc/pack/create", new { name = "x", items = new[] { item } }, "channel_code");
        var tooMany = Enumerable.Range(0, 10_001).Select(_ => item).ToArray();
        await Refused("/pmc/pack/create", new { channel_code = "web", name = "x", items = tooMany }, "items");
        await Refused("/pmc/pack/complete", new { }, "pack_guid");
        await Refused("/pmc/pack/complete", new { pack_guid = "nope" }, "pack_guid");
        await Refused("/pmc/pack/get", new { pack_guid = "nope" }, "pack_guid");
        await Refused("/pmc/pack/list", new { }, "channel_code");
        await Refused("/pmc/pack/list", new { channel_code = "web", limit = 0 }, "limit");
        await org.Post("/pmc/pack/list", new { channel_code = "web", status = "half" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/pack/list", new { channel_code = "web", next_token = "forged" }).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        var unknown = await org.Post("/pmc/pack/create", new { channel_code = "nowhere", name = "x", items = new[] { item } }).Problem((HttpStatusCode)422, "unknown_reference");
        Assert.Equal("channel_code", unknown.GetProperty("field").GetString());

        var pack = await org.Post("/pmc/pack/create", new { channel_code = "web", name = "x", items = new[] { item } }).Ok(HttpStatusCode.Created);
        var viewer = await host.ViewerAsync(org);
        await viewer.Client.Post("/pmc/pack/get", new { pack_guid = pack.Text("pack_guid") }, org.Orgcode).Ok();
        await viewer.Client.Post("/pmc/pack/list", new { channel_code = "web" }, org.Orgcode).Ok();
        await viewer.Client.Post("/pmc/pack/create", new { channel_code = "web", name = "x", items = new[] { item } }, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Client.Post("/pmc/pack/complete", new { pack_guid = pack.Text("pack_guid") }, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("open", (await org.Post("/pmc/pack/get", new { pack_guid = pack.Text("pack_guid") }).Ok()).Text("status"));
    }
}
