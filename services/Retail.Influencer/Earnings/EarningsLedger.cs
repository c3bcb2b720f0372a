using Microsoft.Extensions.Logging;
using Retail.Influencer.Campaigns;
using Retail.Influencer.Profiles;
using Retail.Shared;

namespace Retail.Influencer.Earnings;

/// <summary>The data of <c>attribution.recorded</c>.</summary>
public sealed record AttributionRecorded(string Orgcode, string AttributionGuid, string OrderGuid, string? OrderNumber, string CampaignGuid,
    string CampaignCode, string ProfileGuid, string? ChannelCode, long NetMinor, string Currency, DateTimeOffset PlacedAt, AttributionSource Source,
    string? EarningGuid);

/// <summary>
/// The data of <c>earning.created|available|held|released|clawed_back|cancelled</c>: the entry after the change and the
/// profile's balance it left.
/// </summary>
public sealed record EarningChanged(string Orgcode, string EarningGuid, string Reference, string ProfileGuid, EarningKind Kind, EarningStatus Status,
    long AmountMinor, string Currency, string OrderGuid, string? ClawsBack, string? ReturnGuid, DateTimeOffset? AvailableAt, string? Reason,
    long PendingMinor, long AvailableMinor, long HeldMinor);

/// <summary>The outcome of an earnings change: what it wrote (or found, on a replay), or the problem that refused it.</summary>
public sealed record EarningResult(Attribution? Attribution, Earning? Earning, InfluencerBalance? Balance, bool Replayed, ProblemHttpResult? Problem)
{
    public static EarningResult Refused(ProblemHttpResult problem) => new(null, null, null, false, problem);

    public static readonly EarningResult Nothing = new(null, null, null, false, null);

    public string? Code => Problem?.ProblemDetails.Extensions.TryGetValue("code", out var code) == true ? code as string : null;
}

/// <summary>
/// Attributions and earnings (UC-INF-002, UC-INF-003). Every change is one batch: the earning(s), the profile's
/// <see cref="InfluencerBalance"/> (ETag-checked) and the business event. A change that loses a race on the balance or on a
/// unique reference is read and decided again (bounded, small jittered pause), so a replay finds the first result:
/// attribution unique per order, earning references <c>commission:{order_guid}</c>, <c>clawback:{return_guid}:{earning_guid}</c>,
/// <c>clawback:manual:{key}</c>.
/// </summary>
public sealed class EarningsLedger(
    RecordStore<Attribution> attributions,
    RecordStore<Earning> earnings,
    RecordStore<InfluencerBalance> balances,
    RecordStore<Campaign> campaigns,
    RecordStore<InfluencerProfile> profiles,
    RecordStore<DiscountTier> tiers,
    TimeProvider clock,
    ILogger<EarningsLedger> logger)
{
    public const int MaxAttempts = 8;

    public static string CommissionReference(string orderGuid) => $"commission:{orderGuid}";

    public static string ReturnClawbackReference(string returnGuid, string earningGuid) => $"clawback:{returnGuid}:{earningGuid}";

    public static string ManualClawbackReference(string key) => $"clawback:manual:{key}";

    public async Task<Attribution?> AttributionOfAsync(string orgcode, string orderGuid, CancellationToken ct) =>
        (await attributions.FindAsync(orgcode, "order_guid", orderGuid, ct))?.Record;

    /// <summary>The first attribution of an order with its commission and balance, as a replay answers it.</summary>
    public async Task<EarningResult?> ReplayOfAsync(string orgcode, string orderGuid, CancellationToken ct)
    {
        if (await AttributionOfAsync(orgcode, orderGuid, ct) is not { } first)
        {
            return null;
        }
        var commission = (await earnings.FindAsync(orgcode, "reference", CommissionReference(orderGuid), ct))?.Record;
        return new EarningResult(first, commission, (await balances.GetAsync(orgcode, first.ProfileGuid, ct: ct))?.Record, true, null);
    }

    /// <summary>
    /// Attributes a placed order to its campaign (<paramref name="campaignCode"/>, else the order's own) once, with its pending
    /// commission and the balance in the same batch.
    /// </summary>
    public Task<EarningResult> AttributeAsync(string orgcode, ScmOrder order, string? campaignCode, AttributionSource source, string actor,
        CancellationToken ct) =>
        RunAsync(async ct =>
        {
            var orderGuid = order.OrderGuid!;
            if (await ReplayOfAsync(orgcode, orderGuid, ct) is { } replay)
            {
                return replay;
            }
            var code = campaignCode ?? order.CampaignCode;
            if (string.IsNullOrWhiteSpace(code))
            {
                return EarningResult.Refused(InfluencerProblems.UnknownReference("campaign_code", "The order carries no campaign code and none was given."));
            }
            var campaign = await CampaignAsync(orgcode, code, ct);
            if (campaign is null)
            {
                return EarningResult.Refused(InfluencerProblems.UnknownReference("campaign_code", $"No campaign '{code}' in this org."));
            }
            var placedAt = order.PlacedAt ?? clock.GetUtcNow();
            if (!campaign.Counts(placedAt, order.ChannelCode))
            {
                return EarningResult.Refused(campaign.Status == CampaignStatus.Active
                    ? InfluencerProblems.CampaignNotCounting(campaign.Code, $"it does not count orders of channel '{order.ChannelCode}' placed at {placedAt:O}")
                    : InfluencerProblems.CampaignNotActive(campaign.Code, Retail.Shared.Json.SnakeCase.Name(campaign.Status)));
            }
            var currency = (order.Currency ?? "").Trim().ToUpperInvariant();
            if (!string.Equals(currency, campaign.Currency, StringComparison.OrdinalIgnoreCase))
            {
                return EarningResult.Refused(InfluencerProblems.CurrencyMismatch(currency, campaign.Currency));
            }
            var profile = (await profiles.GetAsync(orgcode, campaign.ProfileGuid, ct: ct))?.Record;
            if (profile is null)
            {
                return EarningResult.Refused(InfluencerProblems.UnknownReference("profile_guid", $"The campaign's profile '{campaign.ProfileGuid}' does not exist."));
            }
            if (profile.Status != ProfileStatus.Active)
            {
                return EarningResult.Refused(InfluencerProblems.ProfileNotActive(profile.ProfileGuid, Retail.Shared.Json.SnakeCase.Name(profile.Status)));
            }
            var current = await balances.GetAsync(orgcode, profile.ProfileGuid, ct: ct);
            var balance = current?.Record ?? new InfluencerBalance { ProfileGuid = profile.ProfileGuid, Currency = campaign.Currency };
            var (rate, tier) = EarningRules.RateFor(campaign.Commission, campaign.Currency, balance.AttributedNetMinor,
                campaign.Commission.UseTiers ? await ActiveTiersAsync(orgcode, ct) : []);
            var lines = (order.Lines ?? []).Select(l => new AttributedLine(l.LineNo, l.VariantGuid, l.Quantity, Math.Max(0, l.NetMinor))).ToList();
            var net = lines.Sum(l => l.NetMinor);
            var amount = EarningRules.Commission(net, rate);
            var now = clock.GetUtcNow();
            var attribution = new Attribution
            {
                AttributionGuid = Guid.CreateVersion7(now).ToString(),
                OrderGuid = orderGuid,
                OrderNumber = order.OrderNumber,
                CampaignGuid = campaign.CampaignGuid,
                CampaignCode = campaign.Code,
                ProfileGuid = profile.ProfileGuid,
                ChannelCode = order.ChannelCode,
                NetMinor = net,
                Currency = campaign.Currency,
                Lines = lines,
                PlacedAt = placedAt,
                Source = source,
                RecordedBy = actor,
            };
            var commission = new Earning
            {
                EarningGuid = Guid.CreateVersion7(now).ToString(),
                Reference = CommissionReference(orderGuid),
                ProfileGuid = profile.ProfileGuid,
                CampaignGuid = campaign.CampaignGuid,
                CampaignCode = campaign.Code,
                AttributionGuid = attribution.AttributionGuid,
                OrderGuid = orderGuid,
                OrderNumber = order.OrderNumber,
                Kind = EarningKind.Commission,
                AmountMinor = amount,
                Currency = campaign.Currency,
                BaseMinor = net,
                RateBps = rate,
                TierCode = tier,
                Status = EarningStatus.Pending,
                AvailableAt = placedAt.AddDays(Math.Max(0, campaign.Commission.ReturnWindowDays)),
                Actor = actor,
            };
            attribution = attribution with { EarningGuid = commission.EarningGuid };
            var next = EarningRules.Move(balance, EarningStatus.Pending, amount) with { AttributedNetMinor = balance.AttributedNetMinor + net };
            var batch = new RecordBatch();
            var stored = attributions.Create(batch, orgcode, attribution, [Recorded(orgcode, attribution)]);
            var staged = StageBalance(batch, orgcode, current, next);
            var created = earnings.Create(batch, orgcode, commission, [Changed(InfluencerEvents.EarningCreated, orgcode, commission, staged)]);
            var write = await batch.CommitAsync(ct);
            return write.Succeeded ? new EarningResult(stored, created, staged, false, null) : null;
        }, ct);

    /// <summary>Moves a pending earning whose return window has passed to available (the sweep); nothing when it is not due.</summary>
    public Task<EarningResult> MakeAvailableAsync(string orgcode, string earningGuid, string actor, CancellationToken ct) =>
        RunAsync(async ct =>
        {
            var loaded = await earnings.GetAsync(orgcode, earningGuid, ct: ct);
            if (loaded is not { Record: { Status: EarningStatus.Pending, AvailableAt: { } at } earning } || at > clock.GetUtcNow())
            {
                return EarningResult.Nothing;
            }
            return await MoveAsync(orgcode, loaded, earning with { Status = EarningStatus.Available, Actor = actor }, InfluencerEvents.EarningAvailable, ct);
        }, ct);

    /// <summary>An admin holds a pending or available commission (the status it had is kept to release it to).</summary>
    public Task<EarningResult> HoldAsync(string orgcode, string earningGuid, long? expectedRevision, string reason, string actor, CancellationToken ct) =>
        RunAsync(async ct =>
        {
            var (loaded, refused) = await earnings.LoadForChangeAsync(orgcode, earningGuid, expectedRevision, ct: ct);
            if (refused is not null)
            {
                return EarningResult.Refused(refused);
            }
            var earning = loaded!.Record;
            if (earning.Kind != EarningKind.Commission)
            {
                return EarningResult.Refused(InfluencerProblems.NotACommission(earning.EarningGuid));
            }
            if (Earning.Lifecycle.Check(earning.Status, EarningStatus.Held) is { } invalid)
            {
                return EarningResult.Refused(invalid);
            }
            return await MoveAsync(orgcode, loaded,
                earning with { Status = EarningStatus.Held, HeldFrom = earning.Status, HoldReason = reason, Reason = reason, Actor = actor },
                InfluencerEvents.EarningHeld, ct);
        }, ct);

    /// <summary>
    /// An admin releases a held commission back to the status it was held from, or to available when its return window has
    /// passed meanwhile.
    /// </summary>
    public Task<EarningResult> ReleaseAsync(string orgcode, string earningGuid, long? expectedRevision, string? reason, string actor, CancellationToken ct) =>
        RunAsync(async ct =>
        {
            var (loaded, refused) = await earnings.LoadForChangeAsync(orgcode, earningGuid, expectedRevision, ct: ct);
            if (refused is not null)
            {
                return EarningResult.Refused(refused);
            }
            var earning = loaded!.Record;
            if (earning.Status != EarningStatus.Held)
            {
                return EarningResult.Refused(ApiProblem.InvalidTransition(Retail.Shared.Json.SnakeCase.Name(earning.Status), "released",
                    Earning.Lifecycle.AllowedFrom(earning.Status).Select(s => Retail.Shared.Json.SnakeCase.Name(s)).ToList()));
            }
            var to = earning.HeldFrom == EarningStatus.Pending && earning.AvailableAt > clock.GetUtcNow() ? EarningStatus.Pending : EarningStatus.Available;
            return await MoveAsync(orgcode, loaded, earning with { Status = to, HeldFrom = null, Reason = reason ?? earning.Reason, Actor = actor },
                InfluencerEvents.EarningReleased, ct);
        }, ct);

    /// <summary>
    /// The sale was cancelled (SCM <c>order.cancelled</c>): its commission, while still pending (or held from pending), and
    /// its pending clawbacks are cancelled, the balance and the attributed net given back. A commission already available or
    /// paid stays (a return claws it back instead).
    /// </summary>
    public Task<EarningResult> CancelSaleAsync(string orgcode, string orderGuid, string? reason, string actor, CancellationToken ct) =>
        RunAsync(async ct =>
        {
            var attribution = await AttributionOfAsync(orgcode, orderGuid, ct);
            var loaded = await earnings.FindAsync(orgcode, "reference", CommissionReference(orderGuid), ct);
            if (attribution is null || loaded is null)
            {
                return EarningResult.Nothing;
            }
            var commission = loaded.Record;
            if (commission.Status == EarningStatus.Cancelled)
            {
                return new EarningResult(attribution, commission, null, true, null);
            }
            if (!commission.StillPending)
            {
                return EarningResult.Refused(ApiProblem.InvalidTransition(Retail.Shared.Json.SnakeCase.Name(commission.Status), "cancelled",
                    Earning.Lifecycle.AllowedFrom(commission.Status).Select(s => Retail.Shared.Json.SnakeCase.Name(s)).ToList()));
            }
            var current = await balances.GetAsync(orgcode, commission.ProfileGuid, ct: ct);
            if (current is null)
            {
                return null;
            }
            var batch = new RecordBatch();
            var balance = EarningRules.Move(current.Record, commission.Status, commission.AmountMinor, -1);
            balance = balance with { AttributedNetMinor = Math.Max(0, balance.AttributedNetMinor - attribution.NetMinor) };
            var clawbacks = await earnings.ListAsync(orgcode, [StateFilter.Eq("claws_back", commission.EarningGuid)], 500, ct: ct);
            var loadedClawbacks = await earnings.LoadManyAsync(orgcode, clawbacks.Items.Select(c => c.EarningGuid).ToList(), ct);
            foreach (var clawback in loadedClawbacks.Values.Where(c => c.Record.StillPending))
            {
                balance = EarningRules.Move(balance, clawback.Record.Status, clawback.Record.AmountMinor, -1);
                var gone = clawback.Record with { Status = EarningStatus.Cancelled, HeldFrom = null, Reason = reason, Actor = actor };
                earnings.Update(batch, orgcode, clawback, gone, "status_changed", [Changed(InfluencerEvents.EarningCancelled, orgcode, gone, balance)]);
            }
            var cancelled = commission with { Status = EarningStatus.Cancelled, HeldFrom = null, Reason = reason, Actor = actor };
            var staged = StageBalance(batch, orgcode, current, balance);
            var written = earnings.Update(batch, orgcode, loaded, cancelled, "status_changed", [Changed(InfluencerEvents.EarningCancelled, orgcode, cancelled, staged)]);
            var write = await batch.CommitAsync(ct);
            return write.Succeeded ? new EarningResult(attribution, written, staged, false, null) : null;
        }, ct);

    /// <summary>
    /// Claws back part of a commission once per <paramref name="reference"/>: the share <paramref name="returnedNetMinor"/> of
    /// the attributed net stands for (a return), or <paramref name="amountMinor"/>, or (<paramref name="full"/>) all that is
    /// left; never more than is left of the commission (a manual amount beyond it is 422 <c>clawback_exceeds_commission</c>).
    /// The clawback is a negative entry beside the commission: pending with it while the commission is still pending
    /// (the pending balance goes down), else available (netted from the next payout).
    /// </summary>
    public Task<EarningResult> ClawbackAsync(string orgcode, string earningGuid, string reference, long? returnedNetMinor, long? amountMinor, bool full,
        string? returnGuid, string? reason, string actor, CancellationToken ct) =>
        RunAsync(async ct =>
        {
            if (await earnings.FindAsync(orgcode, "reference", reference, ct) is { } first)
            {
                if (first.Record.ClawsBack != earningGuid)
                {
                    return EarningResult.Refused(ApiProblem.Duplicate($"The reference '{reference}' clawed back another earning.", "reference"));
                }
                return new EarningResult(null, first.Record, (await balances.GetAsync(orgcode, first.Record.ProfileGuid, ct: ct))?.Record, true, null);
            }
            var loaded = await earnings.GetAsync(orgcode, earningGuid, ct: ct);
            if (loaded is null)
            {
                return EarningResult.Refused(InfluencerProblems.UnknownReference("earning_guid", $"No earning '{earningGuid}' in this org."));
            }
            var commission = loaded.Record;
            if (commission.Kind != EarningKind.Commission)
            {
                return EarningResult.Refused(InfluencerProblems.NotACommission(commission.EarningGuid));
            }
            if (commission.Status == EarningStatus.Cancelled)
            {
                return EarningResult.Refused(ApiProblem.InvalidTransition("cancelled", "clawed_back", []));
            }
            long amount;
            if (returnedNetMinor is { } returned)
            {
                var attribution = (await attributions.GetAsync(orgcode, commission.AttributionGuid, ct: ct))?.Record;
                amount = EarningRules.ProportionalClawback(commission.AmountMinor, returned, attribution?.NetMinor ?? commission.BaseMinor,
                    commission.ClawableMinor);
                if (amount <= 0)
                {
                    return EarningResult.Nothing;
                }
            }
            else
            {
                amount = full ? commission.ClawableMinor : amountMinor ?? 0;
                if (amount <= 0 || amount > commission.ClawableMinor)
                {
                    return EarningResult.Refused(InfluencerProblems.ClawbackExceedsCommission(amount, commission.ClawableMinor));
                }
            }
            var current = await balances.GetAsync(orgcode, commission.ProfileGuid, ct: ct);
            if (current is null)
            {
                return null;
            }
            var now = clock.GetUtcNow();
            var status = commission.StillPending ? EarningStatus.Pending : EarningStatus.Available;
            var clawback = commission with
            {
                EarningGuid = Guid.CreateVersion7(now).ToString(),
                Reference = reference,
                Kind = EarningKind.Clawback,
                AmountMinor = -amount,
                BaseMinor = returnedNetMinor ?? amount,
                Status = status,
                AvailableAt = status == EarningStatus.Pending ? commission.AvailableAt : now,
                HeldFrom = null,
                HoldReason = null,
                ClawsBack = commission.EarningGuid,
                ReturnGuid = returnGuid,
                PayoutGuid = null,
                ClawedBackMinor = 0,
                Reason = reason,
                Actor = actor,
            };
            var balance = EarningRules.Move(current.Record, status, -amount);
            if (returnedNetMinor is { } back)
            {
                balance = balance with { AttributedNetMinor = Math.Max(0, balance.AttributedNetMinor - back) };
            }
            var batch = new RecordBatch();
            earnings.Update(batch, orgcode, loaded, commission with { ClawedBackMinor = commission.ClawedBackMinor + amount });
            var staged = StageBalance(batch, orgcode, current, balance);
            var created = earnings.Create(batch, orgcode, clawback, [Changed(InfluencerEvents.EarningClawedBack, orgcode, clawback, staged)]);
            var write = await batch.CommitAsync(ct);
            return write.Succeeded ? new EarningResult(null, created, staged, false, null) : null;
        }, ct);

    /// <summary>The (org, earning) pairs of every org whose return window has passed, a page at a time.</summary>
    public async Task<IReadOnlyList<(string Orgcode, string EarningGuid)>> DueAcrossOrgsAsync(int limit, CancellationToken ct)
    {
        var page = await earnings.ListAcrossOrgsAsync([StateFilter.Below("available_due", clock.GetUtcNow().ToUnixTimeMilliseconds(), inclusive: true)],
            limit, ct: ct);
        return page.Items.Select(i => (i.Orgcode, i.Record.EarningGuid)).ToList();
    }

    /// <summary>A status change of one earning with the balance moved from the old status's part to the new one's.</summary>
    private async Task<EarningResult?> MoveAsync(string orgcode, Loaded<Earning> loaded, Earning next, string eventType, CancellationToken ct)
    {
        var current = await balances.GetAsync(orgcode, next.ProfileGuid, ct: ct);
        if (current is null)
        {
            return null; // every earning was created with its balance: only a race explains none
        }
        var balance = EarningRules.Move(EarningRules.Move(current.Record, loaded.Record.Status, loaded.Record.AmountMinor, -1), next.Status, next.AmountMinor);
        var batch = new RecordBatch();
        var staged = StageBalance(batch, orgcode, current, balance);
        var written = earnings.Update(batch, orgcode, loaded, next, "status_changed", [Changed(eventType, orgcode, next, staged)]);
        var write = await batch.CommitAsync(ct);
        if (write.Succeeded)
        {
            return new EarningResult(null, written, staged, false, null);
        }
        // The earning itself changed since it was read: another writer decided first, so read and decide again.
        return null;
    }

    private InfluencerBalance StageBalance(RecordBatch batch, string orgcode, Loaded<InfluencerBalance>? current, InfluencerBalance next) =>
        current is null ? balances.Create(batch, orgcode, next) : balances.Update(batch, orgcode, current, next);

    /// <summary>
    /// One change: an attempt that lost a race (null) is read and decided again after a short jittered pause, up to
    /// <see cref="MaxAttempts"/>; then 409 <c>earnings_contended</c>.
    /// </summary>
    private async Task<EarningResult> RunAsync(Func<CancellationToken, Task<EarningResult?>> attempt, CancellationToken ct)
    {
        for (var n = 1; n <= MaxAttempts; n++)
        {
            if (await attempt(ct) is { } done)
            {
                return done;
            }
            if (n < MaxAttempts)
            {
                // Real time, not the clock: a pause between attempts, not a business time.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10 + (10 * n))), ct);
            }
        }
        logger.LogWarning("An earnings change kept conflicting; gave up after {Attempts} attempts", MaxAttempts);
        return EarningResult.Refused(InfluencerProblems.EarningsContended());
    }

    /// <summary>The campaign of a code as an order carries it (codes are lower-cased; a code kept as typed is found too).</summary>
    private async Task<Campaign?> CampaignAsync(string orgcode, string code, CancellationToken ct) =>
        (await campaigns.FindAsync(orgcode, "code", Codes.Normalize(code), ct))?.Record
        ?? (await campaigns.FindAsync(orgcode, "code", code.Trim(), ct))?.Record
        ?? (await campaigns.FindAsync(orgcode, "code", code.Trim().ToUpperInvariant(), ct))?.Record;

    /// <summary>
    /// The org's active discount tiers through the <c>active</c> index (a few per org; bounded pages); the rate is then
    /// decided by <see cref="EarningRules.RateFor"/> through the campaigns area's <c>DiscountTiers.For</c>.
    /// </summary>
    private async Task<IReadOnlyList<DiscountTier>> ActiveTiersAsync(string orgcode, CancellationToken ct)
    {
        var found = new List<DiscountTier>();
        string? token = null;
        for (var page = 0; page < 10; page++)
        {
            var next = await tiers.ListAsync(orgcode, [StateFilter.Eq("active", true)], 500, token, ct: ct);
            found.AddRange(next.Items);
            token = next.NextToken;
            if (token is null)
            {
                break;
            }
        }
        return found;
    }

    private static DomainEvent Recorded(string orgcode, Attribution a) =>
        new(InfluencerEvents.AttributionRecorded, new AttributionRecorded(orgcode, a.AttributionGuid, a.OrderGuid, a.OrderNumber, a.CampaignGuid, a.CampaignCode,
            a.ProfileGuid, a.ChannelCode, a.NetMinor, a.Currency, a.PlacedAt, a.Source, a.EarningGuid), $"attribution/{a.AttributionGuid}");

    private static DomainEvent Changed(string type, string orgcode, Earning e, InfluencerBalance balance) =>
        new(type, new EarningChanged(orgcode, e.EarningGuid, e.Reference, e.ProfileGuid, e.Kind, e.Status, e.AmountMinor, e.Currency, e.OrderGuid, e.ClawsBack,
            e.ReturnGuid, e.AvailableAt, e.Reason, balance.PendingMinor, balance.AvailableMinor, balance.HeldMinor), $"earning/{e.EarningGuid}");
}
