namespace Retail.Influencer.Profiles;

/// <summary>The data of <c>influencer.profile_created</c>: never contact details, only what other areas key on.</summary>
public sealed record ProfileCreated(string Orgcode, string ProfileGuid, string Handle, string Currency, ProfileStatus Status, long Revision);

/// <summary>The data of <c>payout.readiness_changed</c>: the readiness as it stands after the change.</summary>
public sealed record PayoutReadinessChanged(string Orgcode, string ProfileGuid, bool Enabled, bool HasPayoutMethod, TaxFormStatus TaxFormStatus,
    long MinimumPayoutMinor, long Revision);

public static class ProfileEvents
{
    public static DomainEvent Created(string orgcode, InfluencerProfile p) =>
        new(InfluencerEvents.ProfileCreated, new ProfileCreated(orgcode, p.ProfileGuid, p.Handle, p.Currency, p.Status, 1), Subject(p));

    public static DomainEvent ReadinessChanged(string orgcode, InfluencerProfile p, long revision) =>
        new(InfluencerEvents.PayoutReadinessChanged, new PayoutReadinessChanged(orgcode, p.ProfileGuid, p.PayoutReady, p.PayoutMethodRef is not null,
            p.TaxFormStatus, p.MinimumPayoutMinor, revision), Subject(p));

    private static string Subject(InfluencerProfile p) => $"influencer_profile/{p.ProfileGuid}";
}
