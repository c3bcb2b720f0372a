using Retail.Ics.Counts;
using Retail.Ics.Stock;
using Retail.Shared.Contract;

namespace Retail.Ics.Tests;

public sealed class CountRulesTests
{
    private static StockCount Count(IReadOnlyList<string>? bins, params CountLine[] lines) => new()
    {
        CountGuid = "c",
        FacilityCode = "store-1",
        BinCodes = bins,
        Blind = true,
        Lines = lines,
        CreatedBy = "u1",
    };

    [Fact]
    public void merging_counts_each_expected_line_and_adds_found_stock_at_expected_zero()
    {
        var count = Count(["a1", "a2"], new CountLine("v1", "a1", 10), new CountLine("v2", "a2", 5));
        var (lines, mismatch) = CountRules.Merge(count, [new("v1", "a1", 8), new("v2", "a2", 5), new("v3", "a2", 3)]);
        Assert.Null(mismatch);
        Assert.Equal([new CountLine("v1", "a1", 10, 8, -2), new CountLine("v2", "a2", 5, 5, 0), new CountLine("v3", "a2", 0, 3, 3)], lines);
    }

    [Fact]
    public void merging_refuses_a_missing_line_a_bin_outside_the_count_and_a_line_reported_twice()
    {
        var count = Count(["a1"], new CountLine("v1", "a1", 10));
        Assert.Equal("count_incomplete", CountRules.Merge(count, []).Mismatch?.Code);
        Assert.Equal("bin_not_in_count", CountRules.Merge(count, [new("v1", "a1", 1), new("v2", "b9", 1)]).Mismatch?.Code);
        Assert.Equal("bin_not_in_count", CountRules.Merge(count, [new("v1", null, 1)]).Mismatch?.Code);
        Assert.Equal("duplicate_line", CountRules.Merge(count, [new("v1", "a1", 1), new("v1", "a1", 2)]).Mismatch?.Code);
        var facility = Count(null, new CountLine("v1", null, 4));
        Assert.Equal("bin_not_in_count", CountRules.Merge(facility, [new("v1", "a1", 4)]).Mismatch?.Code);
        Assert.Null(CountRules.Merge(facility, [new("v1", null, 4)]).Mismatch);
    }

    [Fact]
    public void variances_become_found_and_missing_movements_of_available_in_their_bins()
    {
        var count = Count(["a1", "a2"], new CountLine("v1", "a1", 10, 8, -2), new CountLine("v2", "a2", 5, 5, 0), new CountLine("v3", "a2", 0, 3, 3));
        Assert.Equal(
            [new StockMove("store-1", "v1", StockState.Available, null, 2, FromBin: "a1"), new StockMove("store-1", "v3", null, StockState.Available, 3, ToBin: "a2")],
            CountRules.Adjustments(count));
        Assert.Empty(CountRules.Adjustments(Count(null, new CountLine("v1", null, 4))));
    }

    [Fact]
    public void a_blind_count_hides_expected_and_variance_below_admin_only()
    {
        var count = Count(["a1"], new CountLine("v1", "a1", 10, 8, -2));
        var hidden = count.ViewFor(Role.Member);
        Assert.True(hidden.ExpectedHidden);
        Assert.Equal([new CountLine("v1", "a1", null, 8, null)], hidden.Lines);
        Assert.Same(count, count.ViewFor(Role.Admin));
        Assert.Same(count, count.ViewFor(Role.Owner));
        var open = count with { Blind = false };
        Assert.Same(open, open.ViewFor(Role.Viewer));
    }
}
