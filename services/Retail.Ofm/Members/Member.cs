using System.Text.Json.Serialization;

namespace Retail.Ofm.Members;

public enum MemberState
{
    Active,
    Suspended,
    Removed,
}

/// <summary>
/// A user's membership of one org: role (viewer, member or admin; owners are on the org), state, an optional expiry
/// of the grant, and the logical facilities they are assigned to.
/// </summary>
public sealed record Member : Record
{
    public required string MemberGuid { get; init; }

    public required string UserGuid { get; init; }

    public string? Email { get; init; }

    public Role Role { get; init; }

    public MemberState State { get; init; } = MemberState.Active;

    /// <summary>When the grant stops counting; null for a grant without end.</summary>
    public DateTimeOffset? GrantExpiresAt { get; init; }

    public IReadOnlyList<string> LogicalFacilityCodes { get; init; } = [];

    public string? InviteGuid { get; init; }

    [JsonIgnore]
    public override string Key => MemberGuid;

    /// <summary>A user's memberships across orgs (the orgs they may see) are an index lookup; an org's members by state or role too.</summary>
    public static readonly RecordType<Member> Type = new RecordType<Member>("member", m => [new UniqueValue("user_guid", m.UserGuid)])
        .IndexAcrossOrgs("user_guid")
        .IndexBy("email");

    public bool CountsAt(DateTimeOffset now) => State == MemberState.Active && (GrantExpiresAt is null || GrantExpiresAt > now);
}

public enum InviteStatus
{
    Pending,
    Accepted,
    Revoked,
}

/// <summary>An invitation to join an org with a role, accepted by the invited user's own session.</summary>
public sealed record Invite : Record
{
    public required string InviteGuid { get; init; }

    public string? Email { get; init; }

    public string? UserGuid { get; init; }

    public Role Role { get; init; }

    public DateTimeOffset? GrantExpiresAt { get; init; }

    public InviteStatus Status { get; init; } = InviteStatus.Pending;

    /// <summary>When the invitation itself lapses (it can no longer be accepted).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public string? InvitedBy { get; init; }

    public string? AcceptedBy { get; init; }

    [JsonIgnore]
    public override string Key => InviteGuid;

    /// <summary>
    /// An org's invites by status; and a user's own pending invites across orgs, by whom they are addressed to (a user guid,
    /// or else an e-mail address), kept beside the record as <c>invitee</c>.
    /// </summary>
    public static readonly RecordType<Invite> Type = new RecordType<Invite>("invite")
        .IndexBy("status")
        .Computed("invitee", i => i.UserGuid ?? i.Email)
        .IndexAcrossOrgs("invitee");
}

/// <summary>The logical facilities one service account (a USM API-key identity bound to this org) is assigned to.</summary>
public sealed record ServiceAccountAssignment : Record
{
    public required string ServiceAccountGuid { get; init; }

    public IReadOnlyList<string> LogicalFacilityCodes { get; init; } = [];

    [JsonIgnore]
    public override string Key => ServiceAccountGuid;

    public static readonly RecordType<ServiceAccountAssignment> Type = new("service_account_assignment");
}
