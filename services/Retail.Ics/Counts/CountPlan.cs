using System.Text.Json.Serialization;

namespace Retail.Ics.Counts;

/// <summary>How often a plan's bins are meant to be counted (a schedule hint for people; counts are created on request).</summary>
public enum CountCadence
{
    Daily,
    Weekly,
    Monthly,
    AdHoc,
}

/// <summary>
/// What to count at a facility and how: some bins, a zone's bins, or (neither) the whole facility by variant; blind
/// plans hide the expected quantities from counters. Set (created or changed) by its code; counts start from it.
/// </summary>
public sealed record CountPlan : Record, IMasterRecord<CountPlan>
{
    public const int MaxBins = 500;

    public required string PlanGuid { get; init; }

    public required string PlanCode { get; init; }

    public required string FacilityCode { get; init; }

    public IReadOnlyList<string>? BinCodes { get; init; }

    public string? ZoneCode { get; init; }

    public required CountCadence Cadence { get; init; }

    public bool Blind { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => PlanGuid;

    public static RecordType<CountPlan> Type { get; } = new RecordType<CountPlan>("count_plan", p => [new UniqueValue(CodeName, p.PlanCode)])
        .IndexBy("facility_code");

    public static string KeyName => "plan_guid";

    public static string CodeName => "plan_code";

    public CountPlan WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}
