using Retail.Shared;

namespace Retail.Shared.Tests;

public sealed class IdsTests
{
    [Fact]
    public void ids_made_in_one_millisecond_sort_in_the_order_they_were_made()
    {
        // Thousands of ids fall into each millisecond here; Guid.CreateVersion7 would order them at random within it.
        var ids = Enumerable.Range(0, 20_000).Select(_ => Ids.New()).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids.Take(100), id => Assert.Equal(7, Guid.Parse(id).Version));
        Assert.True(ids.GroupBy(id => id[..13]).Max(g => g.Count()) > 1, "the test must make several ids within one millisecond");
    }

    [Fact]
    public async Task ids_made_on_many_threads_at_once_are_unique_and_carry_the_current_time()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 5_000).Select(_ => Ids.NewGuid()).ToList())));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        foreach (var batch in batches)
        {
            Assert.Equal(batch.Select(g => g.ToString()), batch.Select(g => g.ToString()).Order(StringComparer.Ordinal));
        }
        // The generator keeps ids ascending: when the counter within a millisecond runs out it borrows the next
        // millisecond (RFC 9562 §6.2), so after tens of thousands of ids (this class makes 60,000) the stamp may run a
        // little ahead of the wall clock, never behind it and never far ahead.
        var millis = Convert.ToInt64(all[0].ToString("N")[..12], 16);
        Assert.InRange(millis, before, after + 1_000);
    }
}
