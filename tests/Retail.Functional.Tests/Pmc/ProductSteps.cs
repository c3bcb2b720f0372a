using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Ppm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>Revisions, pointers, packs and build figures as a client drives them: revisions come from real publish runs.</summary>
internal static class ProductSteps
{
    /// <summary>
    /// Publishes one style in a channel through a publish run (auto mode) and waits until the run has completed; answers
    /// the run. Each run whose content differs from the product's latest revision writes the next revision.
    /// </summary>
    public static Task<JsonElement> PublishAsync(this PmcOrg org, string channel, string styleGuid, bool goOnline = false) =>
        org.RunAsync(channel, new { kind = "style", guid = styleGuid }, goOnline);

    /// <summary>A publish run of any selector (auto mode), waited for until it has completed; answers the run.</summary>
    public static async Task<JsonElement> RunAsync(this PmcOrg org, string channel, object selector, bool goOnline = false)
    {
        using var started = await org.Post("/pmc/publish/run/start", new
        {
            channel_code = channel,
            selector,
            mode = "auto",
            reason = "products test",
            go_online = goOnline,
        });
        var run = await started.JsonAsync();
        Assert.True(started.IsSuccessStatusCode, $"publish/run/start answered {(int)started.StatusCode}: {run}");
        var runGuid = run.GetProperty("run_guid").GetString()!;
        await Waits.UntilAsync(async () =>
        {
            run = await org.Post("/pmc/publish/run/get", new { run_guid = runGuid }).Ok();
            var status = run.GetProperty("status").GetString();
            Assert.True(status is "running" or "awaiting_step" or "completed", $"the run ended {status}: {run}");
            return status == "completed";
        }, $"publish run {runGuid} completes");
        return run;
    }

    /// <summary>Renames the style in PVM, so that the next publish of it writes a new revision.</summary>
    public static async Task RenameStyleAsync(this PmcOrg org, string styleGuid, string name)
    {
        var style = await org.Post("/pvm/style/get", new { style_guid = styleGuid }).Ok();
        await org.Post("/pvm/style/update", new { style_guid = styleGuid, name, expected_revision = style.Revision() }).Ok();
    }

    /// <summary>Publishes <paramref name="count"/> revisions of the style in <c>web</c>, renaming it before each but the first ("Tee 1", "Tee 2", …).</summary>
    public static async Task<IReadOnlyList<JsonElement>> RevisionsAsync(this PmcOrg org, int count, string? styleGuid = null, string channel = "web")
    {
        styleGuid ??= org.StyleGuid;
        var runs = new List<JsonElement>();
        for (var i = 1; i <= count; i++)
        {
            await org.RenameStyleAsync(styleGuid, $"Tee {i}");
            runs.Add(await org.PublishAsync(channel, styleGuid));
        }
        var pointer = await org.Pointer(channel, styleGuid);
        Assert.True(pointer.GetProperty("latest_revision_no").GetInt32() >= count, $"expected {count} revisions: {pointer}");
        return runs;
    }

    /// <summary>
    /// A second active style (<c>polo</c> by default) on the org's brand, category and OGM, with two active variants that have
    /// barcodes and prices in <c>web</c>; answers its guid once PPM's projection knows its variants.
    /// </summary>
    public static async Task<string> SecondStyleAsync(this PmcOrg org, string code = "polo", int gtinBase = 700)
    {
        var tee = await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        var created = await org.Owner.Create(org.Orgcode, "/pvm/style", new
        {
            style_code = code,
            name = $"Style {code}",
            brand_code = "northwind",
            primary_vendor_code = "acme",
            primary_manufacturer_code = "mill",
            category_code = "shirts",
            ogm_guid = tee.GetProperty("ogm_guid").GetString(),
            compliance = new { country_of_origin = "PT", hs_code = "610910" },
        });
        await org.Post("/pvm/style/status", new { style_code = code, status = "active", expected_revision = created.Revision() }).Ok();
        var variants = new List<string>();
        var n = 0;
        foreach (var size in new[] { "s", "m" })
        {
            var variant = await org.Owner.ActiveVariant(org.Orgcode, code, $"{code}-{size}-red", size, "red", PvmSteps.Gtin13((gtinBase * 1_000_000_000L) + n++));
            variants.Add(variant.GetProperty("variant_guid").GetString()!);
        }
        var pricing = new PpmOrg(org.Orgcode, org.Owner, org.Owner, variants);
        foreach (var variant in variants)
        {
            await pricing.Price(variant, "eur", 2500);
        }
        await pricing.KnowsVariants("web");
        return created.GetProperty("style_guid").GetString()!;
    }

    public static Task<JsonElement> Pointer(this PmcOrg org, string channel, string styleGuid) =>
        org.Post("/pmc/product/pointer/get", new { channel_code = channel, style_guid = styleGuid }).Ok();

    public static Task<HttpResponseMessage> SetPointer(this PmcOrg org, int revisionNo, string reason = "test", bool? online = null, long? expectedRevision = null,
        string channel = "web", string? styleGuid = null) =>
        org.Post("/pmc/product/pointer/set", new
        {
            channel_code = channel, style_guid = styleGuid ?? org.StyleGuid, revision_no = revisionNo, online, reason, expected_revision = expectedRevision,
        });

    public static Task<HttpResponseMessage> Online(this PmcOrg org, bool online, long? expectedRevision = null, string channel = "web", string? styleGuid = null) =>
        org.Post(online ? "/pmc/product/online/set" : "/pmc/product/online/clear",
            new { channel_code = channel, style_guid = styleGuid ?? org.StyleGuid, reason = online ? "show it" : "hide it", expected_revision = expectedRevision });

    public static Task<HttpResponseMessage> ClearPointer(this PmcOrg org, string reason = "withdrawn", string channel = "web", string? styleGuid = null) =>
        org.Post("/pmc/product/pointer/clear", new { channel_code = channel, style_guid = styleGuid ?? org.StyleGuid, reason });

    /// <summary>(pointer_revision_no or null, online) of a pointer view.</summary>
    public static (int? Pointer, bool Online) State(this JsonElement view) =>
        (view.GetProperty("pointer_revision_no").ValueKind == JsonValueKind.Null ? null : view.GetProperty("pointer_revision_no").GetInt32(),
            view.GetProperty("online").GetBoolean());

    /// <summary>The storefront's answer for the product (404 while it is not online there).</summary>
    public static Task<HttpResponseMessage> Storefront(this PmcOrg org, string channel, string styleGuid) =>
        org.Post("/pmc/product/get", new { channel_code = channel, style_guid = styleGuid });

    /// <summary>A viewer of the org (reads only).</summary>
    public static async Task<TestUser> ViewerAsync(this PmcHost host, PmcOrg org)
    {
        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");
        return viewer;
    }

    /// <summary>The business events of <paramref name="type"/> PMC committed for the org, in commit order (its outbox, as a consumer receives them).</summary>
    public static IReadOnlyList<JsonElement> Events(this PmcHost host, PmcOrg org, string type) => host.Factory.OutboxEvents("pmc", org.Orgcode, type);

    public static IReadOnlyList<int> RevisionNos(this JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("revision_no").GetInt32()).ToList();
}
