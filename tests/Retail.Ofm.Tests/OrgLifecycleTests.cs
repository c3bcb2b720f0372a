using Retail.Ofm.Orgs;
using Retail.Shared.Contract;

namespace Retail.Ofm.Tests;

/// <summary>
/// An org is verified once (pending → active), can be suspended and reinstated, and frozen for offboarding, after
/// which it is either active again (the offboarding was cancelled) or closed (purged); a closed org never moves.
/// </summary>
public sealed class OrgLifecycleTests
{
    [Theory]
    [InlineData(OrgStatus.Pending, OrgStatus.Active)]
    [InlineData(OrgStatus.Active, OrgStatus.Suspended)]
    [InlineData(OrgStatus.Suspended, OrgStatus.Active)]
    [InlineData(OrgStatus.Active, OrgStatus.Frozen)]
    [InlineData(OrgStatus.Frozen, OrgStatus.Active)]
    [InlineData(OrgStatus.Frozen, OrgStatus.Closed)]
    public void these_moves_are_allowed(OrgStatus from, OrgStatus to) => Assert.True(Org.Lifecycle.CanMove(from, to));

    [Theory]
    [InlineData(OrgStatus.Pending, OrgStatus.Suspended)]
    [InlineData(OrgStatus.Pending, OrgStatus.Frozen)]
    [InlineData(OrgStatus.Suspended, OrgStatus.Frozen)]
    [InlineData(OrgStatus.Active, OrgStatus.Pending)]
    [InlineData(OrgStatus.Active, OrgStatus.Active)]
    [InlineData(OrgStatus.Active, OrgStatus.Closed)]
    [InlineData(OrgStatus.Frozen, OrgStatus.Suspended)]
    public void every_other_move_is_refused(OrgStatus from, OrgStatus to)
    {
        Assert.False(Org.Lifecycle.CanMove(from, to));
        Assert.NotNull(Org.Lifecycle.Check(from, to));
    }

    [Fact]
    public void a_closed_org_cannot_move_at_all() => Assert.Empty(Org.Lifecycle.AllowedFrom(OrgStatus.Closed));

    [Fact]
    public void the_primary_owner_and_active_secondary_owners_own_the_org_and_a_suspended_one_does_not()
    {
        var now = DateTimeOffset.UnixEpoch;
        var org = new Org
        {
            OrgGuid = Guid.CreateVersion7().ToString(),
            Orgcode = "acme",
            LegalName = "Acme GmbH",
            PrimaryOwnerGuid = "primary",
            SecondaryOwners = [new OrgOwner("second", OwnerState.Active, now), new OrgOwner("paused", OwnerState.Suspended, now)],
        };

        Assert.True(org.IsOwner("primary"));
        Assert.True(org.IsOwner("second"));
        Assert.False(org.IsOwner("paused"));
        Assert.False(org.IsOwner("stranger"));
    }
}
