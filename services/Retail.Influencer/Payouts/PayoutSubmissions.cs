using Microsoft.Extensions.Logging;
using Retail.Influencer.Earnings;
using Retail.Influencer.Profiles;
using Retail.Shared;

namespace Retail.Influencer.Payouts;

/// <summary>How a submit ended: a payout (new, or one already in flight answered again), or the problem that stopped it.</summary>
public sealed record PayoutResult(Payout? Payout, bool Created, ProblemHttpResult? Problem)
{
    public static PayoutResult Refused(ProblemHttpResult problem) => new(null, false, problem);
}

/// <summary>
/// A payout in two writes, like SCM's refunds: the CLAIM (one batch: the payout <c>submitted</c>, each available earning
/// <c>paid</c> with its payout guid, the balance's available moved to paid — every earning and the balance ETag-checked, so
/// two concurrent submits cannot both take an earning), then the provider (the payout guid is the idempotency key), then
/// the SETTLE: <c>paid</c> (provider reference, <c>payout.paid</c>), or on a decline <c>failed</c> with its earnings and the
/// balance given back in one batch (<c>payout.failed</c>). No answer leaves the payout <c>submitted</c>: the next submit for
/// the profile, or the sweep, drives it again and the provider pays it once.
/// </summary>
public sealed class PayoutSubmissions(RecordStore<Payout> payouts, RecordStore<Earning> earnings, RecordStore<InfluencerBalance> balances,
    RecordStore<InfluencerProfile> profiles, IPayoutProvider provider, TimeProvider clock, ILogger<PayoutSubmissions> logger)
{
    public const int MaxAttempts = 8;

    /// <summary>The readiness checks a profile fails (empty: ready), the amount aside: the same reasons <c>/payout/ready/get</c> gives.</summary>
    public static List<string> Unready(InfluencerProfile profile) => [.. PayoutReadiness.Reasons(profile, long.MaxValue)];

    /// <summary>
    /// Pays the profile's available earnings once. A payout of the profile still <c>submitted</c> (the provider did not
    /// answer) is driven again and answered instead of claiming anew, so a retried or concurrent submit pays once.
    /// </summary>
    public async Task<PayoutResult> SubmitAsync(string orgcode, string profileGuid, string by, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if ((await profiles.GetAsync(orgcode, profileGuid, ct: ct))?.Record is not { } profile)
            {
                return PayoutResult.Refused(InfluencerProblems.UnknownReference("profile_guid", "No such influencer profile."));
            }
            var inFlight = await payouts.ListAsync(orgcode, [StateFilter.Eq("profile_guid", profileGuid), StateFilter.Eq("status", "submitted")], 1, ct: ct);
            if (inFlight.Items.Count > 0)
            {
                return await DriveAsync(orgcode, inFlight.Items[0].PayoutGuid, ct);
            }
            var reasons = Unready(profile);
            var page = await earnings.ListAsync(orgcode, [StateFilter.Eq("profile_guid", profileGuid), StateFilter.Eq("status", "available")],
                Payout.MaxEarnings, ct: ct);
            var taken = (await earnings.LoadManyAsync(orgcode, page.Items.Select(e => e.EarningGuid).ToList(), ct)).Values
                .Where(e => e.Record.Status == EarningStatus.Available && e.Record.PayoutGuid is null && e.Record.Currency == profile.Currency)
                .OrderBy(e => e.Record.EarningGuid, StringComparer.Ordinal)
                .ToList();
            var amount = taken.Sum(e => e.Record.AmountMinor);
            if (reasons.Count == 0 && amount <= 0)
            {
                return PayoutResult.Refused(InfluencerProblems.NothingToPay(amount));
            }
            if (amount < profile.MinimumPayoutMinor || amount <= 0)
            {
                reasons.Add(PayoutReadiness.BelowMinimum);
            }
            if (reasons.Count > 0)
            {
                return PayoutResult.Refused(InfluencerProblems.PayoutNotReady(reasons, amount, profile.MinimumPayoutMinor));
            }
            var now = clock.GetUtcNow();
            var payout = new Payout
            {
                PayoutGuid = Ids.New(),
                ProfileGuid = profileGuid,
                EarningGuids = taken.Select(e => e.Record.EarningGuid).ToList(),
                AmountMinor = amount,
                Currency = profile.Currency,
                MethodRef = profile.PayoutMethodRef!,
                SubmittedBy = by,
                SubmittedAt = now,
            };
            var batch = new RecordBatch();
            payouts.Create(batch, orgcode, payout, [PayoutChanged.Of(InfluencerEvents.PayoutSubmitted, orgcode, payout, 1)]);
            foreach (var earning in taken)
            {
                earnings.Update(batch, orgcode, earning, earning.Record with { Status = EarningStatus.Paid, PayoutGuid = payout.PayoutGuid }, "paid");
            }
            await MoveBalanceAsync(batch, orgcode, profileGuid, profile.Currency, -amount, ct);
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                var driven = await DriveAsync(orgcode, payout.PayoutGuid, ct);
                return driven with { Created = true };
            }
            // Another submit, or an earning change, won: decide again on the newest (the other submit's payout is then in flight or done).
            await PauseAsync(attempt, ct);
        }
        logger.LogWarning("Payout of {ProfileGuid} in {Orgcode} kept conflicting; gave up after {Attempts} attempts", profileGuid, orgcode, MaxAttempts);
        return PayoutResult.Refused(InfluencerProblems.PayoutContended());
    }

    /// <summary>
    /// Asks the provider to pay a <c>submitted</c> payout (again: the provider is idempotent by payout guid) and settles it.
    /// A paid or failed payout is answered as it is.
    /// </summary>
    public async Task<PayoutResult> DriveAsync(string orgcode, string payoutGuid, CancellationToken ct)
    {
        if ((await payouts.GetAsync(orgcode, payoutGuid, ct: ct))?.Record is not { } payout)
        {
            return PayoutResult.Refused(ApiProblem.NotFound("No such payout."));
        }
        if (payout.Status != PayoutStatus.Submitted)
        {
            return Answer(payout);
        }
        var outcome = await provider.PayAsync(new PayoutCommand(orgcode, payout.PayoutGuid, payout.MethodRef, payout.AmountMinor, payout.Currency), ct);
        if (outcome.Kind == PayoutOutcomeKind.Unavailable)
        {
            return new PayoutResult(payout, false, InfluencerProblems.PayoutProviderUnavailable(payout.PayoutGuid));
        }
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var loaded = await payouts.GetAsync(orgcode, payoutGuid, ct: ct) ?? throw new InvalidOperationException($"payout {payoutGuid} is gone");
            var current = loaded.Record;
            if (current.Status != PayoutStatus.Submitted)
            {
                return Answer(current);
            }
            var now = clock.GetUtcNow();
            var batch = new RecordBatch();
            Payout next;
            if (outcome.Kind == PayoutOutcomeKind.Paid)
            {
                next = current with { Status = PayoutStatus.Paid, ProviderRef = outcome.ProviderRef, PaidAt = now };
                payouts.Update(batch, orgcode, loaded, next, "status_changed", [PayoutChanged.Of(InfluencerEvents.PayoutPaid, orgcode, next, current.Revision + 1)]);
            }
            else
            {
                next = current with { Status = PayoutStatus.Failed, FailureReason = outcome.Reason ?? "declined", FailedAt = now };
                payouts.Update(batch, orgcode, loaded, next, "status_changed", [PayoutChanged.Of(InfluencerEvents.PayoutFailed, orgcode, next, current.Revision + 1)]);
                var back = (await earnings.LoadManyAsync(orgcode, current.EarningGuids, ct)).Values
                    .Where(e => e.Record.Status == EarningStatus.Paid && e.Record.PayoutGuid == payoutGuid)
                    .ToList();
                foreach (var earning in back)
                {
                    earnings.Update(batch, orgcode, earning, earning.Record with { Status = EarningStatus.Available, PayoutGuid = null }, "payout_failed");
                }
                await MoveBalanceAsync(batch, orgcode, current.ProfileGuid, current.Currency, back.Sum(e => e.Record.AmountMinor), ct);
            }
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                return Answer(next);
            }
            await PauseAsync(attempt, ct);
        }
        logger.LogWarning("Settling payout {PayoutGuid} in {Orgcode} kept conflicting; the sweep settles it", payoutGuid, orgcode);
        return new PayoutResult(payout, false, InfluencerProblems.PayoutContended());
    }

    private static PayoutResult Answer(Payout payout) => payout.Status == PayoutStatus.Failed
        ? new PayoutResult(payout, false, InfluencerProblems.PayoutDeclined(payout.PayoutGuid, payout.FailureReason ?? "declined"))
        : new PayoutResult(payout, false, null);

    /// <summary>Stages the balance change: <paramref name="toAvailable"/> into available and out of paid (negative: a claim).</summary>
    private async Task MoveBalanceAsync(RecordBatch batch, string orgcode, string profileGuid, string currency, long toAvailable, CancellationToken ct)
    {
        var loaded = await balances.GetAsync(orgcode, profileGuid, ct: ct);
        var current = loaded?.Record ?? new InfluencerBalance { ProfileGuid = profileGuid, Currency = currency };
        var next = current with { AvailableMinor = current.AvailableMinor + toAvailable, PaidMinor = current.PaidMinor - toAvailable };
        if (loaded is null)
        {
            balances.Create(batch, orgcode, next);
        }
        else
        {
            balances.Update(batch, orgcode, loaded, next, toAvailable < 0 ? "payout_claimed" : "payout_failed");
        }
    }

    // Real time, not the clock: a pause between attempts, not a business time.
    private static Task PauseAsync(int attempt, CancellationToken ct) =>
        attempt < MaxAttempts ? Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10 + (10 * attempt))), ct) : Task.CompletedTask;
}
