using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Ofm.MasterData;

namespace Retail.Ofm;

/// <summary>The business events OFM publishes (topic = type). Listed in README.md.</summary>
public static class OfmEvents
{
    [EventData(typeof(OrgCreated))]
    [Description("Org created.")]
    public const string OrgCreated = "org.created";
    [EventData(typeof(OrgUpdated))]
    [Description("Org's names or time zone changed.")]
    public const string OrgUpdated = "org.updated";
    [EventData(typeof(OrgStatusChanged))]
    public const string OrgStatusChanged = DirectoryTopics.OrgStatusChanged;
    [EventData(typeof(OrgAccessChanged))]
    public const string OrgAccessChanged = DirectoryTopics.AccessChanged;
    [EventData(typeof(OfmContextChanged))]
    public const string OrgContextChanged = DirectoryTopics.ContextChanged;
    [EventData(typeof(OwnerChanged))]
    [Description("Org owner changed.")]
    public const string OwnerChanged = "org.owner_changed";
    [EventData(typeof(MemberInvited))]
    [Description("Member invited.")]
    public const string MemberInvited = "member.invited";
    [EventData(typeof(MemberJoined))]
    [Description("Member joined.")]
    public const string MemberJoined = "member.joined";
    [EventData(typeof(InviteRevoked))]
    [Description("Member invite revoked.")]
    public const string InviteRevoked = "member.invite_revoked";
    [EventData(typeof(MemberStateChanged))]
    [Description("Member state changed.")]
    public const string MemberStateChanged = "member.state_changed";
    [EventData(typeof(SalesChannelConfigured))]
    [Description("Sales channel configured.")]
    public const string SalesChannelConfigured = "sales_channel.configured";
}

public sealed record OrgCreated(string Orgcode, string OrgGuid, string LegalName, string PrimaryOwnerGuid);

/// <summary>What an org update leaves: its names and time zone (null: UTC) at <paramref name="Revision"/>.</summary>
public sealed record OrgUpdated(string Orgcode, string OrgGuid, string LegalName, string? DisplayName, string? TimeZone, long Revision);

public sealed record OrgStatusChanged(string Orgcode, string OrgGuid, string From, string To, string? Reason, string? By);

/// <param name="Change">What moved: <c>owner_primary_set</c>, <c>owner_added</c>, <c>member_joined</c>, …</param>
public sealed record OrgAccessChanged(string Orgcode, string Change, string? UserGuid);

public sealed record OwnerChanged(string Orgcode, string Change, string UserGuid, string? By);

public sealed record MemberInvited(string Orgcode, string InviteGuid, string? Email, string? UserGuid, string Role, DateTimeOffset? GrantExpiresAt);

public sealed record MemberJoined(string Orgcode, string MemberGuid, string UserGuid, string Role, DateTimeOffset? GrantExpiresAt);

public sealed record InviteRevoked(string Orgcode, string InviteGuid);

public sealed record MemberStateChanged(string Orgcode, string UserGuid, string State, string Role);

public sealed record SalesChannelConfigured(string Orgcode, string ChannelCode, string RecordGuid, long SizeBytes);
