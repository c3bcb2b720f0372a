using System.Text.Json.Serialization;

namespace Retail.Pvm.Taxonomy;

/// <summary>The top of the merchandise hierarchy: divisions → departments → categories (UC-PVM-003).</summary>
public sealed record Division : Record, IMasterRecord<Division>
{
    public required string DivisionGuid { get; init; }

    public required string DivisionCode { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => DivisionGuid;

    public static RecordType<Division> Type { get; } = new("division", d => [new UniqueValue("division_code", d.DivisionCode)]);

    public static string KeyName => "division_guid";

    public static string CodeName => "division_code";

    public Division WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>A department, always under a division.</summary>
public sealed record Department : Record, IMasterRecord<Department>
{
    public required string DepartmentGuid { get; init; }

    public required string DepartmentCode { get; init; }

    public required string DivisionGuid { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => DepartmentGuid;

    public static RecordType<Department> Type { get; } = new RecordType<Department>("department",
        d => [new UniqueValue("department_code", d.DepartmentCode)]).IndexBy("division_guid", "status");

    public static string KeyName => "department_guid";

    public static string CodeName => "department_code";

    public Department WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>A category under a department, or under another category (<see cref="ParentCategoryGuid"/>); never its own ancestor.</summary>
public sealed record Category : Record, IMasterRecord<Category>
{
    public required string CategoryGuid { get; init; }

    public required string CategoryCode { get; init; }

    public required string DepartmentGuid { get; init; }

    public string? ParentCategoryGuid { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => CategoryGuid;

    public static RecordType<Category> Type { get; } = new RecordType<Category>("category",
            c => [new UniqueValue("category_code", c.CategoryCode)])
        .IndexBy("department_guid", "status")
        .IndexBy("parent_category_guid", "status");

    public static string KeyName => "category_guid";

    public static string CodeName => "category_code";

    public Category WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>A selling season (SS27, AW27): a window a style may belong to.</summary>
public sealed record Season : Record, IMasterRecord<Season>
{
    public required string SeasonGuid { get; init; }

    public required string SeasonCode { get; init; }

    public required string Name { get; init; }

    public required DateOnly StartsOn { get; init; }

    public required DateOnly EndsOn { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => SeasonGuid;

    public static RecordType<Season> Type { get; } = new("season", s => [new UniqueValue("season_code", s.SeasonCode)]);

    public static string KeyName => "season_guid";

    public static string CodeName => "season_code";

    public Season WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}
