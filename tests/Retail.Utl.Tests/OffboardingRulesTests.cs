using Retail.Utl.Offboarding;

namespace Retail.Utl.Tests;

/// <summary>Which services a purge covers and in which order, and until when an offboarding can be cancelled.</summary>
public sealed class OffboardingRulesTests
{
    [Fact]
    public void ofm_is_purged_last_so_the_org_directory_outlives_every_other_service()
    {
        var order = new UtlOptions().PurgeOrder();

        Assert.Equal("ofm", order[^1]);
        Assert.Equal(UtlOptions.DefaultServices.Length, order.Count);
        Assert.Equal(["scm", "ofm"], new UtlOptions().PurgeOrder([" OFM", "scm", "scm"]));
    }

    [Theory]
    [InlineData(OffboardingStage.Requested, true)]
    [InlineData(OffboardingStage.Exporting, true)]
    [InlineData(OffboardingStage.VerifyingExport, true)]
    [InlineData(OffboardingStage.Frozen, true)]
    [InlineData(OffboardingStage.CoolingOff, true)]
    [InlineData(OffboardingStage.OnHold, true)]
    [InlineData(OffboardingStage.Purging, false)]
    [InlineData(OffboardingStage.VerifyingPurge, false)]
    [InlineData(OffboardingStage.Purged, false)]
    [InlineData(OffboardingStage.Cancelled, false)]
    public void cancel_works_until_the_purge_begins(OffboardingStage stage, bool cancellable)
    {
        var request = new OffboardingRequest { OffboardingGuid = "g", Orgcode = "acme", Reason = "leaving", Stage = stage };

        Assert.Equal(cancellable, request.Cancellable);
    }

    [Theory]
    [InlineData(OffboardingStage.Purged)]
    [InlineData(OffboardingStage.Cancelled)]
    [InlineData(OffboardingStage.Failed)]
    public void an_ended_offboarding_frees_the_org_for_a_new_request(OffboardingStage stage)
    {
        var ended = new OffboardingRequest { OffboardingGuid = "g", Orgcode = "acme", Reason = "leaving", Stage = stage };
        var live = ended with { Stage = OffboardingStage.CoolingOff };

        Assert.Empty(OffboardingRequest.Type.UniquesOf(ended));
        Assert.Single(OffboardingRequest.Type.UniquesOf(live));
    }
}

/// <summary>A service's purge count after a run, including a batch deleted by a run that stopped before recording it.</summary>
public sealed class PurgeCountTests
{
    [Fact]
    public void a_run_counts_what_it_deleted_since_the_last_count()
    {
        var after = PurgeCount.After(new PurgeProgress("scm", 0, false, 17), deleted: 5, left: 12, done: false);

        Assert.Equal(new PurgeProgress("scm", 5, false, 12), after);
    }

    [Fact]
    public void a_batch_deleted_by_a_run_that_stopped_before_recording_it_is_counted_by_the_next()
    {
        // The stopped run deleted 5 of 17 and kept nothing; the next deletes the other 12 and finds none left.
        var after = PurgeCount.After(new PurgeProgress("scm", 0, false, 17), deleted: 12, left: 0, done: true);

        Assert.Equal(new PurgeProgress("scm", 17, true, 0), after);
    }

    [Fact]
    public void data_that_arrived_since_the_last_count_is_counted_by_what_the_run_deleted()
    {
        var after = PurgeCount.After(new PurgeProgress("scm", 3, false, 10), deleted: 12, left: 0, done: true);

        Assert.Equal(new PurgeProgress("scm", 15, true, 0), after);
    }
}
