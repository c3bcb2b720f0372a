using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>UC-PMC-003 over HTTP: a product's pointer moves between its revisions, the online flag goes on and off without losing it.</summary>
public sealed class PointerTests(PmcHost host) : IClassFixture<PmcHost>
{
    [Fact]
    public async Task UC_PMC_003_the_pointer_rolls_back_and_forward_between_existing_revisions_and_keeps_the_online_flag()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 3);
        var start = await org.Pointer("web", org.StyleGuid);
        Assert.Equal(("tee", 3), (start.Text("style_code"), start.GetProperty("latest_revision_no").GetInt32()));

        var latest = await org.SetPointer(3, "season start", online: true).Ok();
        Assert.Equal((3, true), latest.State());
        Assert.Equal(("season start", org.Owner.UserGuid), (latest.Text("reason"), latest.Text("changed_by")));

        // Rollback to an older revision: the product stays online, now at revision 1.
        var back = await org.SetPointer(1, "bad copy in 3").Ok();
        Assert.Equal((1, true), back.State());
        Assert.Equal(latest.Revision() + 1, back.Revision());
        // Roll forward to a newer one than the pointer, not necessarily the latest.
        var forward = await org.SetPointer(2, "fixed").Ok();
        Assert.Equal((2, true), forward.State());

        var read = await org.Pointer("web", org.StyleGuid);
        Assert.Equal((2, true, 3), (read.State().Pointer, read.State().Online, read.GetProperty("latest_revision_no").GetInt32()));
        Assert.Equal(forward.Revision(), read.Revision());
        Assert.Equal("fixed", read.Text("reason"));
        Assert.NotNull(read.Text("updated_at"));

        // Named by its code too, as long as it was published in the channel under it.
        var byCode = await org.Post("/pmc/product/pointer/set", new { channel_code = "web", style_code = "TEE", revision_no = 3, reason = "by code" }).Ok();
        Assert.Equal((3, true), byCode.State());

        // Every change told the storefront's subscribers where the product now stands, in record order.
        var changes = host.Events(org, "pmc.product.online_changed").Where(e => e.Text("style_guid") == org.StyleGuid).ToList();
        Assert.Equal(byCode.Revision(), changes[^1].GetProperty("record_revision").GetInt64());
        Assert.Equal(3, changes[^1].GetProperty("pointer_revision_no").GetInt32());
        Assert.True(changes[^1].GetProperty("online").GetBoolean());
        var order = changes.Select(e => e.GetProperty("record_revision").GetInt64()).ToList();
        Assert.Equal(order.Order().ToList(), order);
    }

    [Fact]
    public async Task a_revision_the_product_does_not_have_is_422_unknown_revision_and_changes_nothing()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 1);
        var set = await org.SetPointer(1, online: true).Ok();

        var problem = await org.SetPointer(2).Problem((HttpStatusCode)422, "unknown_revision");
        Assert.Equal("revision_no", problem.GetProperty("field").GetString());
        await org.SetPointer(99_999_999).Problem((HttpStatusCode)422, "unknown_revision");

        var after = await org.Pointer("web", org.StyleGuid);
        Assert.Equal((set.Revision(), 1, true), (after.Revision(), after.State().Pointer, after.State().Online));
    }

    [Fact]
    public async Task online_clear_keeps_the_pointer_and_online_set_takes_the_product_back_at_it()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 2);

        // Cleared: no pointer and offline, so there is nothing to take online.
        var cleared = await org.ClearPointer().Ok();
        Assert.Equal((null, false), cleared.State());
        await org.Online(true).Problem(HttpStatusCode.Conflict, "no_pointer");

        // A pointer set alone keeps the product offline.
        var pointed = await org.SetPointer(1).Ok();
        Assert.Equal((1, false), pointed.State());

        var online = await org.Online(true).Ok();
        Assert.Equal((1, true), online.State());
        var offline = await org.Online(false).Ok();
        Assert.Equal((1, false), offline.State());
        Assert.Equal("hide it", offline.Text("reason"));
        var again = await org.Online(true).Ok();
        Assert.Equal((1, true), again.State());

        // Clearing the pointer of an online product takes it offline too.
        var withdrawn = await org.ClearPointer("recall").Ok();
        Assert.Equal((null, false), withdrawn.State());
        Assert.Equal("recall", withdrawn.Text("reason"));
    }

    [Fact]
    public async Task a_stale_expected_revision_is_409_and_a_current_one_is_taken()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 2);
        var read = await org.Pointer("web", org.StyleGuid);

        var first = await org.SetPointer(1, online: true, expectedRevision: read.Revision()).Ok();
        Assert.Equal(read.Revision() + 1, first.Revision());

        // Someone who read before that change loses: nothing changes.
        var stale = await org.SetPointer(2, expectedRevision: read.Revision()).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(first.Revision(), stale.GetProperty("current_revision").GetInt64());
        await org.Online(false, expectedRevision: read.Revision()).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/pmc/product/pointer/clear", new { channel_code = "web", style_guid = org.StyleGuid, reason = "x", expected_revision = read.Revision() })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal((1, true), (await org.Pointer("web", org.StyleGuid)).State());

        var second = await org.SetPointer(2, expectedRevision: first.Revision()).Ok();
        Assert.Equal((2, true), second.State());
    }

    [Fact]
    public async Task the_channel_comes_from_the_body_or_the_header_and_a_product_never_published_there_is_404()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 1);

        var viaHeader = await org.Owner.Client.PostJsonAsync("/pmc/product/pointer/get", new { style_guid = org.StyleGuid },
            OfmSteps.Org(org.Orgcode, ("x-channel-code", "web"))).Ok();
        Assert.Equal("web", viaHeader.Text("channel_code"));
        await org.Owner.Client.PostJsonAsync("/pmc/product/pointer/get", new { channel_code = "pos", style_guid = org.StyleGuid },
            OfmSteps.Org(org.Orgcode, ("x-channel-code", "web"))).Problem(HttpStatusCode.BadRequest, "context_mismatch");
        await org.Post("/pmc/product/pointer/get", new { style_guid = org.StyleGuid }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        // pos has no prices, so the style was never published there.
        await org.Post("/pmc/product/pointer/get", new { channel_code = "pos", style_guid = org.StyleGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.SetPointer(1, channel: "pos").Problem(HttpStatusCode.NotFound, "not_found");
        await org.Online(true, channel: "pos").Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = Guid.CreateVersion7().ToString() })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_code = "nosuch" }).Problem(HttpStatusCode.NotFound, "not_found");
        // A channel the org does not have cannot take a product online.
        var unknown = await org.SetPointer(1, channel: "nowhere").Problem((HttpStatusCode)422, "unknown_reference");
        Assert.Equal("channel_code", unknown.GetProperty("field").GetString());

        // Another org does not see the product at all.
        var other = await host.NewOrgAsync("pmc-other");
        await other.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = org.StyleGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/pmc/product/pointer/set", new { channel_code = "web", style_guid = org.StyleGuid, revision_no = 1, reason = "x" })
            .Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task bad_pointer_requests_are_4xx_problems_and_a_viewer_reads_but_does_not_switch()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 1);
        var guid = org.StyleGuid;

        async Task Refused(string path, object body, string field)
        {
            var problem = await org.Post(path, body).Problem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{path}: expected an error on {field}: {problem}");
        }

        await Refused("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = 1 }, "reason");
        await Refused("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = 1, reason = " " }, "reason");
        await Refused("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, reason = "x" }, "revision_no");
        await Refused("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = 0, reason = "x" }, "revision_no");
        await Refused("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = 1, reason = "x", expected_revision = 0 },
            "expected_revision");
        await Refused("/pmc/product/pointer/set", new { channel_code = "web", revision_no = 1, reason = "x" }, "style_guid");
        await Refused("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, style_code = "tee", revision_no = 1, reason = "x" },
            "style_guid");
        await Refused("/pmc/product/pointer/set", new { channel_code = "web", style_guid = "not-a-guid", revision_no = 1, reason = "x" }, "style_guid");
        await Refused("/pmc/product/pointer/set", new { channel_code = "Web Shop", style_guid = guid, revision_no = 1, reason = "x" }, "channel_code");
        await Refused("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = 1, reason = new string('r', 501) }, "reason");
        await Refused("/pmc/product/pointer/clear", new { channel_code = "web", style_guid = guid }, "reason");
        await Refused("/pmc/product/pointer/get", new { channel_code = "web", style_guid = guid, limit = 5 }, "limit");
        await org.Post("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = 1, reason = "x", pointer = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = "1x", reason = "x" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = 3_000_000_000L, reason = "x" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/product/online/set", "{\"channel_code\": \"web\",").Problem(HttpStatusCode.BadRequest, "validation_failed");

        var viewer = await host.ViewerAsync(org);
        var read = await viewer.Client.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = guid }, org.Orgcode).Ok();
        Assert.Equal(1, read.GetProperty("latest_revision_no").GetInt32());
        await viewer.Client.Post("/pmc/product/pointer/set", new { channel_code = "web", style_guid = guid, revision_no = 1, reason = "x" }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Client.Post("/pmc/product/online/clear", new { channel_code = "web", style_guid = guid }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(read.Revision(), (await org.Pointer("web", guid)).Revision());
    }
}
