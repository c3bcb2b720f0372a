using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Retail.Shared.Contract;
using Retail.Shared.Dapr;
using Retail.Shared.OrgData;
using Retail.Shared.Records;
using Retail.Shared.State;
using Record = Retail.Shared.Records.Record;

namespace Retail.Dapr.Tests;

/// <summary>A record with a unique code and tags (a value set), so it writes every key family the record store has.</summary>
public sealed record Gadget : Record
{
    public required string GadgetGuid { get; init; }

    public required string Code { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    [JsonIgnore]
    public override string Key => GadgetGuid;

    public static RecordType<Gadget> Type { get; } = new RecordType<Gadget>("gadget", g => [new UniqueValue("code", g.Code)])
        .IndexValues("tag", g => g.Tags);
}

/// <summary>
/// The org-data <c>state</c> part in Dapr mode, through the Dapr SDK against the fake sidecar (one state table behind
/// both components, queried as <c>state.postgresql</c> v1 does): records written through <see cref="RecordStore{T}"/>
/// on the adapter, with history, unique values and value-index entries, idempotency replays and a registered raw family.
/// </summary>
public sealed class OrgDataTests : SidecarTest
{
    private const string App = "crm";

    private static readonly OrgKeyPrefix[] Prefixes = [new("webhook-secret")];

    private DaprStateStore Plain() =>
        new(Dapr, SidecarHttp, App, Options.StateStoreName, hasOutbox: false, Options, NoDelays, NullLogger<DaprStateStore>.Instance, Prefixes);

    private DaprStateStore Recorded() =>
        new(Dapr, SidecarHttp, App, NoDelays.RecordStateStoreName, hasOutbox: true, Options, NoDelays, NullLogger<DaprStateStore>.Instance, Prefixes);

    private DaprStatePart Part() => new(Plain());

    private RecordStore<Gadget> Gadgets() => new(Recorded(), Gadget.Type, TimeProvider.System, new RequestContext(), Tokens);

    private static PageTokens Tokens { get; } =
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Retail:PageTokenKey"] = "org-data-test" }).Build(),
            new NoOperatorKey());

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Three gadgets (one changed: history entries of its own, a unique value and a tag swapped), two replays, two secrets.</summary>
    private async Task SeedAsync(string? org)
    {
        var gadgets = Gadgets();
        for (var i = 0; i < 3; i++)
        {
            var written = await gadgets.CreateAsync(org, new Gadget
            {
                GadgetGuid = Guid.CreateVersion7().ToString(), Code = $"{org}-g{i}", Tags = ["red", $"t{i}"],
            }, ct: Ct);
            Assert.True(written.Succeeded);
        }
        var page = await gadgets.ListAsync(org, limit: 10, ct: Ct);
        var first = await gadgets.GetAsync(org, page.Items[0].Key, ct: Ct);
        Assert.True((await gadgets.UpdateAsync(org, first!, first!.Record with { Code = $"{org}-g0-new", Tags = ["blue", "t0"] }, ct: Ct)).Succeeded);
        if (org is null)
        {
            return;
        }
        await Plain().TransactAsync(new StateTransaction()
            .Upsert($"idem|{org}|hash-1", Json("""{"fingerprint":"f1","completed":true,"status":201}"""), null, TimeSpan.FromHours(24))
            .Upsert($"idem|{org}|hash-2", Json("""{"fingerprint":"f2","completed":false}"""), null, TimeSpan.FromHours(24))
            .Upsert($"webhook-secret|{org}|w1", Json("""{"value":"c2VhbGVk"}"""), null)
            .Upsert($"webhook-secret|{org}", Json("""{"value":"b3JnLXdpZGU="}"""), null), Ct);
    }

    /// <summary>What belongs to <paramref name="org"/>, read off the table by key (not by the rule under test).</summary>
    private HashSet<string> KeysOf(string org) =>
        [.. Sidecar.Documents().Keys.Where(key =>
            key.StartsWith($"rec|gadget|{org}|", StringComparison.Ordinal) || key.StartsWith($"hist|gadget|{org}|", StringComparison.Ordinal)
            || key.StartsWith($"uniq|gadget|{org}|", StringComparison.Ordinal) || key.StartsWith($"ixv|gadget#tag|{org}|", StringComparison.Ordinal)
            || key.StartsWith($"idem|{org}|", StringComparison.Ordinal) || key.StartsWith($"webhook-secret|{org}|", StringComparison.Ordinal)
            || key == $"webhook-secret|{org}")];

    private async Task<List<OrgDataItem>> ExportAllAsync(string org, int limit, Func<int, Task>? betweenPages = null)
    {
        var items = new List<OrgDataItem>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Part().ExportAsync(org, token, limit, Ct);
            Assert.True(page.Items.Count <= limit);
            items.AddRange(page.Items);
            token = page.NextToken;
            pages++;
            Assert.True(pages < 100, "export does not end");
            if (token is not null && betweenPages is not null)
            {
                await betweenPages(pages);
            }
        }
        while (token is not null);
        return items;
    }

    [Fact]
    public async Task export_of_an_org_pages_exactly_its_entries_and_purge_in_small_batches_leaves_nothing_and_every_other_entry_untouched()
    {
        await SeedAsync("acme");
        await SeedAsync("acme2");
        await SeedAsync(null);
        await Plain().TransactAsync(new StateTransaction()
            .Upsert("idem|no-org-hash", Json("""{"fingerprint":"f"}"""), null)
            .Upsert("signin-throttle|acme|someone", Json("""{"at":[]}"""), null), Ct);
        // Another app's entry of the same org in the same table: the query API reads every app's rows.
        var pos = Convert.ToHexStringLower(Encoding.UTF8.GetBytes("webhook-secret|acme|w9"));
        Sidecar.Seed("ipm||webhook-secret|acme|w9", $$$"""{"value":"x","$org":{"app":"ipm","org":"acme","pos":"{{{pos}}}"}}""");
        var expected = KeysOf("acme");
        // 3 records, 2 history entries (the changed one's creation and change: the others' creations stay in their rows),
        // 3 unique values, 6 tag entries (one swapped), 2 replays, 2 secrets.
        Assert.Equal(18, expected.Count);
        var others = Sidecar.Documents().Where(d => !expected.Contains(d.Key)).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);

        var items = await ExportAllAsync("acme", limit: 3);

        Assert.Equal(expected.Count, items.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), items.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.All(items, item => Assert.Equal(OrgDataEndpoints.StatePart, item.Part));
        foreach (var item in items)
        {
            var stored = await Plain().GetAsync(item.Key, Ct);
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(stored!.Value).RootElement, item.Value), item.Key);
            Assert.DoesNotContain("$org", item.Value.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain("$sort", item.Value.GetRawText(), StringComparison.Ordinal);
        }
        Assert.Equal(["gadget", "history", "idem", "index", "unique", "webhook-secret"], items.Select(i => i.Kind).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, await Part().CountAsync("acme", Ct));

        var steps = 0;
        long deleted = 0;
        while (true)
        {
            var step = await Part().PurgeAsync("acme", 4, Ct);
            Assert.InRange(step.Deleted, 0, 4);
            deleted += step.Deleted;
            steps++;
            Assert.True(steps < 50, "purge does not end");
            if (step.Done)
            {
                break;
            }
        }

        Assert.Equal(expected.Count, deleted);
        Assert.Equal(0, await Part().CountAsync("acme", Ct));
        Assert.All(expected, key => Assert.Null(Sidecar.Stored(key)));
        Assert.Equal(others, Sidecar.Documents());
        Assert.Equal(KeysOf("acme2").Count, await Part().CountAsync("acme2", Ct));
        Assert.Equal(new OrgPurgeStep(0, true), await Part().PurgeAsync("acme", 4, Ct));
        Assert.Empty(await ExportAllAsync("acme", limit: 3));
    }

    [Fact]
    public async Task entries_deleted_or_added_before_the_cursor_between_two_pages_neither_hide_nor_repeat_another_one()
    {
        await SeedAsync("acme");
        var before = KeysOf("acme");
        var removed = new List<string>();

        var items = await ExportAllAsync("acme", limit: 4, async page =>
        {
            if (page == 2)
            {
                // Two entries the export gave already go (replays expire), one sorting before them all arrives.
                var gone = Sidecar.Documents().Keys.Where(before.Contains).Order(StringComparer.Ordinal).Take(2).ToList();
                removed.AddRange(gone);
                var transaction = new StateTransaction();
                gone.ForEach(key => transaction.Delete(key, null));
                transaction.Upsert("hist|gadget|acme|000-early|000000000001", Json("""{"entity":"gadget.history","orgcode":"acme"}"""), null);
                await Plain().TransactAsync(transaction, Ct);
            }
        });

        var keys = items.Select(i => i.Key).ToList();
        Assert.Equal(2, removed.Count);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        // Every entry there at the start was exported once (the two that went, on the first page); the late one may be missed.
        Assert.Equal(before.Order(StringComparer.Ordinal), keys.Where(before.Contains).Order(StringComparer.Ordinal));
        Assert.All(keys, key => Assert.True(before.Contains(key) || key == "hist|gadget|acme|000-early|000000000001", key));
    }

    [Fact]
    public async Task every_value_under_an_orgs_key_carries_the_org_tag_from_its_own_write_and_reads_never_show_it()
    {
        var written = await Gadgets().CreateAsync("acme", new Gadget { GadgetGuid = "g-1", Code = "c-1", Tags = ["red"] }, ct: Ct);
        Assert.True(written.Succeeded);
        // Changed once, so its history has rows of its own (a creation's entry stays in the record's row until then).
        var loaded = await Gadgets().GetAsync("acme", "g-1", ct: Ct);
        Assert.True((await Gadgets().UpdateAsync("acme", loaded!, loaded!.Record with { }, ct: Ct)).Succeeded);
        await Gadgets().CreateAsync(null, new Gadget { GadgetGuid = "g-2", Code = "c-2" }, ct: Ct);
        // A value that is no JSON object is kept inside the tag and read back as written.
        await Plain().TransactAsync(new StateTransaction().Upsert("webhook-secret|acme|raw", Json("\"sealed-text\""), null), Ct);

        foreach (var key in new[] { "rec|gadget|acme|g-1", "uniq|gadget|acme|code|c-1", "ixv|gadget#tag|acme|red|g-1", "webhook-secret|acme|raw" })
        {
            var tag = JsonNode.Parse(Sidecar.StoredDocument(key)!)!["$org"]!;
            Assert.Equal(App, (string?)tag["app"]);
            Assert.Equal("acme", (string?)tag["org"]);
            Assert.Equal(key, Encoding.UTF8.GetString(Convert.FromHexString((string)tag["pos"]!)));
            Assert.DoesNotContain("$org", Encoding.UTF8.GetString((await Plain().GetAsync(key, Ct))!.Value), StringComparison.Ordinal);
        }
        Assert.Contains(Sidecar.Documents().Keys, key => key.StartsWith("hist|gadget|acme|g-1|", StringComparison.Ordinal)
            && JsonNode.Parse(Sidecar.StoredDocument(key)!)!["$org"] is not null);
        Assert.Null(JsonNode.Parse(Sidecar.StoredDocument("rec|gadget|_|g-2")!)!["$org"]);
        Assert.Equal("\"sealed-text\"", Encoding.UTF8.GetString((await Plain().GetAsync("webhook-secret|acme|raw", Ct))!.Value));
        Assert.Equal("g-1", (await Gadgets().GetAsync("acme", "g-1", ct: Ct))!.Record.GadgetGuid);
        var raw = Assert.Single(await ExportAllAsync("acme", 50), i => i.Key == "webhook-secret|acme|raw");
        Assert.Equal("sealed-text", raw.Value.GetString());
    }

    [Fact]
    public async Task a_purge_whose_entry_changed_since_it_was_read_deletes_nothing_of_that_batch_and_the_next_call_finishes()
    {
        await SeedAsync("acme");
        var expected = KeysOf("acme");
        var rewritten = false;
        // Another writer rewrites an entry between the part's query and its delete: the ETag-checked batch fails whole.
        Sidecar.AfterQuery = _ =>
        {
            if (!rewritten)
            {
                rewritten = true;
                var key = expected.Order(StringComparer.Ordinal).First();
                Sidecar.Seed(key, Sidecar.StoredDocument(key)!);
            }
        };

        var first = await Part().PurgeAsync("acme", 1000, Ct);

        Assert.True(rewritten);
        Assert.Equal(new OrgPurgeStep(0, false), first);
        Assert.Equal(expected.Count, await Part().CountAsync("acme", Ct));
        var second = await Part().PurgeAsync("acme", 1000, Ct);
        Assert.Equal(new OrgPurgeStep(expected.Count, true), second);
        Assert.Equal(0, await Part().CountAsync("acme", Ct));
    }

    private sealed class NoOperatorKey : IOperatorKeyProvider
    {
        public ValueTask<string?> GetOperatorKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
    }
}
