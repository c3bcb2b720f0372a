using System.Text.Json.Serialization;
using Retail.Influencer.Earnings;

namespace Retail.Influencer.Payouts;

/// <summary>
/// An immutable statement of one profile for a period <c>[period_start_at, period_end_at)</c> (UC-INF-003). Its one balance bucket is
/// <b>owed</b>: earned and not yet paid out (pending + available + held). Over the period:
/// <c>opening + earned − clawed_back − paid = closing</c>, where earned = commissions created in the period, clawed back =
/// clawbacks created in the period (as a positive amount), paid = payouts paid in the period. The opening is the closing of
/// the profile's latest statement before the period plus what moved in the gap (or everything before the period when there is
/// none).
/// </summary>
public sealed record Statement : Record
{
    /// <summary>The most lines of each kind a statement lists; the totals always cover the whole period.</summary>
    public const int MaxLines = 500;

    public required string StatementGuid { get; init; }

    public required string ProfileGuid { get; init; }

    public required string Currency { get; init; }

    public required DateTimeOffset PeriodStartAt { get; init; }

    public required DateTimeOffset PeriodEndAt { get; init; }

    /// <summary>The statement the opening balance was carried from, when there is one.</summary>
    public string? PreviousStatementGuid { get; init; }

    public required StatementTotals Totals { get; init; }

    public required IReadOnlyList<StatementEarningLine> Earnings { get; init; }

    public required IReadOnlyList<StatementPayoutLine> Payouts { get; init; }

    /// <summary>More earnings or payouts than <see cref="MaxLines"/> fell in the period: the lists are cut, the totals are not.</summary>
    public bool LinesTruncated { get; init; }

    public required string CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => StatementGuid;

    public static readonly RecordType<Statement> Type = new RecordType<Statement>("statement",
            s => [new UniqueValue("period", $"{s.ProfileGuid}|{s.PeriodStartAt.ToUnixTimeMilliseconds()}")])
        .Computed("to_ms", s => s.PeriodEndAt.ToUnixTimeMilliseconds())
        .IndexBy("profile_guid", "to_ms");
}

/// <param name="Attributions">Attributed sales in the period: one per commission created in it.</param>
/// <param name="AttributedNetMinor">The net sales those commissions were computed on.</param>
/// <param name="ClawedBackMinor">Clawbacks created in the period, as a positive amount.</param>
public sealed record StatementTotals(int Attributions, long AttributedNetMinor, long OpeningMinor, long EarnedMinor, long ClawedBackMinor,
    long PaidMinor, long ClosingMinor)
{
    public static StatementTotals From(long opening, Movements m) =>
        new(m.Attributions, m.AttributedNetMinor, opening, m.EarnedMinor, m.ClawedBackMinor, m.PaidMinor,
            opening + m.EarnedMinor - m.ClawedBackMinor - m.PaidMinor);
}

public sealed record StatementEarningLine(string EarningGuid, EarningKind Kind, long AmountMinor, long BaseMinor, EarningStatus Status,
    string CampaignCode, string? OrderNumber, string? PayoutGuid, DateTimeOffset CreatedAt);

public sealed record StatementPayoutLine(string PayoutGuid, long AmountMinor, string? ProviderRef, DateTimeOffset PaidAt);

/// <summary>What moved the owed balance over a span: commissions, clawbacks and payouts. Adds up over consecutive spans.</summary>
public sealed record Movements(int Attributions, long AttributedNetMinor, long EarnedMinor, long ClawedBackMinor, long PaidMinor)
{
    public static readonly Movements None = new(0, 0, 0, 0, 0);

    public long Net => EarnedMinor - ClawedBackMinor - PaidMinor;

    public Movements Add(Earning e) => e.Kind == EarningKind.Commission
        ? this with { Attributions = Attributions + 1, AttributedNetMinor = AttributedNetMinor + e.BaseMinor, EarnedMinor = EarnedMinor + e.AmountMinor }
        : this with { ClawedBackMinor = ClawedBackMinor - e.AmountMinor };

    public Movements Add(Payout p) => this with { PaidMinor = PaidMinor + p.AmountMinor };
}

public sealed record StatementCreated(string Orgcode, string StatementGuid, string ProfileGuid, DateTimeOffset PeriodStartAt, DateTimeOffset PeriodEndAt,
    string Currency, StatementTotals Totals);
