using Retail.Scm.Policies;

namespace Retail.Scm.Tests;

public sealed class RoutingPlannerTests
{
    private const string A = "variant-a";
    private const string B = "variant-b";

    private static readonly IReadOnlyList<RouteLineInput> TwoLines = [new(1, A, 5), new(2, B, 5)];

    [Fact]
    public void Whole_order_fill_takes_a_later_candidate_holding_everything_over_a_split()
    {
        var stock = Stock(("store-1", A, 5), ("store-2", A, 5), ("store-2", B, 5));
        var plan = RoutingPlanner.Plan(TwoLines, ["store-1", "store-2"], stock, splitAllowed: true, preferWholeOrder: true);
        Assert.All(plan.Lines, l => Assert.Equal("store-2", l.FacilityCode));
        Assert.False(plan.Split);
        Assert.True(plan.Fulfillable);
    }

    [Fact]
    public void With_a_split_and_no_whole_order_preference_each_line_goes_to_the_first_candidate_holding_it()
    {
        var stock = Stock(("store-1", A, 5), ("store-2", A, 5), ("store-2", B, 5));
        var plan = RoutingPlanner.Plan(TwoLines, ["store-1", "store-2"], stock, splitAllowed: true, preferWholeOrder: false);
        Assert.Equal("store-1", plan.Lines[0].FacilityCode);
        Assert.Equal("store-2", plan.Lines[1].FacilityCode);
        Assert.True(plan.Split);
        Assert.True(plan.Fulfillable);
    }

    [Fact]
    public void Without_a_split_the_facility_holding_the_most_takes_the_whole_order_short()
    {
        var stock = Stock(("store-1", A, 5), ("store-2", B, 5), ("store-2", A, 1));
        var plan = RoutingPlanner.Plan(TwoLines, ["store-1", "store-2"], stock, splitAllowed: false, preferWholeOrder: true);
        Assert.All(plan.Lines, l => Assert.Equal("store-2", l.FacilityCode));
        Assert.Equal(4, plan.Lines[0].Shortfall);
        Assert.Equal(0, plan.Lines[1].Shortfall);
        Assert.False(plan.Fulfillable);
        Assert.False(plan.Split);
        Assert.Contains(plan.Reasoning, r => r.Contains("not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_split_stock_taken_by_an_earlier_line_is_not_counted_twice()
    {
        IReadOnlyList<RouteLineInput> lines = [new(1, A, 4), new(2, A, 4)];
        var stock = Stock(("store-1", A, 5), ("store-2", A, 4));
        var plan = RoutingPlanner.Plan(lines, ["store-1", "store-2"], stock, splitAllowed: true, preferWholeOrder: true);
        Assert.Equal("store-1", plan.Lines[0].FacilityCode);
        Assert.Equal("store-2", plan.Lines[1].FacilityCode);
        Assert.True(plan.Fulfillable);
    }

    [Fact]
    public void A_line_no_candidate_holds_has_no_facility()
    {
        var plan = RoutingPlanner.Plan([new(1, A, 1)], ["store-1"], Stock(), splitAllowed: true, preferWholeOrder: false);
        Assert.Null(plan.Lines[0].FacilityCode);
        Assert.Equal(1, plan.Lines[0].Shortfall);
        Assert.False(plan.Fulfillable);
    }

    private static Dictionary<(string Facility, string Variant), long> Stock(params (string Facility, string Variant, long Available)[] positions) =>
        positions.ToDictionary(p => (p.Facility, p.Variant), p => p.Available);
}
