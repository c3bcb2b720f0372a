using System.Text.Json.Serialization;

namespace Retail.Ofm.Teams;

/// <summary>A named group of org members (a store crew, a buying team).</summary>
public sealed record Team : Record, IMasterRecord<Team>
{
    public required string TeamGuid { get; init; }

    public required string TeamCode { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>How many members the team has; the members themselves are <see cref="TeamMember"/> records.</summary>
    public int MemberCount { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => TeamGuid;

    public static RecordType<Team> Type { get; } = new("team", t => [new UniqueValue("team_code", t.TeamCode)]);

    public static string KeyName => "team_guid";

    public static string CodeName => "team_code";

    public Team WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>One user's membership of one team: a record of its own, so a team can grow without bound and be listed both ways.</summary>
public sealed record TeamMember : Record
{
    public required string TeamGuid { get; init; }

    public required string TeamCode { get; init; }

    public required string UserGuid { get; init; }

    [JsonIgnore]
    public override string Key => $"{TeamGuid}.{UserGuid}";

    public static RecordType<TeamMember> Type { get; } = new RecordType<TeamMember>("team_member").IndexBy("team_guid").IndexBy("user_guid");
}
