using Retail.Accounting.Storage;

namespace Retail.Accounting.Tests;

public sealed class StorageDriftRulesTests
{
    private static StorageUsage Recorded(long bytes) => new()
    {
        StorageUsageGuid = "0195f0a0-0000-7000-8000-000000000001",
        Service = "ofm",
        Bytes = bytes,
        Records = 3,
        MeasuredAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Nothing_recorded_is_unrecorded_without_a_drift_figure()
    {
        var item = StorageDriftRules.Compare("ofm", null, 500, 2, 10);
        Assert.Equal((DriftStatus.Unrecorded, null, null, 500L), (item.Status, item.DriftBytes, item.DriftPercent, item.MeasuredBytes));
    }

    [Theory]
    [InlineData(1000, 1000, DriftStatus.Ok, 0L, 0.0)]
    [InlineData(1000, 1100, DriftStatus.Ok, 100L, 10.0)]
    [InlineData(1000, 1101, DriftStatus.Drift, 101L, 10.1)]
    [InlineData(1000, 850, DriftStatus.Drift, -150L, -15.0)]
    [InlineData(3000, 3001, DriftStatus.Ok, 1L, 0.03)]
    public void Drift_is_a_difference_of_more_than_the_threshold_of_the_recorded_value(long recorded, long measured, DriftStatus status, long bytes,
        double percent)
    {
        var item = StorageDriftRules.Compare("ofm", Recorded(recorded), measured, 4, 10);
        Assert.Equal((status, bytes, percent), (item.Status, item.DriftBytes!.Value, item.DriftPercent!.Value));
        Assert.Equal("0195f0a0-0000-7000-8000-000000000001", item.StorageUsageGuid);
    }

    [Fact]
    public void From_a_recorded_zero_any_stored_byte_is_drift_without_a_percentage()
    {
        var grown = StorageDriftRules.Compare("ofm", Recorded(0), 1, 1, 10);
        Assert.Equal((DriftStatus.Drift, 1L, (double?)null), (grown.Status, grown.DriftBytes!.Value, grown.DriftPercent));
        var still = StorageDriftRules.Compare("ofm", Recorded(0), 0, 0, 10);
        Assert.Equal((DriftStatus.Ok, 0.0), (still.Status, still.DriftPercent!.Value));
    }

    [Fact]
    public void A_zero_threshold_reports_every_change()
    {
        Assert.Equal(DriftStatus.Drift, StorageDriftRules.Compare("ofm", Recorded(1000), 1001, 1, 0).Status);
        Assert.Equal(DriftStatus.Ok, StorageDriftRules.Compare("ofm", Recorded(1000), 1000, 1, 0).Status);
    }
}

public sealed class StorageMeasurementSlotTests
{
    [Fact]
    public void A_measurement_period_starts_at_a_multiple_of_the_interval_since_the_epoch()
    {
        var day = TimeSpan.FromDays(1);
        var noon = new DateTimeOffset(2026, 12, 2, 12, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), StorageMeasurementSweep.SlotOf(noon, day));
        Assert.Equal(StorageMeasurementSweep.SlotOf(noon, day), StorageMeasurementSweep.SlotOf(noon.AddHours(11), day));
        Assert.NotEqual(StorageMeasurementSweep.SlotOf(noon, day), StorageMeasurementSweep.SlotOf(noon.AddHours(12), day));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero), StorageMeasurementSweep.SlotOf(noon, TimeSpan.FromHours(6)));
        // Another offset names the same instant, so the same period.
        Assert.Equal(StorageMeasurementSweep.SlotOf(noon, day), StorageMeasurementSweep.SlotOf(noon.ToOffset(TimeSpan.FromHours(9)), day));
    }
}
