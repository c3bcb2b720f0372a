using Retail.Shared.Embedded;
using Retail.Shared.Json;
using Retail.Shared.State;
using Retail.Shared.Tests.Embedded;

namespace Retail.Shared.Tests.Collaboration;

/// <summary>The FTS5 index kept by triggers in the app's own SQLite file, and the search port over it.</summary>
public sealed class FullTextIndexTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();
    private readonly SqliteStateStore _store;
    private readonly SqliteTextSearch _search;

    public FullTextIndexTests()
    {
        _store = _dir.OpenStore("ics");
        _search = new SqliteTextSearch(_store);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    // The envelope RecordStore writes: entity, orgcode, key, doomed, and the record under data.
    private static byte[] Stored(string key, string? text, string org = "acme", string entity = "comment", bool doomed = false) =>
        RetailJson.ToBytes(new { entity, orgcode = org, key, doomed, data = new { search_text = text } });

    private async Task WriteAsync(string key, string? text, string org = "acme", string entity = "comment", bool doomed = false)
    {
        var current = await _store.GetAsync($"rec|{entity}|{org}|{key}", Ct);
        Assert.True((await _store.TransactAsync(new StateTransaction().Upsert($"rec|{entity}|{org}|{key}", Stored(key, text, org, entity, doomed), current?.ETag), Ct)).Committed);
    }

    private async Task<IReadOnlyList<string>> FindAsync(string word, string org = "acme", string entity = "comment") =>
        (await _search.SearchAsync(new TextSearchQuery(entity, org, [word], 50), Ct)).Keys;

    [Fact]
    public async Task records_written_before_the_first_search_are_indexed_and_later_writes_follow_in_their_transaction()
    {
        await WriteAsync("k1", "Blue pallets arrived wet");
        Assert.Equal(["k1"], await FindAsync("blue"));

        await WriteAsync("k2", "Another blue crate");
        await WriteAsync("k1", "Red pallets");
        Assert.Equal(["k2"], await FindAsync("blue"));
        Assert.Equal(["k1"], await FindAsync("red"));

        await WriteAsync("k2", null);
        Assert.Empty(await FindAsync("blue"));
        await WriteAsync("k1", "Red pallets", doomed: true);
        Assert.Empty(await FindAsync("red"));
        await WriteAsync("k1", "Red pallets again");
        Assert.Equal(["k1"], await FindAsync("red"));

        await _store.TransactAsync(new StateTransaction().Delete("rec|comment|acme|k1", null), Ct);
        Assert.Empty(await FindAsync("red"));
        Assert.Equal(0, _dir.Count("ics", "SELECT count(*) FROM state_text"));
        Assert.Equal(0, _dir.Count("ics", "SELECT count(*) FROM state_text_keys"));
    }

    [Fact]
    public async Task a_search_stays_in_its_org_and_entity_and_matches_word_prefixes_without_accents()
    {
        await WriteAsync("a", "Forklift battery", org: "acme");
        await WriteAsync("b", "Forklift battery", org: "beta");
        await WriteAsync("c", "Forklift battery", entity: "inbox_item");
        await WriteAsync("d", "Crème brûlée");

        Assert.Equal(["a"], await FindAsync("fork"));
        Assert.Equal(["b"], await FindAsync("forklift", org: "beta"));
        Assert.Equal(["c"], await FindAsync("battery", entity: "inbox_item"));
        Assert.Equal(["d"], await FindAsync("creme"));
    }

    [Fact]
    public async Task pages_run_newest_key_first_without_repeats_and_a_foreign_token_is_refused()
    {
        for (var i = 0; i < 7; i++)
        {
            await WriteAsync($"k{i}", $"label number {i}");
        }
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await _search.SearchAsync(new TextSearchQuery("comment", "acme", ["label"], 3, token), Ct);
            Assert.True(page.Keys.Count <= 3);
            keys.AddRange(page.Keys);
            token = page.Token;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 7).Reverse().Select(i => $"k{i}"), keys);
        await Assert.ThrowsAsync<Retail.Shared.Records.InvalidPageTokenException>(() => _search.SearchAsync(new TextSearchQuery("comment", "acme", ["label"], 3, "garbage!"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _search.SearchAsync(new TextSearchQuery("comment", "acme", ["a\"b"], 3), Ct));
    }
}
