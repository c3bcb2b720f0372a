using System.Text.Json.Serialization;

namespace Retail.Pcm.Buying;

/// <summary><c>draft → submitted</c> (its POs exist) or <c>draft → cancelled</c>.</summary>
public enum WorksheetStatus
{
    Draft,
    Submitted,
    Cancelled,
}

/// <summary>One buy-plan line: a variant for a facility from a vendor (given, or the variant's style's primary vendor when created).</summary>
public sealed record WorksheetLine(int LineNo, string VariantGuid, string FacilityCode, long Quantity, long UnitCostMinor, string VendorGuid,
    string VendorCode);

/// <summary>
/// A buy plan: lines of variant, facility, quantity and cost. Submitting it turns them into draft POs, one per vendor and
/// ship-to facility, in the transaction of its own status change (so a retried submit never makes them twice);
/// <see cref="PoGuids"/> names them.
/// </summary>
public sealed record Worksheet : Record
{
    public required string WorksheetGuid { get; init; }

    public string? Name { get; init; }

    /// <summary>ISO 4217 of every line's unit cost; null: each PO in its vendor's terms currency.</summary>
    public string? Currency { get; init; }

    public required IReadOnlyList<WorksheetLine> Lines { get; init; }

    public WorksheetStatus Status { get; init; } = WorksheetStatus.Draft;

    public IReadOnlyList<string> PoGuids { get; init; } = [];

    public required string CreatedBy { get; init; }

    public string? SubmittedBy { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    [JsonIgnore]
    public override string Key => WorksheetGuid;

    public static readonly StateMachine<WorksheetStatus> Lifecycle = new(new Dictionary<WorksheetStatus, WorksheetStatus[]>
    {
        [WorksheetStatus.Draft] = [WorksheetStatus.Submitted, WorksheetStatus.Cancelled],
        [WorksheetStatus.Submitted] = [],
        [WorksheetStatus.Cancelled] = [],
    });

    public static RecordType<Worksheet> Type { get; } = new RecordType<Worksheet>("worksheet")
        .Computed("created_ms", w => w.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("status")
        .IndexBy("created_ms");
}

/// <summary>The PO lines of one vendor for one ship-to facility.</summary>
public sealed record WorksheetGroup(string VendorGuid, string VendorCode, string FacilityCode, IReadOnlyList<PoLine> Lines);

public static class WorksheetRules
{
    /// <summary>
    /// The worksheet's lines as one group per vendor × facility, in the order each pair first appears; each group's lines
    /// are numbered from 1 in worksheet order.
    /// </summary>
    public static IReadOnlyList<WorksheetGroup> Group(IEnumerable<WorksheetLine> lines) =>
        lines.GroupBy(l => (l.VendorGuid, l.FacilityCode))
            .Select(g => new WorksheetGroup(g.Key.VendorGuid, g.First().VendorCode, g.Key.FacilityCode,
                g.Select((l, i) => new PoLine(i + 1, l.VariantGuid, l.Quantity, l.UnitCostMinor)).ToList()))
            .ToList();
}

/// <summary>The data of <c>worksheet.submitted</c>.</summary>
public sealed record WorksheetSubmitted(string Orgcode, string WorksheetGuid, long Revision, IReadOnlyList<string> PoGuids, string? Actor);
