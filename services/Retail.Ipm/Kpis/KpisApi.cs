using Retail.Shared.Collaboration;
using Retail.Shared;

namespace Retail.Ipm.Kpis;

/// <summary>
/// KPIs (UC-IPM-004): <c>/kpi/record</c> (member) stores a value with its rollups; <c>/kpi/query</c> (viewer) aggregates a
/// window into buckets from the rollups; <c>/kpi/alert</c> (admin) creates or changes an alert rule, or with only
/// <c>kpi</c> (and <c>code</c>) answers the KPI's alerts with their state (<c>ok</c> / <c>firing</c> and the value).
/// </summary>
public static class KpisApi
{
    public static RouteGroupBuilder MapKpisApi(this IEndpointRouteBuilder routes)
    {
        var kpi = routes.MapGroup("/kpi").WithTags("KPIs");
        kpi.MapPost("/record", Record).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record a KPI value with dimensions (observed_at defaults to now); idempotent by Idempotency-Key.");
        kpi.MapPost("/query", Query).RequireRole(Role.Viewer)
            .WithSummary("Aggregate (sum, avg, min, max, count) a KPI over [from, to) in minute, hour or day buckets, filtered and grouped by dimensions.");
        kpi.MapPost("/alert", Alert).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Create or change an alert rule on a KPI (above/below a threshold over a window); with only kpi (and code), read its alerts and their state.");
        return kpi;
    }

    public static async Task<Results<Created<KpiValue>, ProblemHttpResult>> Record(KpiRecordRequest request, KpiLedger ledger, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var dimensions = (request.Dimensions ?? new Dictionary<string, string>()).ToDictionary(d => d.Key, d => d.Value.Trim(), StringComparer.Ordinal);
        var recorded = await ledger.RecordAsync(orgcode, Codes.Normalize(request.Name), request.Value!.Value, dimensions,
            request.ObservedAt?.ToUniversalTime() ?? clock.GetUtcNow(), ct);
        return recorded.Problem is { } problem ? problem : TypedResults.Created((string?)null, recorded.Value!);
    }

    public static async Task<Results<Ok<KpiQueryResult>, ProblemHttpResult>> Query(KpiQueryRequest request, KpiLedger ledger, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var name = Codes.Normalize(request.Name);
        var from = request.From!.Value.ToUniversalTime();
        var to = request.To!.Value.ToUniversalTime();
        var groupBy = request.GroupBy is null ? null : Codes.Normalize(request.GroupBy);
        var interval = KpiRequestRules.Parse<KpiInterval>(request.Interval!);
        var (series, problem) = await ledger.QueryAsync(orgcode, name, from, to, request.Dimensions, groupBy, interval,
            KpiRequestRules.Parse<KpiAggregate>(request.Aggregate!), ct);
        return problem is not null ? problem : TypedResults.Ok(new KpiQueryResult(name, request.Aggregate!, request.Interval!, groupBy, from, to, series!));
    }

    public static async Task<Results<Ok<KpiAlertList>, Created<KpiAlert>, Ok<KpiAlert>, ProblemHttpResult>> Alert(KpiAlertRequest request,
        RecordStore<KpiAlert> alerts, KpiLedger ledger, [FromKeyedServices(IpmModule.Id)] CollaborationKit collaboration, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var kpi = Codes.Normalize(request.Kpi);
        var code = request.Code is null ? null : Codes.Normalize(request.Code);
        if (request.IsRead)
        {
            if (code is not null)
            {
                var one = await alerts.FindAsync(orgcode, "kpi_code", $"{kpi}:{code}", ct);
                return one is null ? ApiProblem.NotFound($"No alert {code} on KPI {kpi}.") : TypedResults.Ok(new KpiAlertList([one.Record]));
            }
            var page = await alerts.ListAsync(orgcode, [StateFilter.Eq("kpi", kpi)], KpiLedger.MaxAlertsPerKpi, ct: ct);
            return TypedResults.Ok(new KpiAlertList(page.Items));
        }

        var existing = await alerts.FindAsync(orgcode, "kpi_code", $"{kpi}:{code}", ct);
        var rule = new
        {
            Condition = KpiRequestRules.Parse<AlertCondition>(request.Condition!),
            Threshold = request.Threshold!.Value,
            Window = request.WindowMinutes!.Value,
            Aggregate = KpiRequestRules.Parse<KpiAggregate>(request.Aggregate!),
            Dimensions = (IReadOnlyDictionary<string, string>)(request.Dimensions ?? new Dictionary<string, string>())
                .ToDictionary(d => d.Key, d => d.Value.Trim(), StringComparer.Ordinal),
        };
        if (existing is null)
        {
            if (request.ExpectedRevision is not (null or 0))
            {
                return ApiProblem.RevisionMismatch(0);
            }
            if (await alerts.ListAsync(orgcode, [StateFilter.Eq("kpi", kpi)], KpiLedger.MaxAlertsPerKpi, ct: ct) is { Items.Count: >= KpiLedger.MaxAlertsPerKpi })
            {
                return IpmProblems.TooManyAlerts(kpi, KpiLedger.MaxAlertsPerKpi);
            }
            var (owner, ownerProblem) = await IpmInbox.OwnerAsync(request.Owner, collaboration, ct);
            if (ownerProblem is not null)
            {
                return ownerProblem;
            }
            var created = await alerts.CreateAsync(orgcode, new KpiAlert
            {
                AlertGuid = Ids.New(), Kpi = kpi, Code = code!, Condition = rule.Condition, Threshold = rule.Threshold, WindowMinutes = rule.Window,
                Aggregate = rule.Aggregate, Dimensions = rule.Dimensions, Owner = owner,
            }, ct: ct);
            if (!created.Succeeded)
            {
                return created.Problem();
            }
            var evaluated = await ledger.EvaluateAsync(orgcode, created.Record!.AlertGuid, ct) ?? created.Record;
            return TypedResults.Created((string?)null, evaluated);
        }

        var (loaded, problem) = RecordStore<KpiAlert>.CheckRevision(existing, request.ExpectedRevision);
        if (problem is not null)
        {
            return problem;
        }
        if (request.Owner is not null && await collaboration.CheckAssigneeAsync(request.Owner, ct) is { } assigneeProblem)
        {
            return assigneeProblem;
        }
        // A changed rule starts over: its state is evaluated afresh under the new threshold (a crossing then fires or resolves).
        var updated = await alerts.UpdateAsync(orgcode, loaded!, loaded!.Record with
        {
            Condition = rule.Condition, Threshold = rule.Threshold, WindowMinutes = rule.Window, Aggregate = rule.Aggregate, Dimensions = rule.Dimensions,
            Owner = request.Owner ?? loaded.Record.Owner,
        }, ct: ct);
        if (!updated.Succeeded)
        {
            return updated.Problem();
        }
        return TypedResults.Ok(await ledger.EvaluateAsync(orgcode, updated.Record!.AlertGuid, ct) ?? updated.Record);
    }
}
