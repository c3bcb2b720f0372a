namespace Retail.Influencer.Profiles;

/// <summary>Whether a profile may be paid, as a pure decision the payouts area can call too.</summary>
public static class PayoutReadiness
{
    public const string ProfileNotActive = "profile_not_active";
    public const string NoPayoutMethod = "no_payout_method";
    public const string TaxFormNotVerified = "tax_form_not_verified";
    public const string Disabled = "disabled";
    public const string BelowMinimum = "below_minimum";

    /// <summary>
    /// Every reason the profile is not ready to be paid <paramref name="availableMinor"/>; empty when it is. Below the
    /// minimum: less available than <see cref="InfluencerProfile.MinimumPayoutMinor"/>, or nothing (a payout is never of 0).
    /// </summary>
    public static IReadOnlyList<string> Reasons(InfluencerProfile profile, long availableMinor)
    {
        var reasons = new List<string>();
        if (profile.Status != ProfileStatus.Active)
        {
            reasons.Add(ProfileNotActive);
        }
        if (string.IsNullOrWhiteSpace(profile.PayoutMethodRef))
        {
            reasons.Add(NoPayoutMethod);
        }
        if (profile.TaxFormStatus != TaxFormStatus.Verified)
        {
            reasons.Add(TaxFormNotVerified);
        }
        if (!profile.PayoutReady)
        {
            reasons.Add(Disabled);
        }
        if (availableMinor < Math.Max(1, profile.MinimumPayoutMinor))
        {
            reasons.Add(BelowMinimum);
        }
        return reasons;
    }
}
