using Retail.Ics.Holds;
using Retail.Ics.Stock;

namespace Retail.Ics.Tests;

public sealed class HoldRuleTests
{
    private static Hold Reservation(params HoldLine[] lines) => new()
    {
        HoldGuid = "h-1",
        Stage = HoldStage.Reserved,
        FacilityCode = "store-1",
        VariantGuid = "kit",
        Quantity = 2,
        Lines = lines,
        IsKit = lines.Length > 1,
        Reference = new StockReference("order", "o-1"),
    };

    [Fact]
    public void a_plain_variant_claims_itself_and_a_kit_claims_each_component_times_the_quantity_summed_once_per_variant()
    {
        Assert.Equal([new HoldLine("tee", 3)], HoldRules.LinesOf("tee", 3, null));
        var lines = HoldRules.LinesOf("box", 3, [new HoldLine("tee", 2), new HoldLine("cap", 1), new HoldLine("tee", 1)]);
        Assert.Equal([new HoldLine("cap", 3), new HoldLine("tee", 9)], lines);
    }

    [Fact]
    public void placing_moves_each_line_from_available_into_the_state_of_its_stage()
    {
        var moves = HoldRules.PlaceMoves("store-1", [new HoldLine("cap", 2), new HoldLine("tee", 4)], HoldStage.Allocated);
        Assert.Equal(
            [new StockMove("store-1", "cap", StockState.Available, StockState.Allocated, 2), new StockMove("store-1", "tee", StockState.Available, StockState.Allocated, 4)],
            moves);
    }

    [Fact]
    public void continuing_moves_the_held_stock_between_states_and_ending_returns_it_to_available()
    {
        var hold = Reservation(new HoldLine("cap", 2), new HoldLine("tee", 4));
        Assert.All(HoldRules.ContinueMoves(hold, HoldStage.Committed), m => Assert.Equal((StockState.Reserved, StockState.Committed), (m.From!.Value, m.To!.Value)));
        Assert.Equal([2L, 4L], HoldRules.ContinueMoves(hold, HoldStage.Committed).Select(m => m.Quantity));
        var allocated = hold with { Stage = HoldStage.Allocated };
        Assert.All(HoldRules.ReturnMoves(allocated), m => Assert.Equal((StockState.Allocated, StockState.Available), (m.From!.Value, m.To!.Value)));
    }

    [Theory]
    [InlineData(HoldStage.Reserved, HoldStage.Allocated, true)]
    [InlineData(HoldStage.Reserved, HoldStage.Committed, true)]
    [InlineData(HoldStage.Allocated, HoldStage.Committed, true)]
    [InlineData(HoldStage.Allocated, HoldStage.Allocated, false)]
    [InlineData(HoldStage.Committed, HoldStage.Allocated, false)]
    [InlineData(HoldStage.Committed, HoldStage.Reserved, false)]
    public void a_hold_only_continues_into_a_later_stage(HoldStage from, HoldStage to, bool allowed) =>
        Assert.Equal(allowed, HoldRules.CanContinue(from, to));

    [Fact]
    public void only_an_active_hold_ends_and_an_ended_one_stays_ended()
    {
        Assert.True(HoldRules.Statuses.CanMove(HoldStatus.Active, HoldStatus.Expired));
        Assert.True(HoldRules.Statuses.CanMove(HoldStatus.Active, HoldStatus.Released));
        foreach (var ended in new[] { HoldStatus.Released, HoldStatus.Expired, HoldStatus.Shipped })
        {
            Assert.Empty(HoldRules.Statuses.AllowedFrom(ended));
            Assert.NotNull(HoldRules.Statuses.Check(ended, HoldStatus.Expired));
        }
    }

    [Fact]
    public void reservations_expire_in_15_minutes_unless_asked_and_later_stages_only_when_asked()
    {
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddMinutes(15), HoldRules.ExpiryOf(HoldStage.Reserved, null, now));
        Assert.Equal(now.AddSeconds(30), HoldRules.ExpiryOf(HoldStage.Reserved, 30, now));
        Assert.Null(HoldRules.ExpiryOf(HoldStage.Allocated, null, now));
        Assert.Equal(now.AddHours(1), HoldRules.ExpiryOf(HoldStage.Allocated, 3600, now));
    }
}
