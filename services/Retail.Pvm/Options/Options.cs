using System.Text.Json.Serialization;

namespace Retail.Pvm.Options;

/// <summary>A variant axis (size, colour, fit, …).</summary>
public sealed record OptionGroup : Record, IMasterRecord<OptionGroup>
{
    public required string OptionGroupGuid { get; init; }

    public required string OptionGroupCode { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => OptionGroupGuid;

    public static RecordType<OptionGroup> Type { get; } = new("option_group", g => [new UniqueValue("option_group_code", g.OptionGroupCode)]);

    public static string KeyName => "option_group_guid";

    public static string CodeName => "option_group_code";

    public OptionGroup WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>
/// One value of a group ("m" of size), ordered by <see cref="Position"/>. Its code is unique within its group: kept as
/// the unique value "{option_group_code}/{option_code}" (name <c>option</c>).
/// </summary>
public sealed record Option : Record, IMasterRecord<Option>
{
    public required string OptionGuid { get; init; }

    public required string OptionGroupGuid { get; init; }

    public required string OptionGroupCode { get; init; }

    public required string OptionCode { get; init; }

    public required string Name { get; init; }

    public int Position { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => OptionGuid;

    public static string UniqueOf(string groupCode, string optionCode) => $"{groupCode}/{optionCode}";

    public static RecordType<Option> Type { get; } = new RecordType<Option>("option",
        o => [new UniqueValue("option", UniqueOf(o.OptionGroupCode, o.OptionCode))]).IndexBy("option_group_guid", "status");

    public static string KeyName => "option_guid";

    public static string CodeName => "option";

    public Option WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>An option group model is <c>draft → active → retired</c>; only an active one is assignable, and it is immutable.</summary>
public enum OgmStatus
{
    Draft,
    Active,
    Retired,
}

public static class OgmLifecycle
{
    public static readonly StateMachine<OgmStatus> Machine = new(new Dictionary<OgmStatus, OgmStatus[]>
    {
        [OgmStatus.Draft] = [OgmStatus.Active, OgmStatus.Retired],
        [OgmStatus.Active] = [OgmStatus.Retired],
        [OgmStatus.Retired] = [],
    });
}

/// <summary>One axis of an OGM, in order: a group and the options of it a style on this model may use, in order.</summary>
public sealed record OgmAxis(string OptionGroupGuid, string OptionGroupCode, IReadOnlyList<string> OptionCodes);

/// <summary>
/// An option group model: the ordered axes that define a style's variants. Revisions of one model share its code;
/// the unique value <c>ogm</c> is "{ogm_code}@{ogm_revision}". <c>ogm/clone</c> makes revision n+1 as a draft.
/// </summary>
public sealed record Ogm : Record, ILifecycleRecord<Ogm, OgmStatus>
{
    public required string OgmGuid { get; init; }

    public required string OgmCode { get; init; }

    /// <summary>The model's own revision number (1, 2, …), not the record's storage revision.</summary>
    public required int OgmRevision { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyList<OgmAxis> Axes { get; init; }

    /// <summary>The revision this one was cloned from.</summary>
    public string? ClonedFromGuid { get; init; }

    public OgmStatus Status { get; init; } = OgmStatus.Draft;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => OgmGuid;

    public static string UniqueOf(string code, int revision) => $"{code}@{revision}";

    public static RecordType<Ogm> Type { get; } = new RecordType<Ogm>("ogm", o => [new UniqueValue("ogm", UniqueOf(o.OgmCode, o.OgmRevision))])
        .IndexBy("ogm_code", "ogm_revision");

    public static string KeyName => "ogm_guid";

    public static string CodeName => "ogm";

    public static StateMachine<OgmStatus> Lifecycle => OgmLifecycle.Machine;

    public Ogm WithStatus(OgmStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}
