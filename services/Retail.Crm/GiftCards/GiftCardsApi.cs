using Retail.Crm.Customers;
using Retail.Crm.Fraud;
using Retail.Shared;
using Microsoft.Extensions.Options;

namespace Retail.Crm.GiftCards;

/// <summary>
/// Gift cards (UC-CRM-004): issue (the code shown once), redeem by code (partial, never below zero, idempotent per
/// reference), restore a redemption (a void or refund), balance by code, block and unblock, get, list and the ledger.
/// Every movement is an immutable entry committed with the card's new balance in one ETag-checked batch.
/// </summary>
public static class GiftCardsApi
{
    public static RouteGroupBuilder MapGiftCardsApi(this IEndpointRouteBuilder routes)
    {
        var cards = routes.MapGroup("/giftcard").WithTags("Gift cards");
        // The answer carries the code, so it is not kept for Idempotency-Key replay (a replay would have to store the code);
        // the issue reference is the idempotency: the same reference answers the same card, without its code.
        cards.MapPost("/issue", Issue).RequireRole(Role.Admin).WithMetadata(new WriteOperation())
            .WithSummary("Issue a gift card: currency, initial balance, optional expiry and owner; the code is shown only in this answer.");
        cards.MapPost("/redeem", Redeem).RequireRole(Role.Member).AsWrite()
            .WithSummary("Spend from a gift card by its code; partial amounts; the same reference answers the first redemption.");
        cards.MapPost("/restore", Restore).RequireRole(Role.Member).AsWrite()
            .WithSummary("Give back a redemption, named by its reference, in full or in part (a void or a refund of what it paid for).");
        cards.MapPost("/balance", Balance).RequireRole(Role.Viewer)
            .WithSummary("The balance, currency, expiry and status of the card with this code; nothing about its owner.");
        cards.MapPost("/status/set", SetStatus).RequireRole(Role.Admin).AsWrite().WithSummary("Block or unblock a gift card.");
        cards.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a gift card by giftcard_guid (never its code).");
        cards.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List gift cards by owner and status (never their codes).");
        cards.MapPost("/entry/list", ListEntries).RequireRole(Role.Viewer).WithSummary("A gift card's ledger: issue, redemptions and restores, oldest first.");
        return cards;
    }

    public static async Task<Results<Created<GiftCardIssuedView>, Ok<GiftCardIssuedView>, ProblemHttpResult>> Issue(IssueGiftCardRequest request,
        RecordStore<GiftCard> cards, RecordStore<GiftCardEntry> entries, RecordStore<Customer> customers, GiftCardCodeHasher hasher,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var principal = context.RequirePrincipal();
        var currency = GiftCardRules.CurrencyOf(request.Currency!);
        var amount = request.InitialBalanceMinor!.Value;
        var reference = request.Reference!.Trim();
        var owner = request.CustomerGuid is null ? null : GiftCardRules.GuidKey(request.CustomerGuid);
        var now = clock.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            return ApiProblem.Validation("expires_at", "must be in the future");
        }
        BatchWrite? write = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await entries.FindAsync(orgcode, "reference", GiftCardEntry.ReferenceKey(GiftCardEntryKind.Issue, reference), ct) is { } issued)
            {
                var card = (await cards.GetAsync(orgcode, issued.Record.GiftcardGuid, ct: ct))!.Record;
                return GiftCardLedger.SameMovement(issued.Record, card.GiftcardGuid, amount, currency) && issued.Record.CustomerGuid == owner
                        && card.ExpiresAt == request.ExpiresAt
                    ? TypedResults.Ok(new GiftCardIssuedView(null, true, GiftCardView.Of(card, now)))
                    : CrmProblems.GiftCardReferenceReused(reference);
            }
            if (owner is not null && await OwnerProblemAsync(customers, orgcode, owner, ct) is { } refused)
            {
                return refused;
            }
            var code = GiftCardCodes.New();
            var change = GiftCardLedger.Issue(Ids.New(), Ids.New(), await hasher.HashAsync(orgcode, code, ct),
                code, currency, amount, request.ExpiresAt, owner, reference, principal.Id);
            var batch = new RecordBatch();
            var created = cards.Create(batch, orgcode, change.Card, [GiftCardEvents.Issued(orgcode, change.Card)]);
            entries.Create(batch, orgcode, change.Entry);
            write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Created((string?)null, new GiftCardIssuedView(GiftCardCodes.Grouped(code), false, GiftCardView.Of(created, now)));
            }
            // The same reference issued concurrently (answered above next time round), or — at 2^-80 odds — a code taken.
        }
        return write!.Problem();
    }

    public static async Task<Results<Ok<GiftCardMovementView>, ProblemHttpResult>> Redeem(RedeemGiftCardRequest request, RecordStore<GiftCard> cards,
        RecordStore<GiftCardEntry> entries, GiftCardCodeHasher hasher, GiftCardGuessGuard guard, GiftCardGate gate, ICustomerHolds holds,
        IOptions<GiftCardOptions> options, RequestContext context, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var principal = context.RequirePrincipal();
        var (found, refused) = await FindByCodeAsync(request.Code!, cards, hasher, guard, orgcode, principal.Id, response, ct);
        if (refused is not null)
        {
            return refused;
        }
        var cardGuid = found!.Record.GiftcardGuid;
        var amount = request.AmountMinor!.Value;
        var currency = GiftCardRules.CurrencyOf(request.Currency!);
        var reference = request.Reference!.Trim();
        using var turn = await gate.EnterAsync(orgcode, cardGuid, ct);
        for (var attempt = 1; ; attempt++)
        {
            if (await entries.FindAsync(orgcode, "reference", GiftCardEntry.ReferenceKey(GiftCardEntryKind.Redeem, reference), ct) is { } first)
            {
                return GiftCardLedger.SameMovement(first.Record, cardGuid, amount, currency)
                    ? TypedResults.Ok(GiftCardMovementView.Of(first.Record, found.Record.CodeLast4, replayed: true))
                    : CrmProblems.GiftCardReferenceReused(reference);
            }
            var card = (await cards.GetAsync(orgcode, cardGuid, ct: ct))!;
            var (change, problem) = GiftCardLedger.Redeem(card.Record, amount, currency, reference, Ids.New(), principal.Id,
                clock.GetUtcNow());
            if (problem is not null)
            {
                return problem;
            }
            if (card.Record.CustomerGuid is { } owner && await holds.OpenHoldOfAsync(orgcode, owner, ct) is { } hold)
            {
                return CrmProblems.CustomerOnHold(owner, hold);
            }
            var write = await CommitAsync(cards, entries, orgcode, card, change!, ct);
            if (write.Entry is { } entry)
            {
                return TypedResults.Ok(GiftCardMovementView.Of(entry, card.Record.CodeLast4, replayed: false));
            }
            if (attempt >= options.Value.LedgerAttempts)
            {
                return write.Batch.Problem();
            }
            await BackoffAsync(attempt, ct);
        }
    }

    public static async Task<Results<Ok<GiftCardMovementView>, ProblemHttpResult>> Restore(RestoreGiftCardRequest request, RecordStore<GiftCard> cards,
        RecordStore<GiftCardEntry> entries, GiftCardGate gate, IOptions<GiftCardOptions> options, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var principal = context.RequirePrincipal();
        var redeemReference = request.RedeemReference!.Trim();
        var reference = RequestRules.Trimmed(request.Reference) ?? redeemReference;
        if (await entries.FindAsync(orgcode, "reference", GiftCardEntry.ReferenceKey(GiftCardEntryKind.Redeem, redeemReference), ct) is not { } redemption)
        {
            return ApiProblem.NotFound("No gift-card redemption has this reference.");
        }
        var cardGuid = redemption.Record.GiftcardGuid;
        using var turn = await gate.EnterAsync(orgcode, cardGuid, ct);
        for (var attempt = 1; ; attempt++)
        {
            if (await entries.FindAsync(orgcode, "reference", GiftCardEntry.ReferenceKey(GiftCardEntryKind.Restore, reference), ct) is { } first)
            {
                var last4 = (await cards.GetAsync(orgcode, cardGuid, ct: ct))!.Record.CodeLast4;
                return first.Record.RestoresEntryGuid == redemption.Record.EntryGuid && (request.AmountMinor is null || request.AmountMinor == first.Record.AmountMinor)
                    ? TypedResults.Ok(GiftCardMovementView.Of(first.Record, last4, replayed: true))
                    : CrmProblems.GiftCardReferenceReused(reference);
            }
            // Read after the card: a restore committed since would have changed the card, and this commit would lose its ETag check.
            var card = (await cards.GetAsync(orgcode, cardGuid, ct: ct))!;
            var restored = await RestoredAsync(entries, orgcode, redemption.Record.EntryGuid, ct);
            var (change, problem) = GiftCardLedger.Restore(card.Record, redemption.Record, restored, request.AmountMinor, reference,
                Ids.New(), principal.Id);
            if (problem is not null)
            {
                return problem;
            }
            var write = await CommitAsync(cards, entries, orgcode, card, change!, ct);
            if (write.Entry is { } entry)
            {
                return TypedResults.Ok(GiftCardMovementView.Of(entry, card.Record.CodeLast4, replayed: false));
            }
            if (attempt >= options.Value.LedgerAttempts)
            {
                return write.Batch.Problem();
            }
            await BackoffAsync(attempt, ct);
        }
    }

    public static async Task<Results<Ok<GiftCardBalanceView>, ProblemHttpResult>> Balance(GiftCardBalanceRequest request, RecordStore<GiftCard> cards,
        GiftCardCodeHasher hasher, GiftCardGuessGuard guard, RequestContext context, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (found, refused) = await FindByCodeAsync(request.Code!, cards, hasher, guard, orgcode, context.RequirePrincipal().Id, response, ct);
        if (refused is not null)
        {
            return refused;
        }
        var c = found!.Record;
        return TypedResults.Ok(new GiftCardBalanceView(c.CodeLast4, c.BalanceMinor, c.Currency, c.ExpiresAt, c.Status, c.IsExpiredAt(clock.GetUtcNow())));
    }

    public static async Task<Results<Ok<GiftCardView>, ProblemHttpResult>> SetStatus(SetGiftCardStatusRequest request, RecordStore<GiftCard> cards,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await cards.LoadForChangeAsync(orgcode, GiftCardRules.GuidKey(request.GiftcardGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var card = loaded!.Record;
        var target = request.Status!.Value;
        if (GiftCard.Lifecycle.Check(card.Status, target) is { } refused)
        {
            return refused;
        }
        var next = card with { Status = target, BlockedReason = target == GiftCardStatus.Blocked ? RequestRules.Trimmed(request.Reason) : null };
        var write = await cards.UpdateAsync(orgcode, loaded, next, "status_changed", [GiftCardEvents.StatusChanged(orgcode, next, card.Revision + 1)], ct);
        var now = clock.GetUtcNow();
        return write.ToOk(c => GiftCardView.Of(c, now));
    }

    public static async Task<Results<Ok<GiftCardView>, ProblemHttpResult>> Get(GiftCardKey request, RecordStore<GiftCard> cards, RequestContext context,
        TimeProvider clock, CancellationToken ct) =>
        await cards.GetAsync(context.RequireOrgcode(), GiftCardRules.GuidKey(request.GiftcardGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(GiftCardView.Of(loaded.Record, clock.GetUtcNow()))
            : ApiProblem.NotFound("No such gift card.");

    public static async Task<Ok<Page<GiftCardView>>> List(GiftCardListRequest request, RecordStore<GiftCard> cards, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.CustomerGuid is { } owner)
        {
            filters.Add(StateFilter.Eq("customer_guid", GiftCardRules.GuidKey(owner)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        var page = await cards.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new Page<GiftCardView>(page.Items.Select(c => GiftCardView.Of(c, now)).ToList(), page.NextToken));
    }

    public static async Task<Results<Ok<Page<GiftCardEntry>>, ProblemHttpResult>> ListEntries(GiftCardEntryListRequest request, RecordStore<GiftCard> cards,
        RecordStore<GiftCardEntry> entries, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var cardGuid = GiftCardRules.GuidKey(request.GiftcardGuid!);
        if (await cards.GetAsync(orgcode, cardGuid, ct: ct) is null)
        {
            return ApiProblem.NotFound("No such gift card.");
        }
        // Entry guids are UUIDv7, so key order is the order they were made in.
        return TypedResults.Ok(await entries.ListAsync(orgcode, [StateFilter.Eq("giftcard_guid", cardGuid)], Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    /// <summary>
    /// The card a presented code names, after the guess guard: 429 while the caller (or the org) has presented too many
    /// unknown codes, else the card, else 404 — the same answer whatever was wrong, and counted.
    /// </summary>
    private static async Task<(Loaded<GiftCard>? Card, ProblemHttpResult? Problem)> FindByCodeAsync(string presented, RecordStore<GiftCard> cards,
        GiftCardCodeHasher hasher, GiftCardGuessGuard guard, string orgcode, string principalId, HttpResponse response, CancellationToken ct)
    {
        if (await guard.WaitBeforeLookupAsync(orgcode, principalId, ct) is { } wait)
        {
            var seconds = (long)Math.Ceiling(Math.Max(wait.TotalSeconds, 1));
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (null, ApiProblem.RateLimited(TimeSpan.FromSeconds(seconds)));
        }
        var code = GiftCardCodes.Normalize(presented)!;
        if (await cards.FindAsync(orgcode, "code_hash", await hasher.HashAsync(orgcode, code, ct), ct) is { } card)
        {
            return (card, null);
        }
        await guard.UnknownCodeAsync(orgcode, principalId, ct);
        return (null, ApiProblem.NotFound("No gift card matches this code."));
    }

    private static async Task<ProblemHttpResult?> OwnerProblemAsync(RecordStore<Customer> customers, string orgcode, string customerGuid, CancellationToken ct)
    {
        if (await customers.GetAsync(orgcode, customerGuid, ct: ct) is not { } customer)
        {
            return CrmProblems.UnknownReference("customer_guid", $"No customer {customerGuid} in this org.");
        }
        return customer.Record.Status == CustomerStatus.Merged ? CrmProblems.CustomerMerged(customerGuid, customer.Record.MergedInto!) : null;
    }

    /// <summary>The entry and the card's new balance in one batch; the card's ETag decides between concurrent movements.</summary>
    private static async Task<(GiftCardEntry? Entry, BatchWrite Batch)> CommitAsync(RecordStore<GiftCard> cards, RecordStore<GiftCardEntry> entries,
        string orgcode, Loaded<GiftCard> card, LedgerChange change, CancellationToken ct)
    {
        var batch = new RecordBatch();
        var entry = entries.Create(batch, orgcode, change.Entry, [GiftCardEvents.Moved(orgcode, change.Entry, card.Record.Revision + 1)]);
        cards.Update(batch, orgcode, card, change.Card, change.Entry.Kind == GiftCardEntryKind.Restore ? "restored" : "redeemed");
        var write = await batch.CommitAsync(ct);
        return (write.Succeeded ? entry : null, write);
    }

    /// <summary>What has been given back of a redemption so far (its restores, through their index; a handful at most).</summary>
    private static async Task<long> RestoredAsync(RecordStore<GiftCardEntry> entries, string orgcode, string redemptionGuid, CancellationToken ct)
    {
        long sum = 0;
        string? token = null;
        do
        {
            var page = await entries.ListAsync(orgcode, [StateFilter.Eq("restores_entry_guid", redemptionGuid)], Paging.MaxLimit, token, ct: ct);
            sum += page.Items.Sum(e => e.AmountMinor);
            token = page.NextToken;
        }
        while (token is not null);
        return sum;
    }

    // Jittered and growing a little with each lost race, so that racers spread out instead of colliding again.
    private static Task BackoffAsync(int attempt, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (5 * Math.Min(attempt, 8)))), ct);
}
