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
