using Retail.Scm.Orders;
using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Policies;

/// <summary>
/// Tax (issue 15): versioned policies by jurisdiction (<c>/tax/policy/set|get|list</c>), tax categories of variants and
/// styles (<c>/tax/category/set|get</c>), the tax of a cart (<c>/tax/quote</c>) and the freezing of an order's tax
/// (<c>/tax/finalize</c>).
/// </summary>
public static class TaxApi
{
    public static RouteGroupBuilder MapTax(this IEndpointRouteBuilder routes)
    {
        var tax = routes.MapGroup("/tax").WithTags("Tax");
        tax.MapPost("/policy/set", SetPolicy).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set a new version of a jurisdiction's tax policy: rates by tax category, inclusive or exclusive, effective from a time (expected_revision: the latest version, 0 or absent the first time).");
        tax.MapPost("/policy/get", GetPolicy).RequireRole(Role.Viewer)
            .WithSummary("The version of a jurisdiction's tax policy in effect at a time (now by default), or a given version.");
        tax.MapPost("/policy/list", ListPolicies).RequireRole(Role.Viewer)
            .WithSummary("A jurisdiction's tax policy versions, oldest first (every version of the org without a jurisdiction).");
        tax.MapPost("/category/set", SetCategory).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set a variant's or a style's tax category (a variant's own wins over its style's; standard without either).");
        tax.MapPost("/category/get", GetCategory).RequireRole(Role.Viewer)
            .WithSummary("A variant's or a style's tax category as set (404 when not set: the line is standard unless its style says otherwise).");
        tax.MapPost("/quote", Quote).RequireRole(Role.Viewer)
            .WithSummary("The tax of a cart: per line category, rate and tax (half up per line), under the policy in effect for the jurisdiction or delivery address.");
        tax.MapPost("/finalize", FinalizeTax).RequireRole(Role.Member).AsWrite()
            .WithSummary("Freeze an order's tax: recomputed with the policy version the order was quoted with (or the one in effect now); a second finalize answers the frozen figures.");
        return tax;
    }

    public static async Task<Results<Ok<TaxPolicy>, ProblemHttpResult>> SetPolicy(SetTaxPolicyRequest request, RecordStore<TaxPolicy> policies,
        RecordStore<TaxJurisdiction> heads, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var jurisdiction = TaxCodes.NormalizeJurisdiction(request.Jurisdiction);
        var (head, refused) = await heads.LoadForUpsertAsync(orgcode, jurisdiction, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var effectiveFrom = (request.EffectiveFrom ?? clock.GetUtcNow()).ToUniversalTime();
        if (head is not null && effectiveFrom < head.Record.LatestEffectiveFrom)
        {
            return ScmProblems.TaxEffectiveFromOutOfOrder(head.Record.LatestEffectiveFrom);
        }
        var version = new TaxPolicy
        {
            Jurisdiction = jurisdiction,
            Version = (head?.Record.Revision ?? 0) + 1,
            EffectiveFrom = effectiveFrom,
            Inclusive = request.Inclusive ?? false,
            Rates = request.Rates!.Select(r => new TaxRate(Codes.Normalize(r.TaxCategory), r.RatePercent)).ToList(),
            Note = RequestRules.Trimmed(request.Note),
            SetBy = context.Principal?.Id,
        };
        var nextHead = new TaxJurisdiction { Jurisdiction = jurisdiction, LatestEffectiveFrom = effectiveFrom };
        var batch = new RecordBatch();
        if (head is null)
        {
            heads.Create(batch, orgcode, nextHead);
        }
        else
        {
            heads.Update(batch, orgcode, head, nextHead);
        }
        var created = policies.Create(batch, orgcode, version);
        var write = await batch.CommitAsync(ct);
        return write.Outcome == RecordWriteOutcome.Written ? TypedResults.Ok(created) : write.Problem();
    }

    public static async Task<Results<Ok<TaxPolicy>, ProblemHttpResult>> GetPolicy(GetTaxPolicyRequest request, RecordStore<TaxPolicy> policies,
        TaxQuoter quoter, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var jurisdiction = TaxCodes.NormalizeJurisdiction(request.Jurisdiction);
        if (request.Version is { } version)
        {
            if ((await policies.GetAsync(orgcode, TaxPolicy.KeyOf(jurisdiction, version), ct: ct))?.Record is { } found)
            {
                return TypedResults.Ok(found);
            }
            return ApiProblem.NotFound($"No version {version} of the tax policy of '{jurisdiction}'.");
        }
        var at = request.At ?? clock.GetUtcNow();
        var policy = await quoter.InEffectAsync(orgcode, jurisdiction, at, ct);
        if (policy is not null && policy.Jurisdiction == jurisdiction)
        {
            return TypedResults.Ok(policy);
        }
        return ApiProblem.NotFound($"No tax policy of '{jurisdiction}' is in effect at {at:O}.");
    }

    public static async Task<Ok<Page<TaxPolicy>>> ListPolicies(ListTaxPoliciesRequest request, RecordStore<TaxPolicy> policies, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var page = request.Jurisdiction is { } raw
            ? await policies.ListAsync(orgcode, [StateFilter.Eq("jurisdiction", TaxCodes.NormalizeJurisdiction(raw))], Paging.LimitOf(request),
                request.NextToken, sort: [new StateSort("version")], ct: ct)
            : await policies.ListAsync(orgcode, null, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<TaxCategoryAssignment>, ProblemHttpResult>> SetCategory(SetTaxCategoryRequest request,
        RecordStore<TaxCategoryAssignment> store, ScmSources sources, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (scope, guid) = ScopeOf(request.VariantGuid, request.StyleGuid);
        var (loaded, refused) = await store.LoadForUpsertAsync(orgcode, TaxCategoryAssignment.KeyOf(scope, guid), request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (loaded is null)
        {
            // Checked once, when first set: the order hot path reads the assignment, never PVM.
            var known = scope == "variant"
                ? await sources.VariantAsync(orgcode, guid, ct) is not null
                : await sources.Invoker.GetOrNullAsync<PvmStyleRef>(ScmSources.Pvm, "/style/get", new { style_guid = guid },
                    new InvocationOptions(orgcode), ct) is not null;
            if (!known)
            {
                return ScmProblems.UnknownReference($"{scope}_guid", $"No {scope} '{guid}' in this org.");
            }
        }
        var next = new TaxCategoryAssignment { Scope = scope, SubjectGuid = guid, TaxCategory = Codes.Normalize(request.TaxCategory), SetBy = context.Principal?.Id };
        var write = loaded is null ? await store.CreateAsync(orgcode, next, ct: ct) : await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return write.ToOk();
    }

    public static async Task<Results<Ok<TaxCategoryAssignment>, ProblemHttpResult>> GetCategory(GetTaxCategoryRequest request,
        RecordStore<TaxCategoryAssignment> store, RequestContext context, CancellationToken ct)
    {
        var (scope, guid) = ScopeOf(request.VariantGuid, request.StyleGuid);
        return (await store.GetAsync(context.RequireOrgcode(), TaxCategoryAssignment.KeyOf(scope, guid), ct: ct))?.Record is { } found
            ? TypedResults.Ok(found)
            : ApiProblem.NotFound($"No tax category is set for {scope} '{guid}'.");
    }

    public static async Task<Results<Ok<TaxQuoteView>, ProblemHttpResult>> Quote(TaxQuoteRequest request, TaxQuoter quoter, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var jurisdiction = request.Jurisdiction is { } j
            ? TaxCodes.NormalizeJurisdiction(j)
            : TaxCodes.OfAddress(request.DeliveryAddress!.Country, request.DeliveryAddress.Region)!;
        var lines = request.Lines!.Select((l, i) => new TaxLineInput(l.LineNo ?? i + 1, TaxQuoter.GuidKey(l.VariantGuid!), l.Quantity!.Value,
            l.NetMinor ?? (l.UnitMinor!.Value * l.Quantity.Value), l.TaxCategory, l.StyleGuid is null ? null : TaxQuoter.GuidKey(l.StyleGuid))).ToList();
        var quote = await quoter.QuoteAsync(orgcode, new TaxInput(request.Currency!.Trim().ToUpperInvariant(), jurisdiction, lines, request.At ?? clock.GetUtcNow())
        {
            Holders = [.. new[] { request.CustomerGuid, request.AccountGuid }.OfType<string>()],
        }, ct);
        if (quote is null)
        {
            return ScmProblems.NoTaxPolicy(jurisdiction);
        }
        var byLine = lines.ToDictionary(l => l.LineNo);
        var views = quote.Lines.Select(q =>
        {
            var amount = byLine[q.LineNo].NetMinor;
            return new TaxQuoteLineView(q.LineNo, byLine[q.LineNo].VariantGuid, q.TaxCategory, q.RatePercent, amount, q.TaxMinor,
                quote.Inclusive ? amount : amount + q.TaxMinor) { Exemption = q.Exemption };
        }).ToList();
        return TypedResults.Ok(new TaxQuoteView(request.Currency!.Trim().ToUpperInvariant(), jurisdiction, quote.Jurisdiction, quote.Inclusive,
            quote.PolicyRevision, TaxMath.HalfUpPerLine, views, views.Sum(v => v.AmountMinor), quote.TaxMinor, views.Sum(v => v.TotalMinor)));
    }

    public static async Task<Results<Ok<Order>, ProblemHttpResult>> FinalizeTax(FinalizeTaxRequest request, RecordStore<Order> orders, TaxQuoter quoter,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var guid = TaxQuoter.GuidKey(request.OrderGuid!);
        var current = await orders.GetAsync(orgcode, guid, ct: ct);
        if (current is null)
        {
            return ApiProblem.NotFound("No such order.");
        }
        // Finalizing again changes nothing: the frozen figures are the answer, whatever revision the caller last saw.
        if (current.Record.TaxFinalizedAt is not null)
        {
            return TypedResults.Ok(current.Record);
        }
        var (loaded, refused) = RecordStore<Order>.CheckRevision(current, request.ExpectedRevision);
        if (refused is not null)
        {
            return refused;
        }
        var order = loaded!.Record;
        if (order.Status == OrderStatus.Cancelled)
        {
            return ScmProblems.OrderCancelled("A cancelled order's tax is not finalized.");
        }
        var now = clock.GetUtcNow();
        var (quote, jurisdiction) = await QuoteOrderAsync(quoter, orgcode, order, now, ct);
        if (quote is null)
        {
            return ScmProblems.NoTaxPolicy(jurisdiction ?? "(none)");
        }
        var next = TaxFinalization.Freeze(order, quote, now);
        var batch = new RecordBatch();
        var frozen = orders.Update(batch, orgcode, loaded, next);
        var write = await batch.CommitAsync(ct);
        return write.Outcome == RecordWriteOutcome.Written ? TypedResults.Ok(frozen) : write.Problem();
    }

    /// <summary>
    /// An order's tax now: under the version its lines were quoted with (their <see cref="LineTax"/>), else the one in
    /// effect now for its delivery address (or its pickup facility's jurisdiction as its lines recorded it).
    /// </summary>
    private static async Task<(TaxQuote? Quote, string? Jurisdiction)> QuoteOrderAsync(TaxQuoter quoter, string orgcode, Order order, DateTimeOffset now,
        CancellationToken ct)
    {
        var lines = order.Lines.Select(l => new TaxLineInput(l.LineNo, l.VariantGuid, l.Quantity, l.Status == OrderLineStatus.Cancelled ? 0 : l.NetMinor,
            l.Tax?.TaxCategory, l.StyleGuid)).ToList();
        var quoted = order.Lines.Select(l => l.Tax).FirstOrDefault(t => t is not null);
        // Certificates are read as they stand at finalizing: one revoked since the order was taxed no longer exempts.
        IReadOnlyList<string> holders = [.. new[] { order.Customer?.CustomerGuid, order.Customer?.AccountGuid }.OfType<string>()];
        if (quoted is not null)
        {
            var buyer = TaxCodes.OfAddress(order.Delivery.Address?.Country, order.Delivery.Address?.Region) ?? quoted.Jurisdiction;
            var same = await quoter.QuoteWithVersionAsync(orgcode, quoted.Jurisdiction, quoted.PolicyRevision, lines, ct, holders, buyer, now);
            if (same is not null)
            {
                return (same, quoted.Jurisdiction);
            }
        }
        var jurisdiction = quoted?.Jurisdiction ?? TaxCodes.OfAddress(order.Delivery.Address?.Country, order.Delivery.Address?.Region);
        if (jurisdiction is null)
        {
            return (null, null);
        }
        return (await quoter.QuoteAsync(orgcode, new TaxInput(order.Currency, jurisdiction, lines, now) { Holders = holders }, ct), jurisdiction);
    }

    private static (string Scope, string Guid) ScopeOf(string? variant, string? style) =>
        variant is not null ? ("variant", TaxQuoter.GuidKey(variant)) : ("style", TaxQuoter.GuidKey(style!));
}

/// <summary>PVM's style as the tax category check reads it.</summary>
public sealed record PvmStyleRef(string StyleGuid);

/// <summary>Freezing an order's tax, as a pure function of the order and its quote.</summary>
public static class TaxFinalization
{
    /// <summary>
    /// Each line's <see cref="LineTax"/> from the quote, the order's tax total, and its total to pay (exclusive tax is added
    /// to it; inclusive tax is already in the amounts), stamped <see cref="Order.TaxFinalizedAt"/>.
    /// </summary>
    public static Order Freeze(Order order, TaxQuote quote, DateTimeOffset at)
    {
        var byLine = quote.Lines.ToDictionary(l => l.LineNo);
        var lines = order.Lines.Select(l => byLine.TryGetValue(l.LineNo, out var q)
            ? l with { Tax = new LineTax(q.TaxCategory, quote.Jurisdiction, q.RatePercent, quote.Inclusive, q.TaxMinor, quote.PolicyRevision) { Exemption = q.Exemption } }
            : l).ToList();
        var tax = quote.TaxMinor;
        var totals = order.Totals;
        var payable = totals.TotalMinor - (order.TaxInclusive ? 0 : totals.TaxMinor) + (quote.Inclusive ? 0 : tax);
        return order with
        {
            Lines = lines,
            TaxInclusive = quote.Inclusive,
            Totals = totals with { TaxMinor = tax, TotalMinor = payable },
            TaxFinalizedAt = at,
        };
    }
}
