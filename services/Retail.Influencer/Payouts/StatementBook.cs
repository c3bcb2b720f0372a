using Retail.Influencer.Earnings;
using Retail.Influencer.Profiles;
using Retail.Shared;

namespace Retail.Influencer.Payouts;

/// <summary>
/// Makes a profile's immutable statements (UC-INF-003). Each period is read through indexes: the profile's earnings by
/// creation time (<see cref="EarningsByCreation"/>), its payouts by paid time, its statements by period end — never every
/// earning of the profile.
/// </summary>
public sealed class StatementBook(RecordStore<Statement> statements, RecordStore<Earning> earnings, RecordStore<Payout> payouts,
    RecordStore<InfluencerProfile> profiles)
{
    private const int PageSize = 500;

    public async Task<(Statement? Statement, ProblemHttpResult? Problem)> CreateAsync(string orgcode, string profileGuid, DateTimeOffset start,
        DateTimeOffset end, string by, CancellationToken ct)
    {
        if ((await profiles.GetAsync(orgcode, profileGuid, ct: ct))?.Record is not { } profile)
        {
            return (null, InfluencerProblems.UnknownReference("profile_guid", "No such influencer profile."));
        }
        var startMs = start.ToUnixTimeMilliseconds();
        var endMs = end.ToUnixTimeMilliseconds();
        // Statements ending after this one starts: the one that begins before it ends overlaps (at most a few are read).
        var later = await statements.ListAsync(orgcode, [StateFilter.Eq("profile_guid", profileGuid), StateFilter.Above("to_ms", startMs)], PageSize,
            sort: [new StateSort("to_ms")], ct: ct);
        if (later.Items.FirstOrDefault(s => s.PeriodStartAt.ToUnixTimeMilliseconds() < endMs) is { } overlapping)
        {
            return (null, InfluencerProblems.StatementOverlap(overlapping.StatementGuid, overlapping.PeriodStartAt, overlapping.PeriodEndAt));
        }
        var previous = (await statements.ListAsync(orgcode, [StateFilter.Eq("profile_guid", profileGuid), StateFilter.Below("to_ms", startMs, inclusive: true)], 1,
            sort: [new StateSort("to_ms", Descending: true)], ct: ct)).Items.FirstOrDefault();
        var gapStart = previous?.PeriodEndAt.ToUnixTimeMilliseconds() ?? 0;
        var (gap, _, _, _) = await MovementsAsync(orgcode, profileGuid, gapStart, startMs, lines: false, ct);
        var opening = (previous?.Totals.ClosingMinor ?? 0) + gap.Net;
        var (period, earned, paid, truncated) = await MovementsAsync(orgcode, profileGuid, startMs, endMs, lines: true, ct);
        var statement = new Statement
        {
            StatementGuid = Ids.New(),
            ProfileGuid = profileGuid,
            Currency = profile.Currency,
            PeriodStartAt = start,
            PeriodEndAt = end,
            PreviousStatementGuid = previous?.StatementGuid,
            Totals = StatementTotals.From(opening, period),
            Earnings = earned,
            Payouts = paid,
            LinesTruncated = truncated,
            CreatedBy = by,
        };
        var write = await statements.CreateAsync(orgcode, statement,
            [new DomainEvent(InfluencerEvents.StatementCreated, new StatementCreated(orgcode, statement.StatementGuid, profileGuid, start, end,
                profile.Currency, statement.Totals))], ct);
        // The period's start is unique per profile: a concurrent create of the same period loses with 409 duplicate.
        return write.Succeeded ? (write.Record, null) : (null, write.Problem());
    }

    /// <summary>
    /// What moved the owed balance in <c>[fromMs, toMs)</c>: commissions and clawbacks created (cancelled commissions left
    /// out), payouts paid; with the lines when asked (at most <see cref="Statement.MaxLines"/> of each).
    /// </summary>
    private async Task<(Movements Movements, List<StatementEarningLine> Earnings, List<StatementPayoutLine> Payouts, bool Truncated)> MovementsAsync(
        string orgcode, string profileGuid, long fromMs, long toMs, bool lines, CancellationToken ct)
    {
        var movements = Movements.None;
        var earningLines = new List<StatementEarningLine>();
        var payoutLines = new List<StatementPayoutLine>();
        var truncated = false;
        if (fromMs >= toMs)
        {
            return (movements, earningLines, payoutLines, truncated);
        }
        string? token = null;
        do
        {
            var page = await earnings.ListAsync(orgcode,
                [
                    StateFilter.Eq("profile_guid", profileGuid), StateFilter.Above(EarningsByCreation.CreatedMs, fromMs, inclusive: true),
                    StateFilter.Below(EarningsByCreation.CreatedMs, toMs),
                ],
                PageSize, token, sort: [new StateSort(EarningsByCreation.CreatedMs), new StateSort("earning_guid")], ct: ct);
            foreach (var e in page.Items.Where(e => e.Status != EarningStatus.Cancelled))
            {
                movements = movements.Add(e);
                if (!lines)
                {
                    continue;
                }
                if (earningLines.Count < Statement.MaxLines)
                {
                    earningLines.Add(new StatementEarningLine(e.EarningGuid, e.Kind, e.AmountMinor, e.BaseMinor, e.Status, e.CampaignCode, e.OrderNumber,
                        e.PayoutGuid, e.CreatedAt));
                }
                else
                {
                    truncated = true;
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        token = null;
        do
        {
            var page = await payouts.ListAsync(orgcode,
                [StateFilter.Eq("profile_guid", profileGuid), StateFilter.Above("paid_ms", fromMs, inclusive: true), StateFilter.Below("paid_ms", toMs)],
                PageSize, token, sort: [new StateSort("paid_ms"), new StateSort("payout_guid")], ct: ct);
            foreach (var p in page.Items.Where(p => p.Status == PayoutStatus.Paid))
            {
                movements = movements.Add(p);
                if (!lines)
                {
                    continue;
                }
                if (payoutLines.Count < Statement.MaxLines)
                {
                    payoutLines.Add(new StatementPayoutLine(p.PayoutGuid, p.AmountMinor, p.ProviderRef, p.PaidAt!.Value));
                }
                else
                {
                    truncated = true;
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        return (movements, earningLines, payoutLines, truncated);
    }
}
