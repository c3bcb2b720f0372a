using System.Globalization;
using System.Text.Json;
using Retail.Shared.Embedded;
using Retail.Shared.State;

namespace Retail.Shared.Tests.Embedded;

public sealed class StateQueryTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();
    private readonly SqliteStateStore _store;

    public StateQueryTests() => _store = _dir.OpenStore();

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private sealed record Item(string Key, string Orgcode, string Status, int? Rank, bool Doomed, string City);

    private async Task<List<Item>> SeedAsync(int count)
    {
        var items = Enumerable.Range(0, count).Select(i => new Item(
            $"item/{i:D3}",
            i % 3 == 0 ? "beta" : "acme",
            (i % 4) switch { 0 => "open", 1 => "closed", 2 => "held", _ => "open" },
            i % 7 == 0 ? null : i % 5,
            i % 10 == 0,
            i % 2 == 0 ? "Lyon" : "Oslo")).ToList();
        var transaction = new StateTransaction();
        foreach (var item in items)
        {
            var json = Retail.Shared.Json.RetailJson.ToBytes(new
            {
                orgcode = item.Orgcode,
                status = item.Status,
                rank = item.Rank,
                doomed = item.Doomed,
                address = new { city = item.City },
            });
            transaction.Upsert(item.Key, json, null);
        }
        Assert.True((await _store.TransactAsync(transaction)).Committed);
        return items;
    }

    private async Task<List<StateEntry>> ReadAllPagesAsync(StateQuery query)
    {
        var all = new List<StateEntry>();
        var token = query.Token;
        var pages = 0;
        do
        {
            var page = await _store.QueryAsync(query with { Token = token });
            Assert.True(page.Items.Count <= query.Limit);
            all.AddRange(page.Items);
            token = page.Token;
            pages++;
            Assert.True(pages < 1000, "paging does not end");
        }
        while (token is not null);
        return all;
    }

    [Fact]
    public async Task equality_and_in_filters_are_joined_by_and()
    {
        var items = await SeedAsync(60);

        var page = await _store.QueryAsync(new StateQuery(
            [StateFilter.Eq("orgcode", "acme"), StateFilter.In("status", "open", "held"), StateFilter.Eq("address.city", "Lyon"), StateFilter.Eq("doomed", false)],
            [],
            500), Ct);

        var expected = items.Where(i => i.Orgcode == "acme" && i.Status is "open" or "held" && i.City == "Lyon" && !i.Doomed).Select(i => i.Key).Order(StringComparer.Ordinal);
        Assert.Equal(expected, page.Items.Select(e => e.Key));
        Assert.Null(page.Token);
    }

    [Fact]
    public async Task a_count_matches_what_paging_the_same_filters_lists_and_leaves_out_expired_entries()
    {
        var items = await SeedAsync(103);
        var expiring = new StateTransaction()
            .Upsert("item/x1", Retail.Shared.Json.RetailJson.ToBytes(new { orgcode = "acme", status = "open" }), null, TimeSpan.FromMilliseconds(1))
            .Upsert("item/x2", Retail.Shared.Json.RetailJson.ToBytes(new { orgcode = "acme", status = "open" }), null, TimeSpan.FromHours(1));
        Assert.True((await _store.TransactAsync(expiring, Ct)).Committed);
        await Task.Delay(20, Ct);
        IReadOnlyList<StateFilter> filters = [StateFilter.Eq("orgcode", "acme"), StateFilter.In("status", "open", "held"), StateFilter.Eq("doomed", false)];

        var count = await _store.CountAsync(filters, cancellationToken: Ct);
        var listed = await ReadAllPagesAsync(new StateQuery(filters, [], 10));

        var expected = items.Count(i => i.Orgcode == "acme" && i.Status is "open" or "held" && !i.Doomed);
        Assert.Equal(expected, listed.Count);
        Assert.Equal(expected, count);
        Assert.Equal(0, await _store.CountAsync([StateFilter.Eq("orgcode", "nobody")], cancellationToken: Ct));
        Assert.Equal(1, await _store.CountAsync([StateFilter.Eq("orgcode", "acme"), StateFilter.Eq("status", "open"), StateFilter.Eq("doomed", null)], cancellationToken: Ct));
    }

    [Fact]
    public async Task filters_match_numbers_and_nulls()
    {
        var items = await SeedAsync(60);

        var page = await _store.QueryAsync(new StateQuery([StateFilter.In("rank", 3, null)], [], 500), Ct);

        Assert.Equal(items.Where(i => i.Rank is null or 3).Select(i => i.Key).Order(StringComparer.Ordinal), page.Items.Select(e => e.Key));
    }

    [Fact]
    public async Task paging_over_a_sorted_query_returns_every_match_once_in_order()
    {
        var items = await SeedAsync(103);

        var all = await ReadAllPagesAsync(new StateQuery([StateFilter.Eq("orgcode", "acme")], [new StateSort("rank", Descending: true), new StateSort("status")], 7));

        // SQLite's order: numbers descending, then nulls (nulls sort first ascending, last descending); key breaks ties.
        var expected = items.Where(i => i.Orgcode == "acme")
            .OrderByDescending(i => i.Rank.HasValue).ThenByDescending(i => i.Rank)
            .ThenBy(i => i.Status, StringComparer.Ordinal).ThenBy(i => i.Key, StringComparer.Ordinal)
            .Select(i => i.Key);
        Assert.Equal(expected, all.Select(e => e.Key));
    }

    [Fact]
    public async Task paging_ascending_with_nulls_first_has_no_gaps_or_duplicates()
    {
        var items = await SeedAsync(50);

        var all = await ReadAllPagesAsync(new StateQuery([], [new StateSort("rank")], 4));

        var expected = items.OrderBy(i => i.Rank.HasValue).ThenBy(i => i.Rank).ThenBy(i => i.Key, StringComparer.Ordinal).Select(i => i.Key);
        Assert.Equal(expected, all.Select(e => e.Key));
    }

    [Fact]
    public async Task paging_ascending_over_several_fields_with_nulls_behind_them_has_no_gaps_or_duplicates()
    {
        // A page after a token is read arm by arm (fields fixed to the token's, then the next one greater); a later row may
        // hold a null in a field behind a greater one, and a token may hold nulls: the arms must still follow on exactly.
        var items = await SeedAsync(97);

        foreach (var limit in new[] { 1, 3, 8 })
        {
            var all = await ReadAllPagesAsync(new StateQuery([], [new StateSort("status"), new StateSort("rank"), new StateSort("address.city")], limit));

            var expected = items.OrderBy(i => i.Status, StringComparer.Ordinal).ThenBy(i => i.Rank.HasValue).ThenBy(i => i.Rank)
                .ThenBy(i => i.City, StringComparer.Ordinal).ThenBy(i => i.Key, StringComparer.Ordinal).Select(i => i.Key);
            Assert.Equal(expected, all.Select(e => e.Key));
        }
    }

    [Fact]
    public async Task rows_written_between_pages_do_not_shift_the_pages()
    {
        var items = await SeedAsync(40);
        var query = new StateQuery([], [new StateSort("status")], 10);
        var first = await _store.QueryAsync(query, Ct);

        // New rows that sort before and after the cursor, and a deleted one after it.
        await _store.TransactAsync(new StateTransaction()
            .Upsert("item/aaa", Json.Bytes("""{"status":"aaa"}"""), null)
            .Upsert("item/zzz", Json.Bytes("""{"status":"zzz"}"""), null), Ct);
        var rest = await ReadAllPagesAsync(query with { Token = first.Token });

        var keys = first.Items.Concat(rest).Select(e => e.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(items.Select(i => i.Key).Append("item/zzz").Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task a_token_from_a_different_sort_is_refused()
    {
        await SeedAsync(20);
        var page = await _store.QueryAsync(new StateQuery([], [new StateSort("status")], 5), Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => _store.QueryAsync(new StateQuery([], [new StateSort("rank")], 5, page.Token), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.QueryAsync(new StateQuery([], [], 5, "not-a-token"), Ct));
    }

    [Fact]
    public async Task values_come_back_as_stored()
    {
        await SeedAsync(3);

        var page = await _store.QueryAsync(new StateQuery([StateFilter.Eq("status", "closed")], [], 10), Ct);

        var entry = Assert.Single(page.Items);
        using var document = JsonDocument.Parse(entry.Value);
        Assert.Equal("Oslo", document.RootElement.GetProperty("address").GetProperty("city").GetString());
        Assert.Equal((await _store.GetAsync(entry.Key, Ct))!.ETag, entry.ETag);
    }
}
