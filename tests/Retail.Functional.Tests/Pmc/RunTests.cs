using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>UC-PMC-001 and UC-PMC-002: publish runs in auto mode, from start to a completed run with its revisions and manifest.</summary>
public sealed class RunTests(PmcHost host) : IClassFixture<PmcHost>
{
    [Fact]
    public async Task UC_PMC_001_a_single_variant_published_with_a_reason_completes_with_one_revision_and_a_second_run_finds_it_unchanged()
    {
        var org = await host.NewOrgAsync();
        var started = await org.StartRun(new { kind = "variants", variant_guids = new[] { org.Variants[0] } }, reason: "launch the red small tee");
        Assert.Equal("running", started.Status());
        Assert.Equal("select", started.Stage());
        Assert.Equal("launch the red small tee", started.Text("reason"));
        Assert.Equal(0, started.GetProperty("profile").Revision());

        var run = await org.Finish(started.Guid());
        Assert.Equal("completed", run.Status());
        Assert.Equal("done", run.Stage());
        Assert.Equal(1, run.Count("styles_selected"));
        Assert.Equal(1, run.Count("styles_evaluated"));
        Assert.Equal(1, run.Count("variants_selected"));
        Assert.Equal(1, run.Count("variants_published"));
        Assert.Equal(0, run.Count("variants_excluded"));
        Assert.Equal(1, run.Count("revisions_written"));
        Assert.Single(run.GetProperty("manifest").EnumerateArray());
        var entry = Assert.Single(await org.Manifest(run.Guid()));
        Assert.Equal(org.Variants[0], entry.Text("variant_guid"));
        Assert.Equal("tee-s-red", entry.Text("variant_code"));
        Assert.Equal(org.StyleGuid, entry.Text("style_guid"));
        Assert.Equal("tee", entry.Text("style_code"));
        Assert.True(entry.GetProperty("included").GetBoolean());
        Assert.Equal(1, entry.GetProperty("revision_no").GetInt32());

        // The same content again: no new revision, the item points at revision 1.
        var again = await org.Finish((await org.StartRun(new { kind = "variants", variant_guids = new[] { org.Variants[0] } })).Guid());
        Assert.Equal("completed", again.Status());
        Assert.Equal(0, again.Count("revisions_written"));
        Assert.Equal(1, again.Count("revisions_unchanged"));
        Assert.Equal(1, Assert.Single(await org.Manifest(again.Guid())).GetProperty("revision_no").GetInt32());

        // The whole style is other content: revision 2 with all six variants.
        var style = await org.Finish((await org.StartRun(new { kind = "style", guid = org.StyleGuid })).Guid());
        Assert.Equal(6, style.Count("variants_published"));
        Assert.Equal(1, style.Count("revisions_written"));
        var entries = await org.Manifest(style.Guid());
        Assert.Equal(6, entries.Count);
        Assert.All(entries, e => Assert.Equal(2, e.GetProperty("revision_no").GetInt32()));
        Assert.Equal(org.Variants.Order(), entries.Select(e => e.Text("variant_guid")!).Order());
    }

    [Fact]
    public async Task UC_PMC_002_brand_category_and_all_selectors_select_their_styles_page_by_page()
    {
        await using var factory = RunSteps.Host(pageSize: 2);
        using var @operator = factory.CreateOperatorClient();
        var org = await PmcHost.NewOrgAsync(factory, @operator);
        var contoso = await org.Owner.LinkedBrand(org.Orgcode, "contoso", "acme", "mill");
        var polos = await org.Post("/pvm/category", new { category_code = "polos", department_code = "tops", name = "Polos" }).Ok(HttpStatusCode.Created);
        await org.NewStyle("polo", brandCode: "contoso", variants: 2, gtinBase: 700_000_000_000);
        await org.NewStyle("henley", categoryCode: "polos", variants: 3, gtinBase: 710_000_000_000);
        await org.NewStyle("crew", variants: 1, gtinBase: 720_000_000_000);

        var byBrand = await org.Finish((await org.StartRun(new { kind = "brand", guid = contoso.GetProperty("brand_guid").GetString() })).Guid());
        Assert.Equal("completed", byBrand.Status());
        Assert.Equal(1, byBrand.Count("styles_selected"));
        Assert.Equal(2, byBrand.Count("variants_published"));
        Assert.Equal(["polo"], (await org.Manifest(byBrand.Guid())).Select(e => e.Text("style_code")).Distinct());

        var byCategory = await org.Finish((await org.StartRun(new { kind = "category", guid = polos.GetProperty("category_guid").GetString() })).Guid());
        Assert.Equal(1, byCategory.Count("styles_selected"));
        Assert.Equal(3, byCategory.Count("variants_published"));
        Assert.Equal(["henley"], (await org.Manifest(byCategory.Guid())).Select(e => e.Text("style_code")).Distinct());

        // tee, polo and crew are shirts: two pages of styles at page size 2.
        var shirts = await org.Post("/pvm/category/get", new { category_code = "shirts" }).Ok();
        var byShirts = await org.Finish((await org.StartRun(new { kind = "category", guid = shirts.GetProperty("category_guid").GetString() })).Guid());
        Assert.Equal(3, byShirts.Count("styles_selected"));
        Assert.Equal(6 + 2 + 1, byShirts.Count("variants_published"));
        Assert.Equal(2, byShirts.Count("revisions_written"));
        Assert.Equal(1, byShirts.Count("revisions_unchanged"));

        var all = await org.Finish((await org.StartRun(new { kind = "all" })).Guid());
        Assert.Equal("completed", all.Status());
        Assert.Equal(4, all.Count("styles_selected"));
        Assert.Equal(12, all.Count("variants_published"));
        // Every style was published as it is now: nothing new to write.
        Assert.Equal(0, all.Count("revisions_written"));
        Assert.Equal(4, all.Count("revisions_unchanged"));
        var manifest = await org.Manifest(all.Guid(), limit: 1);
        Assert.Equal(12, manifest.Count);
        Assert.Equal(["crew", "henley", "polo", "tee"], manifest.Select(e => e.Text("style_code")!).Distinct().Order());
    }

    [Fact]
    public async Task a_run_names_its_channel_selector_and_reason_and_refuses_unknown_references()
    {
        var org = await host.NewOrgAsync();
        var tee = new { kind = "style", guid = org.StyleGuid };
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", selector = tee })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", selector = tee, reason = "  " })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r", selector = new { kind = "variants" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r", selector = new { kind = "variants", variant_guids = Array.Empty<string>() } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var many = Enumerable.Range(0, 101).Select(_ => Guid.NewGuid().ToString()).ToArray();
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r", selector = new { kind = "variants", variant_guids = many } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r", selector = new { kind = "style" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r", selector = new { kind = "all", guid = org.StyleGuid } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r", selector = new { kind = "colour" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r", selector = tee, mode = "sometimes" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish/run/start", new { reason = "r", selector = tee }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        await org.Post("/pmc/publish/run/start", new { channel_code = "nope", reason = "r", selector = tee })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/pmc/publish/run/start", new { channel_code = "web", facility_code = "nope", reason = "r", selector = tee })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        foreach (var kind in new[] { "style", "brand", "category" })
        {
            var problem = await org.Post("/pmc/publish/run/start", new { channel_code = "web", reason = "r", selector = new { kind, guid = Guid.NewGuid() } })
                .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
            Assert.Equal("selector.guid", problem.Text("field"));
        }
        var unknownVariant = await org.Post("/pmc/publish/run/start", new
        {
            channel_code = "web", reason = "r", selector = new { kind = "variants", variant_guids = new[] { org.Variants[0], Guid.NewGuid().ToString() } },
        }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("selector.variant_guids[1]", unknownVariant.Text("field"));

        await org.Post("/pmc/publish/run/get", new { run_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/pmc/publish/run/get", new { run_guid = "not-a-guid" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Step(Guid.NewGuid().ToString()).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Cancel(Guid.NewGuid().ToString()).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/pmc/publish/run/manifest/list", new { run_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");

        // Header channel, same as the body or alone.
        var byHeader = await org.Owner.Client.PostJsonAsync("/pmc/publish/run/start", new { reason = "r", selector = tee },
            Ofm.OfmSteps.Org(org.Orgcode, ("x-channel-code", "web"))).Ok(HttpStatusCode.Accepted);
        Assert.Equal("web", byHeader.Text("channel_code"));
        var finished = await org.Finish(byHeader.Guid());
        Assert.Equal("completed", finished.Status());
        await org.Step(finished.Guid()).Problem(HttpStatusCode.Conflict, "run_finished");
        await org.Cancel(finished.Guid()).Problem(HttpStatusCode.Conflict, "run_finished");
    }

    [Fact]
    public async Task a_completed_run_s_manifest_downloads_through_its_signed_url_as_gzip_ndjson_with_every_variant()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/pmc/publish-profile/set", new { channel_code = "pos" }).Ok();
        var run = await org.Finish((await org.StartRun(new { kind = "style", guid = org.StyleGuid }, channel: "pos")).Guid());
        Assert.Equal("completed", run.Status());
        Assert.Equal(6, run.Count("variants_excluded"));
        Assert.Equal(6, run.Excluded("no_price"));
        Assert.Equal(0, run.Count("revisions_written"));

        var presigned = await org.Post("/pmc/publish/run/manifest/presign", new { run_guid = run.Guid() }).Ok();
        var part = Assert.Single(presigned.GetProperty("parts").EnumerateArray());
        Assert.Equal(6, part.GetProperty("lines").GetInt32());
        var lines = await host.Factory.DownloadPart(part.Text("download_url")!);
        Assert.Equal(6, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.False(l.GetProperty("included").GetBoolean());
            Assert.Equal("no_price", l.Text("rule"));
            Assert.Equal(org.StyleGuid, l.Text("style_guid"));
            Assert.Equal(System.Text.Json.JsonValueKind.Null, l.GetProperty("revision_no").ValueKind);
        });
        Assert.Equal(org.Variants.Order(), lines.Select(l => l.Text("variant_guid")!).Order());

        // MRS keeps the part tagged with the run.
        var stored = await org.Post("/mrs/list", new { tags = new[] { "pmc:manifest", $"run:{run.Guid()}" } }).Ok();
        var record = Assert.Single(stored.GetProperty("items").EnumerateArray());
        Assert.Equal("ready", record.Text("status"));
        Assert.Equal("application/x-ndjson", record.Text("content_type"));
    }

    [Fact]
    public async Task UC_PMC_001_a_run_with_go_online_finishes_by_taking_its_products_online_as_one_completed_pack()
    {
        var org = await host.NewOrgAsync();
        var (polo, _) = await org.NewStyle("polo", variants: 2, gtinBase: 760_000_000_000);
        var run = await org.Finish((await org.StartRun(new { kind = "all" }, goOnline: true, reason: "go live")).Guid());
        Assert.Equal("completed", run.Status());
        Assert.Equal(2, run.Count("revisions_written"));
        var packGuid = run.Text("pack_guid");
        Assert.NotNull(packGuid);
        var pack = await org.Post("/pmc/pack/get", new { pack_guid = packGuid }).Ok();
        Assert.Equal("completed", pack.Text("status"));
        Assert.Equal(run.Guid(), pack.Text("run_guid"));
        Assert.Equal(2, pack.GetProperty("items").GetArrayLength());
        foreach (var style in new[] { org.StyleGuid, polo })
        {
            var pointer = await org.Pointer("web", style);
            Assert.True(pointer.GetProperty("online").GetBoolean(), $"{style} online: {pointer}");
            Assert.Equal(1, pointer.GetProperty("pointer_revision_no").GetInt32());
        }

        // Without go_online a new revision is written and the pointer stays where it was.
        await org.RenameStyleAsync(org.StyleGuid, "Tee, renamed");
        var quiet = await org.Finish((await org.StartRun(new { kind = "style", guid = org.StyleGuid })).Guid());
        Assert.Equal(1, quiet.Count("revisions_written"));
        Assert.Null(quiet.Text("pack_guid"));
        var after = await org.Pointer("web", org.StyleGuid);
        Assert.Equal(1, after.GetProperty("pointer_revision_no").GetInt32());
        Assert.Equal(2, after.GetProperty("latest_revision_no").GetInt32());
    }

    [Fact]
    public async Task a_viewer_reads_runs_and_profiles_but_only_an_admin_writes_another_org_sees_nothing_and_a_start_replays_by_its_key()
    {
        var org = await host.NewOrgAsync();
        var key = Ofm.OfmSteps.Org(org.Orgcode, ("Idempotency-Key", $"start-{Guid.NewGuid():N}"));
        var body = new { channel_code = "web", reason = "once", selector = new { kind = "style", guid = org.StyleGuid } };
        using var first = await org.Owner.Client.PostJsonAsync("/pmc/publish/run/start", body, key);
        using var again = await org.Owner.Client.PostJsonAsync("/pmc/publish/run/start", body, key);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        var runGuid = (await first.JsonAsync()).Guid();
        Assert.Equal(runGuid, (await again.JsonAsync()).Guid());
        await org.Finish(runGuid);

        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");
        var member = host.Factory.NewUser("member");
        await org.Owner.Join(org.Orgcode, member, "member");
        await viewer.Client.Post("/pmc/publish/run/get", new { run_guid = runGuid }, org.Orgcode).Ok();
        await viewer.Client.Post("/pmc/publish/run/manifest/list", new { run_guid = runGuid }, org.Orgcode).Ok();
        await viewer.Client.Post("/pmc/publish/run/manifest/presign", new { run_guid = runGuid }, org.Orgcode).Ok();
        await viewer.Client.Post("/pmc/publish-profile/get", new { channel_code = "web" }, org.Orgcode).Ok();
        foreach (var writer in new[] { viewer, member })
        {
            await writer.Client.Post("/pmc/publish/run/start", body, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
            await writer.Client.Post("/pmc/publish/run/cancel", new { run_guid = runGuid }, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
            await writer.Client.Post("/pmc/publish/run/step", new { run_guid = runGuid }, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
            await writer.Client.Post("/pmc/publish-profile/set", new { channel_code = "web" }, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        }

        var other = await host.NewOrgAsync("pmc-other");
        await other.Post("/pmc/publish/run/get", new { run_guid = runGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/pmc/publish/run/manifest/list", new { run_guid = runGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Cancel(runGuid).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
