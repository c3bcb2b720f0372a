using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Ppm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>Publish profiles and runs as a client drives them: start, read, step, cancel, wait, read the manifest.</summary>
internal static class RunSteps
{
    public static readonly HashSet<string> Finished = ["completed", "cancelled", "failed"];

    /// <summary>A run of the org in <paramref name="channel"/>: 202 with the run.</summary>
    public static Task<JsonElement> StartRun(this PmcOrg org, object selector, string channel = "web", string mode = "auto", bool goOnline = false,
        string reason = "spring publish") =>
        org.Post("/pmc/publish/run/start", new { channel_code = channel, selector, reason, mode, go_online = goOnline }).Ok(HttpStatusCode.Accepted);

    public static Task<JsonElement> Run(this PmcOrg org, string runGuid) => org.Post("/pmc/publish/run/get", new { run_guid = runGuid }).Ok();

    public static string Guid(this JsonElement run) => run.GetProperty("run_guid").GetString()!;

    public static string Status(this JsonElement run) => run.GetProperty("status").GetString()!;

    public static string Stage(this JsonElement run) => run.GetProperty("stage").GetString()!;

    public static int Count(this JsonElement run, string name) => run.GetProperty("counts").GetProperty(name).GetInt32();

    public static int Excluded(this JsonElement run, string rule) =>
        run.GetProperty("counts").GetProperty("excluded_by_rule").TryGetProperty(rule, out var n) ? n.GetInt32() : 0;

    /// <summary>The run once it has finished (completed, cancelled or failed).</summary>
    public static async Task<JsonElement> Finish(this PmcOrg org, string runGuid)
    {
        var run = default(JsonElement);
        await Waits.UntilAsync(async () => { run = await org.Run(runGuid); return Finished.Contains(run.Status()); }, $"run {runGuid} finished");
        return run;
    }

    /// <summary>The run once it waits for a step (a manual run between stages) or has finished.</summary>
    public static async Task<JsonElement> Waiting(this PmcOrg org, string runGuid)
    {
        var run = default(JsonElement);
        await Waits.UntilAsync(async () => (run = await org.Run(runGuid)).Status() is "awaiting_step" or "completed" or "cancelled" or "failed",
            $"run {runGuid} waits for a step");
        return run;
    }

    public static Task<HttpResponseMessage> Step(this PmcOrg org, string runGuid) => org.Post("/pmc/publish/run/step", new { run_guid = runGuid });

    public static Task<HttpResponseMessage> Cancel(this PmcOrg org, string runGuid) => org.Post("/pmc/publish/run/cancel", new { run_guid = runGuid });

    /// <summary>Every manifest entry of the run, all pages read with <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> Manifest(this PmcOrg org, string runGuid, int limit = 50)
    {
        var all = new List<JsonElement>();
        string? token = null;
        do
        {
            var page = await org.Post("/pmc/publish/run/manifest/list", new { run_guid = runGuid, limit, next_token = token }).Ok();
            all.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.Text("next_token");
        }
        while (token is not null);
        return all;
    }

    /// <summary>The NDJSON lines of a gzip manifest part downloaded from its signed URL.</summary>
    public static async Task<IReadOnlyList<JsonElement>> DownloadPart(this RetailHostFactory factory, string url)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri(url).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = new List<JsonElement>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }
        return lines;
    }

    /// <summary>A PMC host of its own with these settings (a small page size makes runs of a few styles take several pages).</summary>
    public static RetailHostFactory Host(int pageSize, string? dataDir = null)
    {
        var factory = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = PmcHost.Modules };
        factory.Settings["Pmc:Runs:PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return factory;
    }

    /// <summary>Another active style with <paramref name="variants"/> active, barcoded variants priced in <c>web</c>; answers the style guid and its variants.</summary>
    public static async Task<(string StyleGuid, IReadOnlyList<string> Variants)> NewStyle(this PmcOrg org, string styleCode, string brandCode = "northwind",
        string categoryCode = "shirts", int variants = 2, long gtinBase = 700_000_000_000)
    {
        var style = await org.Post("/pvm/style", new
        {
            style_code = styleCode,
            name = $"Style {styleCode}",
            brand_code = brandCode,
            primary_vendor_code = "acme",
            primary_manufacturer_code = "mill",
            category_code = categoryCode,
            ogm_code = "apparel",
            ogm_revision = 1,
            compliance = new { country_of_origin = "PT", hs_code = "610910" },
        }).Ok(HttpStatusCode.Created);
        await org.Post("/pvm/style/status", new { style_code = styleCode, status = "active", expected_revision = style.Revision() }).Ok();
        var guids = new List<string>();
        var sizes = new[] { "s", "m", "l" };
        for (var i = 0; i < variants; i++)
        {
            var variant = await org.Post("/pvm/variant", new
            {
                style_code = styleCode,
                variant_code = $"{styleCode}-{sizes[i % 3]}-{(i < 3 ? "red" : "blue")}",
                options = new[] { new { option_group_code = "size", option_code = sizes[i % 3] }, new { option_group_code = "colour", option_code = i < 3 ? "red" : "blue" } },
                status = "active",
                barcodes = new[] { new { barcode = PvmSteps.Gtin13(gtinBase + i), primary = true } },
            }).Ok(HttpStatusCode.Created);
            var guid = variant.GetProperty("variant_guid").GetString()!;
            guids.Add(guid);
            await org.Pricing.Price(guid, "eur", 2000 + (100 * i));
        }
        await new PpmOrg(org.Orgcode, org.Owner, org.Owner, guids).KnowsVariants("web");
        return (style.GetProperty("style_guid").GetString()!, guids);
    }
}
