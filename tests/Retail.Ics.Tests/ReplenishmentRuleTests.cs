using Retail.Ics.Replenishment;
using Retail.Ics.Stock;
using Retail.Shared.MasterData;

namespace Retail.Ics.Tests;

/// <summary>Reorder suggestions, transfer sourcing and allocation ranking, with numbers checked by hand.</summary>
public sealed class ReplenishmentRuleTests
{
    private const string Tees = "0190a000-0000-7000-8000-000000000001";

    private static ReplenishmentRule Rule(string facility, long min, long max, long reorder, long onOrder = 0,
        MasterStatus status = MasterStatus.Active) =>
        new() { FacilityCode = facility, VariantGuid = Tees, Min = min, Max = max, ReorderQuantity = reorder, OnOrder = onOrder, Status = status };

    private static Position At(string facility, long available, long inTransit = 0) =>
        new() { FacilityCode = facility, VariantGuid = Tees, Available = available, InTransit = inTransit };

    [Theory]
    [InlineData(4, 0, 0, 46)]   // 50 − 4
    [InlineData(4, 3, 2, 41)]   // 50 − (4 + 3 + 2)
    [InlineData(45, 0, 0, null)] // above min
    [InlineData(10, 0, 0, null)] // at min is not below it
    [InlineData(9, 0, 0, 41)]
    public void below_min_orders_up_to_max(long available, long inTransit, long onOrder, int? expected) =>
        Assert.Equal((long?)expected, ReplenishmentRules.Suggest(Rule("store-1", 10, 50, 15, onOrder), At("store-1", available, inTransit))?.SuggestedQuantity);

    [Fact]
    public void an_order_is_never_smaller_than_the_reorder_quantity()
    {
        Assert.Equal(20, ReplenishmentRules.Suggest(Rule("store-1", 10, 12, 20), null)!.SuggestedQuantity);
        Assert.Equal(12, ReplenishmentRules.Suggest(Rule("store-1", 10, 12, 1), null)!.SuggestedQuantity);
    }

    [Fact]
    public void a_source_gives_what_it_holds_above_its_own_active_rules_max()
    {
        Assert.Equal(5, ReplenishmentRules.Surplus(At("dc-1", 30), Rule("dc-1", 0, 25, 1)));
        Assert.Equal(0, ReplenishmentRules.Surplus(At("dc-1", 20), Rule("dc-1", 0, 25, 1)));
        Assert.Equal(30, ReplenishmentRules.Surplus(At("dc-1", 30), Rule("dc-1", 0, 25, 1, status: MasterStatus.Inactive)));
        Assert.Equal(30, ReplenishmentRules.Surplus(At("dc-1", 30), null));
    }

    [Fact]
    public void transfers_come_from_the_largest_surplus_first_until_the_need_is_covered()
    {
        var sources = ReplenishmentRules.Source(12, [(At("dc-2", 4), 4L), (At("dc-1", 10), 10L), (At("dc-3", 9), 0L)]);
        Assert.Equal([new TransferSource("dc-1", 10, 10, 10), new TransferSource("dc-2", 4, 4, 2)], sources);
    }

    [Fact]
    public void one_facility_that_can_fulfil_is_preferred_over_a_split()
    {
        var plan = ReplenishmentRules.Allocate(Tees, 6, [At("store-1", 5), At("dc-1", 8), At("dc-2", 7)], null);
        Assert.Equal(["dc-1", "dc-2", "store-1"], plan.Candidates.Select(c => c.FacilityCode));
        Assert.Equal([new AllocationPart("dc-1", 6)], plan.Plan);
        Assert.False(plan.Split);
    }

    [Fact]
    public void the_ship_to_facility_comes_first_among_those_that_can_fulfil()
    {
        var plan = ReplenishmentRules.Allocate(Tees, 5, [At("store-1", 5), At("dc-1", 8)], "store-1");
        Assert.Equal([new AllocationPart("store-1", 5)], plan.Plan);
        var cannot = ReplenishmentRules.Allocate(Tees, 6, [At("store-1", 5), At("dc-1", 8)], "store-1");
        Assert.Equal([new AllocationPart("dc-1", 6)], cannot.Plan);
    }

    [Fact]
    public void when_none_can_fulfil_alone_the_demand_is_split_over_the_most_stocked()
    {
        var split = ReplenishmentRules.Allocate(Tees, 10, [At("store-1", 5), At("dc-1", 8), At("dc-2", 0)], null);
        Assert.Equal([new AllocationPart("dc-1", 8), new AllocationPart("store-1", 2)], split.Plan);
        Assert.Equal((true, 0L), (split.Split, split.Shortfall));
        Assert.Equal(["dc-1", "store-1"], split.Candidates.Select(c => c.FacilityCode));

        var lacking = ReplenishmentRules.Allocate(Tees, 20, [At("store-1", 5), At("dc-1", 8)], null);
        Assert.Equal(7, lacking.Shortfall);
    }
}
