using Retail.Ipm.Kpis;

namespace Retail.Ipm.Tests.Kpis;

public sealed class KpiRulesTests
{
    private static KpiAlert Alert(AlertCondition condition, double threshold, AlertState state) => new()
    {
        AlertGuid = "a", Kpi = "sales", Code = "x", Condition = condition, Threshold = threshold, WindowMinutes = 60, Aggregate = KpiAggregate.Sum, State = state,
    };

    [Theory]
    [InlineData(AlertCondition.Above, AlertState.Ok, 101.0, AlertState.Firing)]
    [InlineData(AlertCondition.Above, AlertState.Ok, 100.0, null)]
    [InlineData(AlertCondition.Above, AlertState.Firing, 150.0, null)]
    [InlineData(AlertCondition.Above, AlertState.Firing, 100.0, AlertState.Ok)]
    [InlineData(AlertCondition.Below, AlertState.Ok, 99.0, AlertState.Firing)]
    [InlineData(AlertCondition.Below, AlertState.Firing, 99.0, null)]
    [InlineData(AlertCondition.Below, AlertState.Firing, 100.0, AlertState.Ok)]
    public void An_alert_moves_only_when_its_aggregate_crosses_the_threshold(AlertCondition condition, AlertState state, double value, AlertState? next) =>
        Assert.Equal(next, KpiRules.Crossing(Alert(condition, 100, state), value));

    [Fact]
    public void A_window_without_values_is_no_breach_so_a_firing_below_alert_resolves_and_an_ok_one_stays()
    {
        Assert.Null(KpiRules.Crossing(Alert(AlertCondition.Below, 10, AlertState.Ok), null));
        Assert.Equal(AlertState.Ok, KpiRules.Crossing(Alert(AlertCondition.Above, 10, AlertState.Firing), null));
    }

    [Fact]
    public void Stats_merge_rollups_and_answer_each_aggregate()
    {
        var stats = KpiStats.Empty.Add(2, 30, 10, 20).Add(5.0).Add(0, 0, 0, 0);
        Assert.Equal((35.0, 35.0 / 3, 5.0, 20.0, 3.0),
            (stats.Of(KpiAggregate.Sum), stats.Of(KpiAggregate.Avg), stats.Of(KpiAggregate.Min), stats.Of(KpiAggregate.Max), stats.Of(KpiAggregate.Count)));
        Assert.Null(KpiStats.Empty.Of(KpiAggregate.Avg));
        Assert.Equal(0.0, KpiStats.Empty.Of(KpiAggregate.Count));
    }

    [Fact]
    public void Buckets_are_utc_minutes_hours_and_days_and_an_unaligned_window_reads_minutes()
    {
        var at = new DateTimeOffset(2026, 3, 10, 12, 34, 56, TimeSpan.FromHours(2));
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 10, 34, 0, TimeSpan.Zero), KpiRules.Floor(at, KpiInterval.Minute));
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.Zero), KpiRules.Floor(at, KpiInterval.Hour));
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), KpiRules.Floor(at, KpiInterval.Day));
        var hour = new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(KpiGrain.Hour, KpiRules.GrainFor(KpiInterval.Day, hour, hour.AddHours(5)));
        Assert.Equal(KpiGrain.Minute, KpiRules.GrainFor(KpiInterval.Hour, hour.AddMinutes(30), hour.AddHours(5)));
        Assert.Equal(KpiGrain.Minute, KpiRules.GrainFor(KpiInterval.Minute, hour, hour.AddHours(5)));
    }

    [Fact]
    public void A_rollup_key_does_not_depend_on_the_order_of_dimensions()
    {
        var at = new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(
            KpiRollup.KeyOf("sales", KpiGrain.Hour, at, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }),
            KpiRollup.KeyOf("sales", KpiGrain.Hour, at, new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }));
        Assert.NotEqual(
            KpiRollup.KeyOf("sales", KpiGrain.Hour, at, new Dictionary<string, string> { ["a"] = "1" }),
            KpiRollup.KeyOf("sales", KpiGrain.Minute, at, new Dictionary<string, string> { ["a"] = "1" }));
    }
}
