using Retail.Crm.Customers;

namespace Retail.Crm.Loyalty;

/// <summary>
/// The loyalty ledger (UC-CRM-003): <c>/loyalty/earn|redeem|adjust|reverse|restore|expire</c>, the versioned
/// <c>/loyalty/policy/get|set</c>, and what a client reads: <c>/loyalty/balance/get</c>, <c>/loyalty/entry/list</c>.
/// </summary>
public static class LoyaltyApi
{
    public static RouteGroupBuilder MapLoyaltyApi(this IEndpointRouteBuilder routes)
    {
        var loyalty = routes.MapGroup("/loyalty").WithTags("Loyalty");
        loyalty.MapPost("/earn", Earn).RequireRole(Role.Member).AsWrite()
            .WithSummary("Earn points for an order reference, once: the policy's points for an amount (with the tier's multiplier), or explicit points (admins). A repeat answers the first entry (200).");
        loyalty.MapPost("/redeem", Redeem).RequireRole(Role.Member).AsWrite()
            .WithSummary("Redeem points (or the points an amount costs), once per reference: never below zero (409 insufficient_points), never while the customer is on hold (409 customer_on_hold).");
        loyalty.MapPost("/adjust", Adjust).RequireRole(Role.Admin).AsWrite()
            .WithSummary("An admin's correction of a customer's points, with a reason (a debit never below zero).");
        loyalty.MapPost("/reverse", Reverse).RequireRole(Role.Member).AsWrite()
            .WithSummary("Undo an earn (by its order reference) once per return reference: points, the share an amount returned stands for, or all that is left.");
        loyalty.MapPost("/restore", Restore).RequireRole(Role.Member).AsWrite()
            .WithSummary("Undo a redemption (by its reference), once: the points go back where they came from.");
        loyalty.MapPost("/expire", Expire).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Expire points past the policy's expiry now, for one customer or every customer of the org (a sweep does it on its own too).");
        loyalty.MapPost("/policy/set", SetPolicy).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set the next version of the loyalty policy: earn rates per currency, tiers, expiry months, redemption values, minimum redemption.");
        loyalty.MapPost("/policy/get", GetPolicy).RequireRole(Role.Viewer)
            .WithSummary("The loyalty policy in effect (revision = version; the default at 0 until set), or a given version.");
        loyalty.MapPost("/balance/get", GetBalance).RequireRole(Role.Viewer)
            .WithSummary("A customer's points: balance, lifetime earned, tier, the next expiry; a merged customer answers status merged and merged_into.");
        loyalty.MapPost("/entry/list", ListEntries).RequireRole(Role.Viewer)
            .WithSummary("A customer's ledger entries, newest first, optionally of one kind.");
        return loyalty;
    }

    public static async Task<Results<Created<LoyaltyMovement>, Ok<LoyaltyMovement>, ProblemHttpResult>> Earn(EarnRequest request, LoyaltyLedger ledger,
        RequestContext context, CancellationToken ct)
    {
        if (request.Points is not null && context.Role < Role.Admin)
        {
            return ApiProblem.Forbidden("Explicit points are an admin's decision; members earn by amount.");
        }
        var customer = Guid(request.CustomerGuid);
        var result = await ledger.EarnAsync(context.RequireOrgcode(), customer, request.Reference!.Trim(), request.AmountMinor, Currency(request.Currency),
            request.Points, RequestRules.Trimmed(request.Reason), Actor(context), ct);
        return Answer(result, customer);
    }

    public static async Task<Results<Created<LoyaltyMovement>, Ok<LoyaltyMovement>, ProblemHttpResult>> Redeem(RedeemRequest request, LoyaltyLedger ledger,
        RequestContext context, CancellationToken ct)
    {
        var customer = Guid(request.CustomerGuid);
        var result = await ledger.RedeemAsync(context.RequireOrgcode(), customer, request.Reference!.Trim(), request.Points, request.AmountMinor,
            Currency(request.Currency), RequestRules.Trimmed(request.Reason), Actor(context), ct);
        return Answer(result, customer);
    }

    public static async Task<Results<Created<LoyaltyMovement>, Ok<LoyaltyMovement>, ProblemHttpResult>> Adjust(AdjustRequest request, LoyaltyLedger ledger,
        RequestContext context, CancellationToken ct)
    {
        var customer = Guid(request.CustomerGuid);
        var result = await ledger.AdjustAsync(context.RequireOrgcode(), customer, request.Points!.Value, request.Reason!.Trim(),
            RequestRules.Trimmed(request.Reference), Actor(context), ct);
        return Answer(result, customer);
    }

    public static async Task<Results<Created<LoyaltyMovement>, Ok<LoyaltyMovement>, ProblemHttpResult>> Reverse(ReverseRequest request, LoyaltyLedger ledger,
        RequestContext context, CancellationToken ct) =>
        Answer(await ledger.ReverseAsync(context.RequireOrgcode(), request.Reference!.Trim(), request.ReturnReference!.Trim(), request.Points,
            request.AmountMinor, RequestRules.Trimmed(request.Reason), Actor(context), ct), null);

    public static async Task<Results<Created<LoyaltyMovement>, Ok<LoyaltyMovement>, ProblemHttpResult>> Restore(RestoreRequest request, LoyaltyLedger ledger,
        RequestContext context, CancellationToken ct) =>
        Answer(await ledger.RestoreAsync(context.RequireOrgcode(), request.Reference!.Trim(), RequestRules.Trimmed(request.Reason), Actor(context), ct), null);

    public static async Task<Results<Ok<LoyaltyExpiryResult>, ProblemHttpResult>> Expire(ExpireRequest request, LoyaltyLedger ledger, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var actor = Actor(context);
        if (request.CustomerGuid is { } raw)
        {
            var customer = Guid(raw);
            if ((await ledger.LiveCustomerAsync(orgcode, customer, ct)).Problem is { } refused)
            {
                return refused;
            }
            var one = await ledger.ExpireAsync(orgcode, customer, actor, ct);
            return one.Problem ?? (Results<Ok<LoyaltyExpiryResult>, ProblemHttpResult>)TypedResults.Ok(Summary(one.Entry is null ? [] : [one.Entry]));
        }
        var expired = new List<LoyaltyEntry>();
        // Each pass expires what is due for a page of customers; a customer's due points leave the index as they expire.
        for (var pass = 0; pass < 50; pass++)
        {
            var due = await ledger.CustomersDueAsync(orgcode, 200, ct);
            if (due.Count == 0)
            {
                break;
            }
            var progress = false;
            foreach (var customer in due)
            {
                var result = await ledger.ExpireAsync(orgcode, customer, actor, ct);
                if (result.Entry is not null)
                {
                    expired.Add(result.Entry);
                    progress = true;
                }
            }
            if (!progress)
            {
                break;
            }
        }
        return TypedResults.Ok(Summary(expired));
    }

    public static async Task<Results<Ok<LoyaltyPolicy>, ProblemHttpResult>> SetPolicy(LoyaltyPolicySetRequest request, RecordStore<LoyaltyPolicy> policies,
        RecordStore<LoyaltyPolicyVersion> versions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, refused) = await policies.LoadForUpsertAsync(orgcode, LoyaltyPolicy.TheKey, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var current = loaded?.Record ?? LoyaltyPolicy.Default;
        var next = current with
        {
            EarnRates = request.EarnRates?.Select(r => r with { Currency = Currency(r.Currency)! }).ToList() ?? current.EarnRates,
            Tiers = request.Tiers?.Select(t => t with { Name = t.Name.Trim() }).OrderBy(t => t.Threshold).ToList() ?? current.Tiers,
            ExpiryMonths = request.ExpiryMonths ?? current.ExpiryMonths,
            RedemptionValues = request.RedemptionValues?.Select(r => r with { Currency = Currency(r.Currency)! }).ToList() ?? current.RedemptionValues,
            MinimumRedeemPoints = request.MinimumRedeemPoints ?? current.MinimumRedeemPoints,
            UpdatedBy = context.RequirePrincipal().Id,
        };
        var batch = new RecordBatch();
        var stored = loaded is null ? policies.Create(batch, orgcode, next) : policies.Update(batch, orgcode, loaded, next);
        versions.Create(batch, orgcode, new LoyaltyPolicyVersion { Version = stored.Revision, Policy = stored });
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(stored) : write.Problem();
    }

    public static async Task<Results<Ok<LoyaltyPolicy>, ProblemHttpResult>> GetPolicy(LoyaltyPolicyGetRequest request, RecordStore<LoyaltyPolicy> policies,
        RecordStore<LoyaltyPolicyVersion> versions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.Version is { } version and > 0)
        {
            return (await versions.GetAsync(orgcode, LoyaltyPolicyVersion.KeyOf(version), ct: ct))?.Record.Policy is { } found
                ? TypedResults.Ok(found)
                : ApiProblem.NotFound($"No version {version} of the loyalty policy.");
        }
        return TypedResults.Ok((await policies.GetAsync(orgcode, LoyaltyPolicy.TheKey, ct: ct))?.Record ?? LoyaltyPolicy.Default);
    }

    public static async Task<Results<Ok<LoyaltyBalanceView>, ProblemHttpResult>> GetBalance(LoyaltyBalanceGetRequest request, LoyaltyLedger ledger,
        RecordStore<Customer> customers, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var guid = Guid(request.CustomerGuid);
        var customer = (await customers.GetAsync(orgcode, guid, ct: ct))?.Record;
        if (customer is null)
        {
            return ApiProblem.NotFound("No such customer.");
        }
        var account = await ledger.AccountAsync(orgcode, guid, ct) ?? LoyaltyLedger.NewAccount(guid);
        var next = account.Balance > 0 ? await ledger.NextExpiringAsync(orgcode, guid, ct) : null;
        var merged = !customer.IsLive;
        return TypedResults.Ok(new LoyaltyBalanceView(guid, account.Balance, account.LifetimeEarned, account.Tier,
            merged ? LoyaltyAccountStatus.Merged : account.Status, merged ? customer.MergedInto : account.MergedInto, account.Revision, next?.ExpiresAt,
            next?.Remaining));
    }

    public static async Task<Results<Ok<Page<LoyaltyEntry>>, ProblemHttpResult>> ListEntries(LoyaltyEntryListRequest request,
        RecordStore<LoyaltyEntry> entries, RecordStore<Customer> customers, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var guid = Guid(request.CustomerGuid);
        if (await customers.GetAsync(orgcode, guid, ct: ct) is null)
        {
            return ApiProblem.NotFound("No such customer.");
        }
        List<StateFilter> filters = [StateFilter.Eq("customer_guid", guid)];
        if (request.Kind is { } kind)
        {
            filters.Add(StateFilter.Eq("kind", Retail.Shared.Json.SnakeCase.Name(kind)));
        }
        return TypedResults.Ok(await entries.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("entry_guid", Descending: true)], ct: ct));
    }

    private static Results<Created<LoyaltyMovement>, Ok<LoyaltyMovement>, ProblemHttpResult> Answer(LedgerResult result, string? customerGuid)
    {
        if (result.Problem is { } problem)
        {
            return problem;
        }
        var entry = result.Entry!;
        if (result.Replayed && customerGuid is not null && entry.CustomerGuid != customerGuid)
        {
            return ApiProblem.Duplicate($"The reference '{entry.Reference}' was used for another customer.", "reference");
        }
        var movement = new LoyaltyMovement(entry, result.Account ?? LoyaltyLedger.NewAccount(entry.CustomerGuid), result.Replayed);
        return result.Replayed ? TypedResults.Ok(movement) : TypedResults.Created((string?)null, movement);
    }

    private static LoyaltyExpiryResult Summary(IReadOnlyList<LoyaltyEntry> entries) =>
        new(entries.Select(e => e.CustomerGuid).Distinct(StringComparer.Ordinal).Count(), -entries.Sum(e => e.Points), entries);

    private static string Guid(string? raw) => raw!.Trim().ToLowerInvariant();

    private static string? Currency(string? raw) => raw?.Trim().ToUpperInvariant();

    private static string Actor(RequestContext context) => context.Principal?.Id ?? "system";
}
