using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pmc;

/// <summary>Exactly one online revision per product and channel, whatever changes it at the same time.</summary>
public sealed class PointerConcurrencyTests(PmcHost host) : IClassFixture<PmcHost>
{
    [Fact]
    public async Task UC_PMC_003_many_parallel_pointer_and_online_changes_of_one_product_serialize_into_one_consistent_state()
    {
        var org = await host.NewOrgAsync();
        await host.RevisionsAsync(org, 3);
        var before = await org.SetPointer(1, "start", online: true).Ok();

        var random = new Random(42);
        var calls = Enumerable.Range(0, 24).Select(i => random.Next(5) switch
        {
            0 => org.SetPointer(1 + random.Next(3), $"change {i}"),
            1 => org.SetPointer(1 + random.Next(3), $"change {i}", online: random.Next(2) == 0),
            2 => org.Online(true),
            3 => org.Online(false),
            _ => org.ClearPointer($"change {i}"),
        }).ToList();
        var answers = new List<(HttpStatusCode Status, JsonElement Body)>();
        foreach (var response in await Task.WhenAll(calls))
        {
            using (response)
            {
                answers.Add((response.StatusCode, await response.JsonAsync()));
            }
        }

        // Every call either changed the product or was refused as a client can understand; none failed.
        foreach (var (status, body) in answers)
        {
            Assert.True(status == HttpStatusCode.OK || (status == HttpStatusCode.Conflict && body.GetProperty("code").GetString() is "revision_mismatch" or "no_pointer"),
                $"{(int)status}: {body}");
        }
        var written = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Body).ToList();
        Assert.NotEmpty(written);

        // Each change that was taken got a record revision of its own, one after another from where the product stood.
        var revisions = written.Select(w => w.Revision()).Order().ToList();
        Assert.Equal(Enumerable.Range(0, written.Count).Select(i => before.Revision() + 1 + i).ToList(), revisions);

        var final = await org.Pointer("web", org.StyleGuid);
        Assert.Equal(revisions[^1], final.Revision());
        var (pointer, online) = final.State();
        Assert.True(pointer is null or >= 1 and <= 3, $"the pointer names a revision the product has: {final}");
        Assert.True(!online || pointer is not null, $"online only at a pointer: {final}");
        var last = written.Single(w => w.Revision() == final.Revision());
        Assert.Equal(last.State(), final.State());

        // The record's history holds those changes in that order, each state as its writer was told it.
        var history = (await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = org.StyleGuid, include_history = true, limit = 500 }).Ok())
            .GetProperty("history").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, (int)final.Revision()).Select(r => (long)r).ToList(), history.Select(h => h.Revision()).ToList());
        foreach (var answer in written)
        {
            var entry = history.Single(h => h.Revision() == answer.Revision()).GetProperty("record");
            Assert.Equal(answer.State(), entry.State());
            var (p, o) = entry.State();
            Assert.True(!o || p is not null, $"online only at a pointer: {entry}");
        }
        var changed = host.Events(org, "pmc.product.online_changed").Where(e => e.Text("style_guid") == org.StyleGuid)
            .Select(e => e.GetProperty("record_revision").GetInt64()).ToList();
        Assert.Equal(changed.Distinct().Count(), changed.Count);
        Assert.Subset(changed.ToHashSet(), revisions.ToHashSet());

        // The storefront serves exactly that revision, or nothing when the product is offline.
        using var served = await org.Storefront("web", org.StyleGuid);
        var storefront = await served.JsonAsync();
        if (online)
        {
            Assert.True(served.StatusCode == HttpStatusCode.OK, $"{(int)served.StatusCode}: {storefront}");
            Assert.Equal(pointer, storefront.GetProperty("revision_no").GetInt32());
        }
        else
        {
            Assert.True(served.StatusCode == HttpStatusCode.NotFound, $"{(int)served.StatusCode}: {storefront}");
        }
    }

    [Fact]
    public async Task a_pack_completing_while_pointers_move_either_wins_whole_or_retries_on_the_new_state()
    {
        var org = await host.NewOrgAsync();
        var polo = await org.SecondStyleAsync();
        await host.RevisionsAsync(org, 2);
        await host.RevisionsAsync(org, 2, polo);
        await org.SetPointer(1, online: true).Ok();
        var pack = await org.Post("/pmc/pack/create", new
        {
            channel_code = "web", name = "both at 2",
            items = new object[] { new { style_guid = org.StyleGuid, revision_no = 2 }, new { style_guid = polo, revision_no = 2 } },
        }).Ok(HttpStatusCode.Created);

        // Fewer racing writers than a switch's attempts, so the pack always gets through.
        var switches = Enumerable.Range(0, 4).Select(_ => org.Online(false)).ToList();
        var complete = org.Post("/pmc/pack/complete", new { pack_guid = pack.Text("pack_guid") });
        using var completed = await complete;
        foreach (var response in await Task.WhenAll(switches))
        {
            using (response)
            {
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)response.StatusCode}: {await response.JsonAsync()}");
            }
        }
        Assert.True(completed.StatusCode == HttpStatusCode.OK, $"{(int)completed.StatusCode}: {await completed.JsonAsync()}");

        // Whatever ran after it, the pack moved both pointers to 2; polo, which nothing else touched, is online at 2.
        Assert.Equal((2, true), (await org.Pointer("web", polo)).State());
        var tee = await org.Pointer("web", org.StyleGuid);
        Assert.Equal(2, tee.State().Pointer);
        var completedEvent = host.Events(org, "pmc.pack.completed").Single();
        var teeItem = completedEvent.GetProperty("items").EnumerateArray().Single(i => i.Text("style_guid") == org.StyleGuid);
        var history = (await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = org.StyleGuid, include_history = true, limit = 500 }).Ok())
            .GetProperty("history").GetProperty("items").EnumerateArray().ToList();
        var atPack = history.Single(h => h.Revision() == teeItem.GetProperty("record_revision").GetInt64()).GetProperty("record");
        Assert.Equal((2, true), atPack.State());
    }
}
