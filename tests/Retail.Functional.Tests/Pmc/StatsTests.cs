using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>/build/stats: revisions written, products online and the last run, per channel.</summary>
public sealed class StatsTests(PmcHost host) : IClassFixture<PmcHost>
{
    private static JsonElement Channel(JsonElement stats, string channel) =>
        stats.GetProperty("items").EnumerateArray().Single(s => s.Text("channel_code") == channel);

    [Fact]
    public async Task build_stats_count_revisions_and_online_products_and_name_the_last_run()
    {
        var org = await host.NewOrgAsync();
        var polo = await org.SecondStyleAsync();
        await host.RevisionsAsync(org, 2);
        var runs = await host.RevisionsAsync(org, 1, polo);
        await org.ClearPointer().Ok();
        await org.ClearPointer(styleGuid: polo).Ok();

        var quiet = Channel(await org.Post("/pmc/build/stats", new { channel_code = "web" }).Ok(), "web");
        Assert.Equal((3L, 0L), (quiet.GetProperty("revisions").GetInt64(), quiet.GetProperty("online_products").GetInt64()));
        Assert.Equal(runs[^1].Text("run_guid"), quiet.Text("last_run_guid"));
        Assert.NotNull(quiet.Text("last_run_finished_at"));

        await org.SetPointer(2, online: true).Ok();
        await org.SetPointer(1, online: true, styleGuid: polo).Ok();
        var busy = Channel(await org.Post("/pmc/build/stats", new { channel_code = "web" }).Ok(), "web");
        Assert.Equal((3L, 2L), (busy.GetProperty("revisions").GetInt64(), busy.GetProperty("online_products").GetInt64()));

        // Offline keeps the revisions, and a rollback is no new revision.
        await org.Online(false, styleGuid: polo).Ok();
        await org.SetPointer(1).Ok();
        var after = Channel(await org.Post("/pmc/build/stats", new { channel_code = "web" }).Ok(), "web");
        Assert.Equal((3L, 1L), (after.GetProperty("revisions").GetInt64(), after.GetProperty("online_products").GetInt64()));

        // Without a channel: every channel the org published in (pos has no prices, so nothing was published there).
        var all = await org.Post("/pmc/build/stats", new { }).Ok();
        Assert.Equal(["web"], all.GetProperty("items").EnumerateArray().Select(s => s.Text("channel_code")).ToList());
        Assert.Equal(1L, Channel(all, "web").GetProperty("online_products").GetInt64());
        var pos = Channel(await org.Post("/pmc/build/stats", new { channel_code = "pos" }).Ok(), "pos");
        Assert.Equal((0L, 0L, null), (pos.GetProperty("revisions").GetInt64(), pos.GetProperty("online_products").GetInt64(), pos.Text("last_run_guid")));
        var viaHeader = await org.Owner.Client.PostJsonAsync("/pmc/build/stats", new { }, OfmSteps.Org(org.Orgcode, ("x-channel-code", "web"))).Ok();
        Assert.Equal(3L, Channel(viaHeader, "web").GetProperty("revisions").GetInt64());

        // A pack counts its products online at once.
        var pack = await org.Post("/pmc/pack/create", new
        {
            channel_code = "web", name = "Both",
            items = new object[] { new { style_guid = org.StyleGuid, revision_no = 2 }, new { style_guid = polo, revision_no = 1 } },
        }).Ok(HttpStatusCode.Created);
        await org.Post("/pmc/pack/complete", new { pack_guid = pack.Text("pack_guid") }).Ok();
        Assert.Equal(2L, Channel(await org.Post("/pmc/build/stats", new { channel_code = "web" }).Ok(), "web").GetProperty("online_products").GetInt64());

        // Another org's figures are its own.
        var other = await host.NewOrgAsync("pmc-other");
        Assert.Empty((await other.Post("/pmc/build/stats", new { }).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task build_stats_requests_are_checked()
    {
        var org = await host.NewOrgAsync();
        var unknown = await org.Post("/pmc/build/stats", new { channel_code = "nowhere" }).Problem((HttpStatusCode)422, "unknown_reference");
        Assert.Equal("channel_code", unknown.GetProperty("field").GetString());
        await org.Post("/pmc/build/stats", new { channel_code = "Not A Code" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/build/stats", new { limit = 501 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/build/stats", new { channel = "web" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/build/stats", new { next_token = "forged" }).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await org.Owner.Client.PostJsonAsync("/pmc/build/stats", new { channel_code = "pos" }, OfmSteps.Org(org.Orgcode, ("x-channel-code", "web")))
            .Problem(HttpStatusCode.BadRequest, "context_mismatch");
        var viewer = await host.ViewerAsync(org);
        await viewer.Client.Post("/pmc/build/stats", new { channel_code = "web" }, org.Orgcode).Ok();
    }
}
