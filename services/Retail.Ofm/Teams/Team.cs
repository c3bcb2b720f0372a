using System.Text.Json.Serialization;
using Retail.Ofm.MasterData;

namespace Retail.Ofm.Teams;

/// <summary>A named group of org members (a store crew, a buying team).</summary>
public sealed record Team : Record, IMasterRecord<Team>
{
    public required string TeamGuid { get; init; }

    public required string TeamCode { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> MemberUserGuids { get; init; } = [];

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => TeamGuid;

    [JsonIgnore]
    public string Code => TeamCode;

    public static RecordType<Team> Type { get; } = new("team", t => [new UniqueValue("team_code", t.TeamCode)]);

    public static string CodeName => "team_code";

    public Team WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}
