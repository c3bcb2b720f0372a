using System.Text.RegularExpressions;
using Retail.Scm.Policies;

namespace Retail.Scm.Orders;

/// <summary>A line the ICS could not hold: what it asked and what its facility had available.</summary>
public sealed record ShortLine(int LineNo, string VariantGuid, string? FacilityCode, long Requested, long Available);

/// <summary>A line PPM could not price, with PPM's reason.</summary>
public sealed record UnpricedLine(int LineNo, string VariantGuid, string? Reason);

/// <summary>
/// The pure decisions of orders: how a line names its variant, totals, order numbers, which lines a promise step
/// touches, and how ICS's answers land on the lines. Handlers load, decide through these, and save.
/// </summary>
public static partial class OrderRules
{
    /// <summary>How many ways a line names its variant (exactly one is allowed).</summary>
    public static int NamesOf(OrderLineRequest line) =>
        (line.VariantGuid is null ? 0 : 1) + (line.Barcode is null ? 0 : 1) + (line.Identifier is null ? 0 : 1) + (line.Alias is null ? 0 : 1)
        + (line.VariantCode is null ? 0 : 1);

    public static bool IsOrderNumber(string number) => OrderNumberPattern().IsMatch(number.Trim());

    public static bool IsEmail(string email) => email.Trim() is { Length: >= 3 and <= 254 } e && EmailPattern().IsMatch(e);

    /// <summary>A number for an order that names none: <c>SO-</c> and the date, then the time-ordered tail of its guid.</summary>
    public static string NewOrderNumber(string orderGuid, DateTimeOffset now) =>
        $"SO-{now:yyyyMMdd}-{orderGuid.Replace("-", "", StringComparison.Ordinal)[^10..].ToUpperInvariant()}";

    /// <summary>
    /// The order's sums: lines net and discounts as PPM gave them, tax from the quote; inclusive tax is part of the net,
    /// exclusive tax comes on top. No shipping charge yet.
    /// </summary>
    public static OrderTotals TotalsOf(IReadOnlyList<OrderLine> lines, bool inclusive)
    {
        var subtotal = lines.Sum(l => l.NetMinor);
        var discount = lines.Sum(l => l.DiscountMinor);
        var tax = lines.Sum(l => l.Tax?.TaxMinor ?? 0);
        return new OrderTotals(subtotal, discount, tax, 0, inclusive ? subtotal : subtotal + tax);
    }

    /// <summary>The lines as they count towards the totals: a cancelled part takes its share of the net, discount and tax with it.</summary>
    public static IReadOnlyList<OrderLine> Billable(IReadOnlyList<OrderLine> lines) =>
        lines.Select(l => l.CancelledQuantity == 0 ? l : l with
        {
            NetMinor = ShareOf(l.NetMinor, l),
            DiscountMinor = ShareOf(l.DiscountMinor, l),
            Tax = l.Tax is null ? null : l.Tax with { TaxMinor = ShareOf(l.Tax.TaxMinor, l) },
        }).ToList();

    private static long ShareOf(long amount, OrderLine line) => amount * (line.Quantity - line.CancelledQuantity) / line.Quantity;

    /// <summary>Lines still to fulfil that hold no stock: what reserving (or placing) claims.</summary>
    public static IReadOnlyList<OrderLine> ToReserve(Order order) =>
        order.Lines.Where(l => l.Status == OrderLineStatus.Open && l.Hold is null && l.OpenQuantity > 0).ToList();

    /// <summary>Lines whose hold sits in a stage before <paramref name="stage"/>: what allocating or committing continues.</summary>
    public static IReadOnlyList<OrderLine> ToContinue(Order order, OrderLineStatus stage) =>
        order.Lines.Where(l => l.Hold is not null && l.Status is OrderLineStatus.Reserved or OrderLineStatus.Allocated && l.Status < stage).ToList();

    /// <summary>Lines holding stock (any stage): what a release, a cancel gives back.</summary>
    public static IReadOnlyList<OrderLine> Held(Order order) =>
        order.Lines.Where(l => l.Hold is not null && l.Status is OrderLineStatus.Reserved or OrderLineStatus.Allocated or OrderLineStatus.Committed).ToList();

    public static OrderLineStatus LineStatusOf(string stage) => stage switch
    {
        "allocated" => OrderLineStatus.Allocated,
        "committed" => OrderLineStatus.Committed,
        _ => OrderLineStatus.Reserved,
    };

    /// <summary>The lines with ICS's holds on them, matched by <c>line_ref</c> (the line number).</summary>
    public static IReadOnlyList<OrderLine> WithHolds(Order order, IReadOnlyList<IcsBatchHold> holds)
    {
        var byLine = holds.Where(h => h.LineRef is not null).ToDictionary(h => h.LineRef!, StringComparer.Ordinal);
        return order.Lines.Select(l => byLine.TryGetValue(LineRef(l.LineNo), out var hold)
            ? l with
            {
                Hold = new LineHold(hold.HoldGuid, hold.Stage, hold.Revision, hold.FacilityCode),
                FacilityCode = hold.FacilityCode,
                Status = LineStatusOf(hold.Stage),
            }
            : l).ToList();
    }

    /// <summary>The lines after their holds were continued (the holds answered in the order asked).</summary>
    public static IReadOnlyList<OrderLine> WithContinued(Order order, IReadOnlyList<OrderLine> continued, IReadOnlyList<IcsBatchHold> holds)
    {
        var byLine = continued.Select((l, i) => (l.LineNo, Hold: holds[i])).ToDictionary(x => x.LineNo, x => x.Hold);
        return order.Lines.Select(l => byLine.TryGetValue(l.LineNo, out var hold)
            ? l with { Hold = new LineHold(hold.HoldGuid, hold.Stage, hold.Revision, hold.FacilityCode), Status = LineStatusOf(hold.Stage) }
            : l).ToList();
    }

    /// <summary>The lines after their holds were released: back to open, no hold.</summary>
    public static IReadOnlyList<OrderLine> WithReleased(Order order, IReadOnlyCollection<int> released) =>
        order.Lines.Select(l => released.Contains(l.LineNo) ? l with { Hold = null, Status = OrderLineStatus.Open } : l).ToList();

    public static string LineRef(int lineNo) => lineNo.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// ICS's short lines (by <c>line_ref</c>) as the order's lines; a shortfall ICS could not tie to a line (a kit's
    /// component) names every line of that variant and facility.
    /// </summary>
    public static IReadOnlyList<ShortLine> ShortLinesOf(IReadOnlyList<OrderLine> asked, System.Text.Json.JsonElement? problem)
    {
        var answer = new List<ShortLine>();
        if (problem is { } p && p.TryGetProperty("lines", out var lines) && lines.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var line in lines.EnumerateArray())
            {
                var lineRef = line.TryGetProperty("line_ref", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.String ? r.GetString() : null;
                var ordered = asked.FirstOrDefault(l => LineRef(l.LineNo) == lineRef);
                if (ordered is not null)
                {
                    answer.Add(new ShortLine(ordered.LineNo, ordered.VariantGuid, line.GetProperty("facility_code").GetString(),
                        line.GetProperty("requested").GetInt64(), line.GetProperty("available").GetInt64()));
                }
            }
        }
        return answer;
    }

    /// <summary>The tax of each line from the quote (matched by line number), or null when the quote left a line out.</summary>
    public static IReadOnlyList<OrderLine>? WithTax(IReadOnlyList<OrderLine> lines, TaxQuote quote)
    {
        var byLine = quote.Lines.ToDictionary(l => l.LineNo);
        if (lines.Any(l => !byLine.ContainsKey(l.LineNo)))
        {
            return null;
        }
        return lines.Select(l => l with
        {
            Tax = new LineTax(byLine[l.LineNo].TaxCategory, quote.Jurisdiction, byLine[l.LineNo].RatePercent, quote.Inclusive, byLine[l.LineNo].TaxMinor,
                quote.PolicyRevision) { Exemption = byLine[l.LineNo].Exemption },
        }).ToList();
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_/-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex OrderNumberPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
