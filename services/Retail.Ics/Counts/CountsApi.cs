using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Ics.Stock;
using Retail.Shared;

namespace Retail.Ics.Counts;

/// <summary>What <c>count.approved</c> carries: the count and each variance it booked (counted − expected at the snapshot).</summary>
public sealed record CountApproved(string Orgcode, string CountGuid, string FacilityCode, string? PlanCode, IReadOnlyList<CountLine> Variances);

/// <summary>ICS's count codes. Listed in README.md.</summary>
public static class CountProblems
{
    /// <summary>422: the count would have more lines than one count holds (or its approval more variances than one ledger change).</summary>
    public static ProblemHttpResult TooLarge(string detail) =>
        ApiProblem.Business("count_too_large", "The count is too large.", detail);

    /// <summary>422: the submitted lines do not fit the count (a bin it does not cover, a line reported twice, an expected line left out).</summary>
    public static ProblemHttpResult Mismatch(CountMismatch mismatch) =>
        ApiProblem.Business(mismatch.Code, "The counted lines do not fit the count.", mismatch.Detail, [new("field", mismatch.Field)]);

    /// <summary>409: a retired plan is kept as it was.</summary>
    public static ProblemHttpResult PlanRetired(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "plan_retired", "The count plan is retired.", detail);
}

/// <summary>
/// UC-ICS-004: count plans; counts that snapshot what is expected, take what was counted, and on approval book each
/// variance as an adjustment movement through the ledger, in the approval's own transaction.
/// </summary>
public static class CountsApi
{
    public const string VarianceReason = "count_variance";

    public static IServiceCollection AddCounts(this IServiceCollection services)
    {
        services.AddMasterRecord<CountPlan>(IcsModule.Id);
        services.AddRecords(IcsModule.Id, StockCount.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapCounts(this IEndpointRouteBuilder routes)
    {
        var plans = routes.MapGroup("/count/plan").WithTags("Count plans");
        var planRoutes = new MasterRoutes<CountPlan> { Create = SetPlan, StatusPath = "/status/set" };
        Delegate getPlan = MasterDataApi.Get<CountPlan>;
        Delegate setPlanStatus = MasterDataApi.StatusHandler<CountPlan, MasterStatus, StatusChange<CountPlan, MasterStatus>>(planRoutes);
        plans.MapPost("/set", SetPlan).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a count plan by its code, or change it (expected_revision): facility, bins or zone, cadence, blind.");
        plans.MapPost("/get", getPlan).RequireRole(Role.Viewer).WithSummary("Read a count plan by plan_guid or plan_code.");
        plans.MapPost("/list", ListPlans).RequireRole(Role.Viewer).WithSummary("List the org's count plans, by facility and status.");
        plans.MapPost("/status/set", setPlanStatus)
            .RequireRole(Role.Admin).AsWrite().WithSummary("Move a count plan through its lifecycle (active, inactive, retired).");

        var counts = routes.MapGroup("/count").WithTags("Counts");
        counts.MapPost("/create", CreateCount).RequireRole(Role.Member).AsWrite()
            .WithSummary("Start a count from a plan or ad hoc: snapshots the expected quantity of each variant per bin (or at the facility).");
        counts.MapPost("/get", GetCount).RequireRole(Role.Viewer).WithSummary("Read a count; on a blind count only admins see the expected quantities.");
        counts.MapPost("/list", ListCounts).RequireRole(Role.Viewer).WithSummary("List counts by facility and status, or by plan.");
        counts.MapPost("/submit", SubmitCount).RequireRole(Role.Member).AsWrite()
            .WithSummary("Submit the counted quantities of an open count; the variances against the snapshot are computed.");
        counts.MapPost("/approve", ApproveCount).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Approve a submitted count (not its submitter): each variance becomes an adjustment movement, in one change.");
        counts.MapPost("/reject", RejectCount).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Reject a submitted count with a reason; nothing moves, and a recount is a new count.");
        return routes;
    }

    public static async Task<Results<Created<CountPlan>, Ok<CountPlan>, ProblemHttpResult>> SetPlan(SetCountPlanRequest request,
        RecordStore<CountPlan> store, RecordStore<StorageZone> zones, FacilityCheck facilities, BinCheck binCheck, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var planCode = Codes.Normalize(request.PlanCode);
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var current = await store.FindAsync(orgcode, CountPlan.CodeName, planCode, ct);
        var revisionCheck = current is null
            ? request.ExpectedRevision is null or 0 ? null : ApiProblem.RevisionMismatch(0)
            : RecordStore<CountPlan>.CheckRevision(current, request.ExpectedRevision).Problem;
        if (revisionCheck is not null)
        {
            return revisionCheck;
        }
        if (current is { Record.Status: MasterStatus.Retired })
        {
            return CountProblems.PlanRetired($"Count plan '{planCode}' is retired; set up a plan under a new code.");
        }
        var bins = request.BinCodes?.Select(Codes.Normalize).ToList();
        var zoneCode = request.ZoneCode is null ? null : Codes.Normalize(request.ZoneCode);
        if (await ScopeProblemAsync(orgcode, facilityCode, bins, zoneCode, facilities, binCheck, zones, ct) is { } problem)
        {
            return problem;
        }
        var plan = new CountPlan
        {
            PlanGuid = current?.Record.PlanGuid ?? Ids.New(),
            PlanCode = planCode,
            FacilityCode = facilityCode,
            BinCodes = bins,
            ZoneCode = zoneCode,
            Cadence = request.Cadence!.Value,
            Blind = request.Blind ?? false,
            Status = current?.Record.Status ?? MasterStatus.Active,
            StatusReason = current?.Record.StatusReason,
        };
        var write = current is null ? await store.CreateAsync(orgcode, plan, ct: ct) : await store.UpdateAsync(orgcode, current, plan, ct: ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        return current is null ? TypedResults.Created((string?)null, write.Record!) : TypedResults.Ok(write.Record!);
    }

    public static async Task<Ok<Page<CountPlan>>> ListPlans(CountPlanListRequest request, RecordStore<CountPlan> store, RequestContext context,
        CancellationToken ct)
    {
        IEnumerable<StateFilter> filters = request.FacilityCode is { } code ? [StateFilter.Eq("facility_code", Codes.Normalize(code))] : [];
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }

    public static async Task<Results<Created<StockCount>, ProblemHttpResult>> CreateCount(CreateCountRequest request, RecordStore<StockCount> store,
        RecordStore<CountPlan> plans, RecordStore<StorageZone> zones, RecordStore<Bin> bins, RecordStore<BinBalance> balances,
        RecordStore<Position> positions, FacilityCheck facilities, BinCheck binCheck, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        string facilityCode;
        List<string>? binCodes;
        string? zoneCode;
        bool blind;
        string? planCode = null;
        if (request.PlanCode is not null)
        {
            planCode = Codes.Normalize(request.PlanCode);
            switch (await plans.FindAsync(orgcode, CountPlan.CodeName, planCode, ct))
            {
                case null:
                    return IcsProblems.UnknownReference("plan_code", $"No count plan '{planCode}' in this org.");
                case { Record.Status: not MasterStatus.Active }:
                    return IcsProblems.ReferenceNotActive("plan_code", $"Count plan '{planCode}' is not active.");
                case { Record: var plan }:
                    (facilityCode, binCodes, zoneCode, blind) = (plan.FacilityCode, plan.BinCodes?.ToList(), plan.ZoneCode, plan.Blind);
                    break;
            }
        }
        else
        {
            facilityCode = Codes.Normalize(request.FacilityCode);
            binCodes = request.BinCodes?.Select(Codes.Normalize).ToList();
            zoneCode = request.ZoneCode is null ? null : Codes.Normalize(request.ZoneCode);
            blind = request.Blind ?? false;
        }
        if (await ScopeProblemAsync(orgcode, facilityCode, binCodes, zoneCode, facilities, binCheck, zones, ct) is { } problem)
        {
            return problem;
        }
        if (zoneCode is not null)
        {
            binCodes = [];
            string? token = null;
            do
            {
                var page = await bins.ListAsync(orgcode, [StateFilter.Eq("facility_code", facilityCode), StateFilter.Eq("zone_code", zoneCode),
                    StateFilter.In("status", MasterStatus.Active, MasterStatus.Inactive)], 500, token, ct: ct);
                binCodes.AddRange(page.Items.Select(b => b.BinCode));
                token = page.NextToken;
                if (binCodes.Count > CountPlan.MaxBins)
                {
                    return CountProblems.TooLarge($"Zone '{zoneCode}' has more than {CountPlan.MaxBins} bins; count them by plans over fewer bins.");
                }
            }
            while (token is not null);
        }

        var lines = new List<CountLine>();
        if (binCodes is not null)
        {
            foreach (var binCode in binCodes)
            {
                string? token = null;
                do
                {
                    var page = await balances.ListAsync(orgcode, [StateFilter.Eq("facility_code", facilityCode), StateFilter.Eq("bin_code", binCode)],
                        500, token, ct: ct);
                    lines.AddRange(page.Items.Where(b => b.Quantity != 0).Select(b => new CountLine(b.VariantGuid, binCode, b.Quantity)));
                    token = page.NextToken;
                    if (lines.Count > StockCount.MaxLines)
                    {
                        return TooManyLines();
                    }
                }
                while (token is not null);
            }
        }
        else
        {
            string? token = null;
            do
            {
                var page = await positions.ListAsync(orgcode, [StateFilter.Eq("facility_code", facilityCode)], 500, token, ct: ct);
                lines.AddRange(page.Items.Where(p => p.OnHand != 0).Select(p => new CountLine(p.VariantGuid, null, p.OnHand)));
                token = page.NextToken;
                if (lines.Count > StockCount.MaxLines)
                {
                    return TooManyLines();
                }
            }
            while (token is not null);
        }
        var count = new StockCount
        {
            CountGuid = Ids.New(),
            PlanCode = planCode,
            FacilityCode = facilityCode,
            BinCodes = binCodes,
            ZoneCode = zoneCode,
            Blind = blind,
            Lines = lines,
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await store.CreateAsync(orgcode, count, ct: ct)).ToCreated(c => c.ViewFor(context.Role));
    }

    public static async Task<Results<Ok<StockCount>, ProblemHttpResult>> GetCount(CountKey request, RecordStore<StockCount> store,
        RequestContext context, CancellationToken ct) =>
        await store.GetAsync(context.RequireOrgcode(), request.CountGuid!, ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record.ViewFor(context.Role))
            : ApiProblem.NotFound("No such count in this org.");

    public static async Task<Ok<Page<StockCount>>> ListCounts(CountListRequest request, RecordStore<StockCount> store, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.FacilityCode is { } facility)
        {
            filters.Add(StateFilter.Eq("facility_code", Codes.Normalize(facility)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        if (request.PlanCode is { } plan)
        {
            filters.Add(StateFilter.Eq("plan_code", Codes.Normalize(plan)));
        }
        var page = await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new Page<StockCount>([.. page.Items.Select(c => c.ViewFor(context.Role))], page.NextToken));
    }

    public static async Task<Results<Ok<StockCount>, ProblemHttpResult>> SubmitCount(SubmitCountRequest request, RecordStore<StockCount> store,
        VariantCatalog catalog, TimeProvider clock, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, request.CountGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var count = loaded!.Record;
        if (StockCount.Lifecycle.Check(count.Status, CountStatus.Submitted) is { } refused)
        {
            return refused;
        }
        var counted = request.Lines!.Select(l => new CountedLine(l.VariantGuid!.Trim().ToLowerInvariant(),
            l.BinCode is null ? null : Codes.Normalize(l.BinCode), l.Counted!.Value)).ToList();
        var (lines, mismatch) = CountRules.Merge(count, counted);
        if (mismatch is not null)
        {
            return CountProblems.Mismatch(mismatch);
        }
        if (lines!.Count > StockCount.MaxLines)
        {
            return TooManyLines();
        }
        var expected = count.Lines.Select(l => l.VariantGuid).ToHashSet(StringComparer.Ordinal);
        var found = lines.Select(l => l.VariantGuid).Where(v => !expected.Contains(v)).Distinct(StringComparer.Ordinal).ToList();
        if (found.Count > 0)
        {
            var known = await catalog.GetManyAsync(orgcode, found, ct);
            if (found.FirstOrDefault(v => !known.ContainsKey(v)) is { } unknown)
            {
                return IcsProblems.UnknownReference("lines", $"No variant {unknown} in this org.");
            }
        }
        var submitted = count with
        {
            Status = CountStatus.Submitted,
            Lines = lines,
            SubmittedBy = context.RequirePrincipal().Id,
            SubmittedAt = clock.GetUtcNow(),
        };
        return (await store.UpdateAsync(orgcode, loaded, submitted, "submitted", ct: ct)).ToOk(c => c.ViewFor(context.Role));
    }

    public static async Task<Results<Ok<StockCount>, ProblemHttpResult>> ApproveCount(ApproveCountRequest request, RecordStore<StockCount> store,
        StockLedger ledger, TimeProvider clock, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, request.CountGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var count = loaded!.Record;
        if (StockCount.Lifecycle.Check(count.Status, CountStatus.Approved) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        if (count.SubmittedBy == actor)
        {
            return IcsProblems.SegregationOfDuties("Whoever submitted a count cannot approve it.");
        }
        var moves = CountRules.Adjustments(count);
        if (moves.Count > StockLedger.MaxMovesPerChange)
        {
            return CountProblems.TooLarge($"{moves.Count} variances; one approval books at most {StockLedger.MaxMovesPerChange}. Reject it and count fewer bins.");
        }
        var approved = count with { Status = CountStatus.Approved, DecidedBy = actor, DecidedAt = clock.GetUtcNow() };
        var variances = count.Lines.Where(l => l.Variance is not null and not 0).ToList();
        DomainEvent[] events = [new(IcsEvents.CountApproved, new CountApproved(orgcode, count.CountGuid, count.FacilityCode, count.PlanCode, variances), count.CountGuid)];
        if (moves.Count == 0)
        {
            return (await store.UpdateAsync(orgcode, loaded, approved, "approved", events, ct)).ToOk();
        }
        StockCount? written = null;
        var result = await ledger.ApplyAsync(orgcode, moves,
            new MoveReason(VarianceReason, new StockReference("count", count.CountGuid), $"Count {count.CountGuid} approved"),
            (batch, _) => written = store.Update(batch, orgcode, loaded, approved, "approved", events), ct);
        return result.Succeeded ? TypedResults.Ok(written!) : result.Problem!;
    }

    public static async Task<Results<Ok<StockCount>, ProblemHttpResult>> RejectCount(RejectCountRequest request, RecordStore<StockCount> store,
        TimeProvider clock, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, request.CountGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        if (StockCount.Lifecycle.Check(loaded!.Record.Status, CountStatus.Rejected) is { } refused)
        {
            return refused;
        }
        var rejected = loaded.Record with
        {
            Status = CountStatus.Rejected,
            DecidedBy = context.RequirePrincipal().Id,
            DecidedAt = clock.GetUtcNow(),
            RejectReason = request.Reason!.Trim(),
        };
        return (await store.UpdateAsync(orgcode, loaded, rejected, "rejected", ct: ct)).ToOk();
    }

    /// <summary>The facility is active, the named bins are active bins of it, the zone an active zone of it.</summary>
    private static async Task<ProblemHttpResult?> ScopeProblemAsync(string orgcode, string facilityCode, IReadOnlyList<string>? binCodes, string? zoneCode,
        FacilityCheck facilities, BinCheck binCheck, RecordStore<StorageZone> zones, CancellationToken ct)
    {
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } facility)
        {
            return facility;
        }
        for (var i = 0; i < (binCodes?.Count ?? 0); i++)
        {
            if (await binCheck.ProblemAsync(orgcode, facilityCode, binCodes![i], $"bin_codes[{i}]", ct) is { } bin)
            {
                return bin;
            }
        }
        return zoneCode is null ? null : await zones.FindAsync(orgcode, StorageZone.CodeName, FacilityCodes.Of(facilityCode, zoneCode), ct) switch
        {
            null => IcsProblems.UnknownReference("zone_code", $"No zone '{zoneCode}' at facility '{facilityCode}' in this org."),
            { Record.Status: not MasterStatus.Active } => IcsProblems.ReferenceNotActive("zone_code", $"Zone '{zoneCode}' is not active."),
            _ => null,
        };
    }

    private static ProblemHttpResult TooManyLines() =>
        CountProblems.TooLarge($"A count holds at most {StockCount.MaxLines} lines; count fewer bins at a time.");
}
