using System.Text.Json.Serialization;

namespace Retail.Ofm.CostCentres;

/// <summary>A cost centre (<c>cccode</c>): what usage and spend are attributed to; named by <c>x-cccode</c>.</summary>
public sealed record CostCentre : Record, IMasterRecord<CostCentre>
{
    public required string CostCentreGuid { get; init; }

    public required string Cccode { get; init; }

    public required string Name { get; init; }

    public string? ParentCccode { get; init; }

    public string? Description { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => CostCentreGuid;

    public static RecordType<CostCentre> Type { get; } = new("cost_centre", c => [new UniqueValue("cccode", c.Cccode)]);

    public static string KeyName => "cost_centre_guid";

    public static string CodeName => "cccode";

    public CostCentre WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}
