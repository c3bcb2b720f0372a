using System.Globalization;

namespace Retail.Pcm.Buying;

/// <summary>Why an approval is refused (none: the caller may approve).</summary>
public enum ApprovalRefusal
{
    None,

    /// <summary>Above the threshold, the approver is the PO's creator (403 <c>same_actor</c>).</summary>
    SameActor,

    /// <summary>Above the threshold, the approver is not an admin (403 <c>forbidden</c>).</summary>
    NeedsAdmin,
}

/// <summary>The pure rules of purchase orders: approval thresholds, numbering, lines and totals, closing short.</summary>
public static class PoRules
{
    /// <summary>
    /// A PO at or below the threshold of its currency may be approved by any member (its creator too). Above it (or with
    /// no threshold at all) it needs an admin who did not create it; the creator is told <c>same_actor</c> first, since
    /// no role would let them.
    /// </summary>
    public static ApprovalRefusal CheckApproval(long totalMinor, long? thresholdMinor, string approver, Role approverRole, string createdBy)
    {
        if (thresholdMinor is { } threshold && totalMinor <= threshold)
        {
            return ApprovalRefusal.None;
        }
        if (string.Equals(approver, createdBy, StringComparison.Ordinal))
        {
            return ApprovalRefusal.SameActor;
        }
        return approverRole >= Role.Admin ? ApprovalRefusal.None : ApprovalRefusal.NeedsAdmin;
    }

    /// <summary><c>PO-yyyyMMdd-xxxxxx</c>: the day and six hex digits of the PO guid's random part.</summary>
    public static string NumberFor(string poGuid, DateTimeOffset at) =>
        $"PO-{at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{poGuid.Replace("-", "")[^6..].ToUpperInvariant()}";

    /// <summary>Lines numbered from 1 in the request's order, with variant guids as stored.</summary>
    public static IReadOnlyList<PoLine> LinesOf(IEnumerable<PoLineRequest> lines) =>
        lines.Select((l, i) => new PoLine(i + 1, GuidKey(l.VariantGuid!), l.Quantity!.Value, l.UnitCostMinor!.Value)).ToList();

    public static long TotalOf(IEnumerable<PoLine> lines) => lines.Sum(l => checked(l.Quantity * l.UnitCostMinor));

    /// <summary>The expected delivery: given, or today plus the lead time (none without either).</summary>
    public static DateOnly? ExpectedAt(DateOnly? given, int? leadTimeDays, DateTimeOffset now) =>
        given ?? (leadTimeDays is { } days ? DateOnly.FromDateTime(now.UtcDateTime).AddDays(days) : null);

    /// <summary>Closing a PO: every line not fully received is closed short (what is left will not come).</summary>
    public static IReadOnlyList<PoLine> CloseLines(IEnumerable<PoLine> lines) =>
        lines.Select(l => l.Status is PoLineStatus.Received or PoLineStatus.Closed or PoLineStatus.Cancelled ? l : l with { Status = PoLineStatus.Closed })
            .ToList();

    public static IReadOnlyList<PoLine> CancelLines(IEnumerable<PoLine> lines) =>
        lines.Select(l => l with { Status = PoLineStatus.Cancelled }).ToList();

    /// <summary>A guid as stored (lower-case, hyphenated), however the request spelled it.</summary>
    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();
}
