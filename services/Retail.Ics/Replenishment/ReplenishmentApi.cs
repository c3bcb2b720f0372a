using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Ics.Stock;
using Retail.Ics.Transfers;
using Retail.Shared;

namespace Retail.Ics.Replenishment;

/// <summary>
/// Replenishment rules (min, max, reorder quantity per facility and variant), records of what was ordered, and the
/// suggestions built on them: what to reorder, which transfers would cover it, and which facility should fulfil a
/// demand. Every read goes through an index or by key, one bounded page at a time.
/// </summary>
public static class ReplenishmentApi
{
    /// <summary>How many positions of a variant a transfer or allocation suggestion weighs (one indexed page).</summary>
    public const int MaxSourcesPerVariant = 500;

    private const int RecordAttempts = 3;

    public static IServiceCollection AddReplenishment(this IServiceCollection services)
    {
        services.AddRecords(IcsModule.Id, ReplenishmentRule.Type);
        services.AddRecords(IcsModule.Id, ReplenishmentRecord.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapReplenishment(this IEndpointRouteBuilder routes)
    {
        var rules = routes.MapGroup("/replenishment/rule").WithTags("Replenishment");
        rules.MapPost("/set", SetRule).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create or change the replenishment rule of a variant at a facility (min, max, reorder quantity).");
        rules.MapPost("/get", GetRule).RequireRole(Role.Viewer).WithSummary("Read the rule of a variant at a facility.");
        rules.MapPost("/list", ListRules).RequireRole(Role.Viewer).WithSummary("List rules by facility, variant and status.");
        rules.MapPost("/status/set", SetRuleStatus).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a rule through its lifecycle (active, inactive, retired).");
        var replenishment = routes.MapGroup("/replenishment").WithTags("Replenishment");
        replenishment.MapPost("/record", RecordReplenishment).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record that a replenishment was ordered (a purchase order or a transfer), so suggestions count it as on order.");
        replenishment.MapPost("/suggest", SuggestReplenishment).RequireRole(Role.Viewer)
            .WithSummary("Variants below their minimum (available + in transit + on order) and how much to order.");
        routes.MapPost("/transfer/suggest", SuggestTransfers).RequireRole(Role.Viewer).WithTags("Transfers")
            .WithSummary("Transfers that would cover replenishment suggestions from other facilities' surplus.");
        routes.MapPost("/allocation/suggest", SuggestAllocation).RequireRole(Role.Viewer).WithTags("Replenishment")
            .WithSummary("Rank the facilities that could fulfil a demand for a variant, one facility preferred over a split.");
        return routes;
    }

    public static async Task<Results<Created<ReplenishmentRule>, Ok<ReplenishmentRule>, ProblemHttpResult>> SetRule(SetRuleRequest request,
        RecordStore<ReplenishmentRule> store, FacilityCheck facilities, VariantCatalog catalog, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (facility, variant) = KeyOf(request.FacilityCode, request.VariantGuid);
        var (loaded, problem) = await store.LoadForUpsertAsync(orgcode, Position.KeyOf(facility, variant), request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (loaded is null)
        {
            if (await facilities.ProblemAsync(orgcode, facility, "facility_code", ct) is { } noFacility)
            {
                return noFacility;
            }
            if (await catalog.ProblemAsync(orgcode, [variant], "variant_guid", VariantNeed.Active, ct) is { } badVariant)
            {
                return badVariant;
            }
            var rule = new ReplenishmentRule
            {
                FacilityCode = facility,
                VariantGuid = variant,
                Min = request.Min!.Value,
                Max = request.Max!.Value,
                ReorderQuantity = request.ReorderQuantity!.Value,
            };
            var created = await store.CreateAsync(orgcode, rule, ct: ct);
            return created.Succeeded ? TypedResults.Created((string?)null, created.Record!) : created.Problem();
        }
        if (loaded.Record.Status == MasterStatus.Retired)
        {
            return ApiProblem.Business("rule_retired", "The rule is retired.", "A retired rule does not change.");
        }
        var next = loaded.Record with { Min = request.Min!.Value, Max = request.Max!.Value, ReorderQuantity = request.ReorderQuantity!.Value };
        var updated = await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return updated.Succeeded ? TypedResults.Ok(updated.Record!) : updated.Problem();
    }

    public static async Task<Results<Ok<ReplenishmentRule>, ProblemHttpResult>> GetRule(RuleKey request, RecordStore<ReplenishmentRule> store,
        RequestContext context, CancellationToken ct)
    {
        var (facility, variant) = KeyOf(request.FacilityCode, request.VariantGuid);
        return await store.GetAsync(context.RequireOrgcode(), Position.KeyOf(facility, variant), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No replenishment rule for this variant at this facility.");
    }

    public static async Task<Ok<Page<ReplenishmentRule>>> ListRules(RuleListRequest request, RecordStore<ReplenishmentRule> store,
        RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.FacilityCode is { } facility)
        {
            filters.Add(StateFilter.Eq("facility_code", Codes.Normalize(facility)));
        }
        if (request.VariantGuid is { } variant)
        {
            filters.Add(StateFilter.Eq("variant_guid", TransferRules.GuidKey(variant)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<ReplenishmentRule>, ProblemHttpResult>> SetRuleStatus(RuleStatusRequest request,
        RecordStore<ReplenishmentRule> store, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (facility, variant) = KeyOf(request.FacilityCode, request.VariantGuid);
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, Position.KeyOf(facility, variant), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var to = request.Status!.Value;
        if (MasterLifecycle.Machine.Check(loaded!.Record.Status, to) is { } refused)
        {
            return refused;
        }
        return (await store.UpdateAsync(orgcode, loaded, loaded.Record with { Status = to, StatusReason = RequestRules.Trimmed(request.Reason) },
            "status_changed", ct: ct)).ToOk();
    }

    /// <summary>
    /// The record and, when the variant has a rule at the facility, the rule's on-order quantity, in one transaction. The
    /// rule's revision is the server's own concern here (a client changing it meanwhile is no reason to refuse), so a
    /// conflict is read again and retried.
    /// </summary>
    public static async Task<Results<Created<ReplenishmentRecord>, ProblemHttpResult>> RecordReplenishment(RecordReplenishmentRequest request,
        RecordStore<ReplenishmentRecord> records, RecordStore<ReplenishmentRule> rules, FacilityCheck facilities, VariantCatalog catalog,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (facility, variant) = KeyOf(request.FacilityCode, request.VariantGuid);
        if (await facilities.ProblemAsync(orgcode, facility, "facility_code", ct) is { } noFacility)
        {
            return noFacility;
        }
        if ((await catalog.CheckAsync(orgcode, variant, "variant_guid", VariantNeed.Known, ct)).Problem is { } noVariant)
        {
            return noVariant;
        }
        var record = new ReplenishmentRecord
        {
            ReplenishmentGuid = Ids.New(),
            FacilityCode = facility,
            VariantGuid = variant,
            Quantity = request.Quantity!.Value,
            Source = request.Source!.Value,
            Reference = request.Reference!.Trim(),
            RecordedBy = context.RequirePrincipal().Id,
        };
        for (var attempt = 1; ; attempt++)
        {
            var batch = new RecordBatch();
            var created = records.Create(batch, orgcode, record);
            if (await rules.GetAsync(orgcode, Position.KeyOf(facility, variant), ct: ct) is { } rule)
            {
                rules.Update(batch, orgcode, rule, rule.Record with { OnOrder = rule.Record.OnOrder + record.Quantity }, "on_order");
            }
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Created((string?)null, created);
            }
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch || attempt == RecordAttempts)
            {
                return write.Problem();
            }
        }
    }

    /// <summary>A page of the active rules (of a facility) and, of them, those below their minimum: the page may hold fewer than <c>limit</c>.</summary>
    public static async Task<Ok<Page<ReplenishmentSuggestion>>> SuggestReplenishment(SuggestReplenishmentRequest request,
        RecordStore<ReplenishmentRule> rules, RecordStore<Position> positions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (suggestions, next) = await SuggestionsAsync(rules, positions, orgcode, request.FacilityCode, Paging.LimitOf(request), request.NextToken, ct);
        return TypedResults.Ok(new Page<ReplenishmentSuggestion>(suggestions, next));
    }

    /// <summary>
    /// For each suggestion of a page (see <see cref="SuggestReplenishment"/>): the other facilities holding the variant
    /// (one indexed page of its positions) and their surplus over their own rule's maximum, largest first.
    /// </summary>
    public static async Task<Ok<Page<TransferSuggestion>>> SuggestTransfers(SuggestTransfersRequest request, RecordStore<ReplenishmentRule> rules,
        RecordStore<Position> positions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (suggestions, next) = await SuggestionsAsync(rules, positions, orgcode, request.ToFacilityCode, Paging.LimitOf(request), request.NextToken, ct);
        var items = new List<TransferSuggestion>(suggestions.Count);
        foreach (var suggestion in suggestions)
        {
            var holders = (await positions.ListAsync(orgcode, [StateFilter.Eq("variant_guid", suggestion.VariantGuid)], MaxSourcesPerVariant, ct: ct))
                .Items.Where(p => p.FacilityCode != suggestion.FacilityCode && p.Available > 0).ToList();
            var theirRules = (await rules.GetManyAsync(orgcode, holders.Select(p => p.Key).ToList(), ct: ct))
                .ToDictionary(r => r.Key, StringComparer.Ordinal);
            var sources = ReplenishmentRules.Source(suggestion.SuggestedQuantity,
                holders.Select(p => (p, ReplenishmentRules.Surplus(p, theirRules.GetValueOrDefault(p.Key)))));
            items.Add(new TransferSuggestion(suggestion.FacilityCode, suggestion.VariantGuid, suggestion.SuggestedQuantity,
                sources.Sum(s => s.Quantity), sources));
        }
        return TypedResults.Ok(new Page<TransferSuggestion>(items, next));
    }

    public static async Task<Results<Ok<AllocationSuggestion>, ProblemHttpResult>> SuggestAllocation(SuggestAllocationRequest request,
        RecordStore<Position> positions, VariantCatalog catalog, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var variant = TransferRules.GuidKey(request.VariantGuid!);
        if ((await catalog.CheckAsync(orgcode, variant, "variant_guid", VariantNeed.Known, ct)).Problem is { } noVariant)
        {
            return noVariant;
        }
        IReadOnlyList<Position> candidates = request.FacilityCodes is { } codes
            ? await positions.GetManyAsync(orgcode, codes.Select(c => Position.KeyOf(Codes.Normalize(c), variant)).Distinct(StringComparer.Ordinal).ToList(),
                ct: ct)
            : (await positions.ListAsync(orgcode, [StateFilter.Eq("variant_guid", variant)], MaxSourcesPerVariant, ct: ct)).Items;
        var shipTo = request.ShipToFacilityCode is { } code ? Codes.Normalize(code) : null;
        return TypedResults.Ok(ReplenishmentRules.Allocate(variant, request.Quantity!.Value, candidates, shipTo));
    }

    private static async Task<(IReadOnlyList<ReplenishmentSuggestion> Items, string? Next)> SuggestionsAsync(RecordStore<ReplenishmentRule> rules,
        RecordStore<Position> positions, string orgcode, string? facilityCode, int limit, string? token, CancellationToken ct)
    {
        var filters = new List<StateFilter> { StateFilter.Eq("status", MasterStatus.Active) };
        if (facilityCode is not null)
        {
            filters.Insert(0, StateFilter.Eq("facility_code", Codes.Normalize(facilityCode)));
        }
        var page = await rules.ListAsync(orgcode, filters, limit, token, ct: ct);
        var stock = (await positions.GetManyAsync(orgcode, page.Items.Select(r => r.Key).ToList(), ct: ct)).ToDictionary(p => p.Key, StringComparer.Ordinal);
        var suggestions = page.Items.Select(r => ReplenishmentRules.Suggest(r, stock.GetValueOrDefault(r.Key))).OfType<ReplenishmentSuggestion>().ToList();
        return (suggestions, page.NextToken);
    }

    private static (string Facility, string Variant) KeyOf(string? facilityCode, string? variantGuid) =>
        (Codes.Normalize(facilityCode), TransferRules.GuidKey(variantGuid!));
}
