using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pmc;

/// <summary>A run's manifest in several MRS parts: every variant once, in selection order, each part a gzip NDJSON upload.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task a_manifest_larger_than_a_part_is_split_into_parts_that_together_name_every_variant_once()
    {
        await using var factory = RunSteps.Host(pageSize: 2);
        // A part closes after the first item that fills it: one style per part.
        factory.Settings["Pmc:Runs:ManifestPartBytes"] = "1";
        using var @operator = factory.CreateOperatorClient();
        var org = await PmcHost.NewOrgAsync(factory, @operator);
        await org.NewStyle("polo", variants: 2, gtinBase: 770_000_000_000);
        await org.NewStyle("crew", variants: 3, gtinBase: 771_000_000_000);

        var run = await org.Finish((await org.StartRun(new { kind = "all" })).Guid());
        Assert.Equal("completed", run.Status());
        var parts = (await org.Post("/pmc/publish/run/manifest/presign", new { run_guid = run.Guid() }).Ok()).GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(3, parts.Count);
        Assert.Equal([1, 2, 3], parts.Select(p => p.GetProperty("part").GetInt32()));
        var lines = new List<System.Text.Json.JsonElement>();
        foreach (var part in parts)
        {
            var downloaded = await factory.DownloadPart(part.Text("download_url")!);
            Assert.Equal(part.GetProperty("lines").GetInt32(), downloaded.Count);
            Assert.Single(downloaded.Select(l => l.Text("style_guid")).Distinct());
            lines.AddRange(downloaded);
        }
        Assert.Equal(11, lines.Count);
        Assert.Equal(11, lines.Select(l => l.Text("variant_guid")).Distinct().Count());
        Assert.All(lines, l => Assert.True(l.GetProperty("included").GetBoolean()));

        // The list pages by style, in the same order as the parts.
        var listed = await org.Manifest(run.Guid(), limit: 1);
        Assert.Equal(lines.Select(l => l.Text("variant_guid")), listed.Select(l => l.Text("variant_guid")));
        await org.Post("/pmc/publish/run/manifest/list", new { run_guid = run.Guid(), limit = 501 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
