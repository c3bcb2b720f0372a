using System.Text.Json.Serialization;
using Retail.Ics.Stock;

namespace Retail.Ics.Counts;

/// <summary><c>open</c> (being counted) → <c>submitted</c> (counted, variances known) → <c>approved</c> (adjusted) or <c>rejected</c> (a recount is a new count).</summary>
public enum CountStatus
{
    Open,
    Submitted,
    Approved,
    Rejected,
}

/// <summary>
/// One variant in one bin (or, in a count without bins, at the facility): the quantity expected when the count was
/// created, the quantity counted, and the variance (counted − expected) approval books.
/// </summary>
public sealed record CountLine(string VariantGuid, string? BinCode, long? Expected, long? Counted = null, long? Variance = null);

/// <summary>
/// A stock count at a facility: created with a snapshot of the expected quantities (per bin and variant from the bin
/// balances, or per variant from the positions' on-hand quantity), submitted with what was counted, then approved
/// (each variance becomes an adjustment movement through the ledger) or rejected.
/// </summary>
public sealed record StockCount : Record
{
    public const int MaxLines = 2_000;

    public required string CountGuid { get; init; }

    public string? PlanCode { get; init; }

    public required string FacilityCode { get; init; }

    /// <summary>The bins counted (named, or the zone's when the count was created); null when the count is by variant over the whole facility.</summary>
    public IReadOnlyList<string>? BinCodes { get; init; }

    public string? ZoneCode { get; init; }

    public bool Blind { get; init; }

    public CountStatus Status { get; init; } = CountStatus.Open;

    public required IReadOnlyList<CountLine> Lines { get; init; }

    /// <summary>True on an answer to a caller below admin on a blind count: expected quantities and variances are left out.</summary>
    public bool ExpectedHidden { get; init; }

    public required string CreatedBy { get; init; }

    public string? SubmittedBy { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? RejectReason { get; init; }

    [JsonIgnore]
    public override string Key => CountGuid;

    public static readonly StateMachine<CountStatus> Lifecycle = new(new Dictionary<CountStatus, CountStatus[]>
    {
        [CountStatus.Open] = [CountStatus.Submitted],
        [CountStatus.Submitted] = [CountStatus.Approved, CountStatus.Rejected],
        [CountStatus.Approved] = [],
        [CountStatus.Rejected] = [],
    });

    public static RecordType<StockCount> Type { get; } = new RecordType<StockCount>("stock_count")
        .IndexBy("facility_code", "status")
        .IndexBy("plan_code");

    /// <summary>The count as a caller sees it: on a blind count, only admins see what was expected (and so the variances).</summary>
    public StockCount ViewFor(Role role) => !Blind || role >= Role.Admin
        ? this
        : this with { ExpectedHidden = true, Lines = [.. Lines.Select(l => l with { Expected = null, Variance = null })] };
}

/// <summary>A counted quantity as submitted.</summary>
public sealed record CountedLine(string VariantGuid, string? BinCode, long Counted);

/// <summary>Why submitted lines do not fit the count.</summary>
public sealed record CountMismatch(string Code, string Field, string Detail);

/// <summary>The pure rules of a count: merging what was counted into the snapshot, and the movements its variances make.</summary>
public static class CountRules
{
    /// <summary>
    /// The snapshot's lines with what was counted: every expected line must be counted (0 when none was found); a line
    /// not in the snapshot is stock found where none was expected (expected 0), in a bin of the count (or, in a count
    /// without bins, without a bin).
    /// </summary>
    public static (IReadOnlyList<CountLine>? Lines, CountMismatch? Mismatch) Merge(StockCount count, IReadOnlyList<CountedLine> counted)
    {
        var bins = count.BinCodes?.ToHashSet(StringComparer.Ordinal);
        if (counted.GroupBy(l => LineKey(l.VariantGuid, l.BinCode), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return (null, new CountMismatch("duplicate_line", "lines", $"Variant {twice.First().VariantGuid} is reported more than once for the same bin."));
        }
        var byKey = counted.Select((l, i) => (Line: l, Index: i)).ToDictionary(c => LineKey(c.Line.VariantGuid, c.Line.BinCode), StringComparer.Ordinal);
        foreach (var (line, index) in byKey.Values)
        {
            if (bins is null && line.BinCode is not null)
            {
                return (null, new CountMismatch("bin_not_in_count", $"lines[{index}].bin_code", "This count is by variant over the facility; it names no bins."));
            }
            if (bins is not null && (line.BinCode is null || !bins.Contains(line.BinCode)))
            {
                return (null, new CountMismatch("bin_not_in_count", $"lines[{index}].bin_code",
                    $"Bin '{line.BinCode}' is not one this count covers ({string.Join(", ", bins.Order(StringComparer.Ordinal))})."));
            }
        }
        var missing = count.Lines.Where(l => !byKey.ContainsKey(LineKey(l.VariantGuid, l.BinCode))).ToList();
        if (missing.Count > 0)
        {
            return (null, new CountMismatch("count_incomplete", "lines",
                $"{missing.Count} expected line(s) not counted, for example variant {missing[0].VariantGuid}" +
                (missing[0].BinCode is null ? "" : $" in bin '{missing[0].BinCode}'") + "; report 0 where nothing was found."));
        }
        var expected = count.Lines.ToDictionary(l => LineKey(l.VariantGuid, l.BinCode), StringComparer.Ordinal);
        var merged = count.Lines.Select(l => Counted(l, byKey[LineKey(l.VariantGuid, l.BinCode)].Line.Counted)).ToList();
        merged.AddRange(counted.Where(c => !expected.ContainsKey(LineKey(c.VariantGuid, c.BinCode)))
            .Select(c => Counted(new CountLine(c.VariantGuid, c.BinCode, 0), c.Counted)));
        return (merged, null);
    }

    /// <summary>
    /// The adjustment movements of a submitted count: stock found comes into <c>available</c> (into its bin), stock
    /// missing leaves <c>available</c> (out of its bin). Variances are against the snapshot, whatever moved since.
    /// </summary>
    public static IReadOnlyList<StockMove> Adjustments(StockCount count) =>
        count.Lines.Where(l => l.Variance is not null and not 0)
            .Select(l => l.Variance > 0
                ? new StockMove(count.FacilityCode, l.VariantGuid, null, StockState.Available, l.Variance.Value, ToBin: l.BinCode)
                : new StockMove(count.FacilityCode, l.VariantGuid, StockState.Available, null, -l.Variance!.Value, FromBin: l.BinCode))
            .ToList();

    private static CountLine Counted(CountLine line, long counted) => line with { Counted = counted, Variance = counted - (line.Expected ?? 0) };

    private static string LineKey(string variantGuid, string? binCode) => $"{binCode}|{variantGuid}";
}
