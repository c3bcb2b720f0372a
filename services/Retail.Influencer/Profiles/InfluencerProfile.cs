using System.Text.Json.Serialization;

namespace Retail.Influencer.Profiles;

/// <summary><c>pending → active ⇄ suspended → closed</c>. Only an active profile's campaigns attribute and only an active profile is paid.</summary>
public enum ProfileStatus
{
    Pending,
    Active,
    Suspended,
    Closed,
}

/// <summary>Where the influencer's tax form stands; payouts need <c>verified</c>.</summary>
public enum TaxFormStatus
{
    Missing,
    Submitted,
    Verified,
    Rejected,
}

/// <summary>
/// An affiliate (UC-INF-001). <see cref="Handle"/> is unique in the org. <see cref="PayoutMethodRef"/> is a token of the
/// payout provider (<c>pm_…</c>), never bank or card details. Payout readiness (<c>/payout/ready/set|get</c>) is kept here:
/// <see cref="PayoutReady"/> and <see cref="MinimumPayoutMinor"/>.
/// </summary>
public sealed record InfluencerProfile : Record
{
    public required string ProfileGuid { get; init; }

    /// <summary>Lower-case handle (<c>^[a-z0-9][a-z0-9_.]{1,39}$</c>), unique in the org.</summary>
    public required string Handle { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Contact e-mail (normalised).</summary>
    public string? Email { get; init; }

    /// <summary>Contact phone as given.</summary>
    public string? Phone { get; init; }

    /// <summary>The payout provider's token for where the money goes.</summary>
    public string? PayoutMethodRef { get; init; }

    public TaxFormStatus TaxFormStatus { get; init; } = TaxFormStatus.Missing;

    /// <summary>The currency earnings and payouts are kept in (ISO 4217).</summary>
    public required string Currency { get; init; }

    public ProfileStatus Status { get; init; } = ProfileStatus.Pending;

    /// <summary>Payouts are switched on for this profile (readiness also needs a method, a verified tax form and the minimum).</summary>
    public bool PayoutReady { get; init; }

    /// <summary>The smallest available balance a payout is made for (minor units).</summary>
    public long MinimumPayoutMinor { get; init; }

    [JsonIgnore]
    public override string Key => ProfileGuid;

    public static readonly StateMachine<ProfileStatus> Lifecycle = new(new Dictionary<ProfileStatus, ProfileStatus[]>
    {
        [ProfileStatus.Pending] = [ProfileStatus.Active, ProfileStatus.Closed],
        [ProfileStatus.Active] = [ProfileStatus.Suspended, ProfileStatus.Closed],
        [ProfileStatus.Suspended] = [ProfileStatus.Active, ProfileStatus.Closed],
    });

    public static readonly RecordType<InfluencerProfile> Type = new RecordType<InfluencerProfile>("influencer_profile", p => [new UniqueValue("handle", p.Handle)])
        .IndexBy("status");
}
