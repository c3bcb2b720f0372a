using Retail.Shared.Embedded;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Shared.Tests.Embedded;

/// <summary>The less-than filter (Dapr's LT) that lists such as "inbox items due before" use instead of filtering in memory.</summary>
public sealed class StateQueryRangeTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();
    private readonly SqliteStateStore _store;

    public StateQueryRangeTests() => _store = _dir.OpenStore();

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task a_less_than_filter_keeps_values_below_the_bound_and_leaves_missing_ones_out()
    {
        var start = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
        var transaction = new StateTransaction();
        for (var i = 0; i < 10; i++)
        {
            DateTimeOffset? due = i == 9 ? null : start.AddHours(i);
            transaction.Upsert($"item/{i}", RetailJson.ToBytes(new { orgcode = i % 2 == 0 ? "acme" : "beta", due_at = due, rank = i }), null);
        }
        Assert.True((await _store.TransactAsync(transaction, Ct)).Committed);

        var byTime = await _store.QueryAsync(new StateQuery([StateFilter.Eq("orgcode", "acme"), StateFilter.Lt("due_at", start.AddHours(5))], [], 50), Ct);
        var byNumber = await _store.QueryAsync(new StateQuery([StateFilter.Lt("rank", 3)], [], 50), Ct);

        Assert.Equal(["item/0", "item/2", "item/4"], byTime.Items.Select(e => e.Key));
        Assert.Equal(["item/0", "item/1", "item/2"], byNumber.Items.Select(e => e.Key));
    }
}
