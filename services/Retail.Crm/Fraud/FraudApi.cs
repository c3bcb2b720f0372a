using Retail.Crm.Customers;
using Retail.Shared;

namespace Retail.Crm.Fraud;

/// <summary>
/// Fraud assessments and holds (UC-CRM-005): <c>/customer/fraud/assess|list|get</c>, <c>/customer/hold/list|get|resolve</c>
/// and the versioned policy <c>/fraud/policy/get|set</c>.
/// </summary>
public static class FraudApi
{
    public static RouteGroupBuilder MapFraudEndpoints(this IEndpointRouteBuilder routes)
    {
        var customer = routes.MapGroup("/customer").WithTags("Fraud");
        customer.MapPost("/fraud/assess", Assess).RequireRole(Role.Member).AsWrite()
            .WithSummary("Score a customer (and the order given) under the fraud policy: each rule's contribution, allow/review/hold; at the hold threshold a hold is placed.");
        customer.MapPost("/fraud/list", ListAssessments).RequireRole(Role.Viewer)
            .WithSummary("Fraud assessments newest first, by customer and decision.");
        customer.MapPost("/fraud/get", GetAssessment).RequireRole(Role.Viewer).WithSummary("A fraud assessment by assessment_guid.");
        customer.MapPost("/hold/list", ListHolds).RequireRole(Role.Viewer).WithSummary("Fraud holds newest first, by customer and status.");
        customer.MapPost("/hold/get", GetHold).RequireRole(Role.Viewer).WithSummary("A fraud hold by hold_guid.");
        customer.MapPost("/hold/resolve", ResolveHold).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Release or confirm a fraud hold, with a reason (a confirmed hold stays in force until released).");
        var policy = routes.MapGroup("/fraud/policy").WithTags("Fraud");
        policy.MapPost("/set", SetPolicy).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set a new version of the fraud policy: weights, thresholds, velocity, first-order limits, disposable domains, failed payments.");
        policy.MapPost("/get", GetPolicy).RequireRole(Role.Viewer)
            .WithSummary("The fraud policy in force (the default at version 0 until set), or a given version.");
        return customer;
    }

    public static async Task<Results<Ok<FraudAssessment>, ProblemHttpResult>> Assess(AssessFraudRequest request, FraudAssessor assessor,
        CancellationToken ct) =>
        await assessor.AssessAsync(request, ct);

    public static async Task<Ok<Page<FraudAssessment>>> ListAssessments(FraudListRequest request, RecordStore<FraudAssessment> assessments,
        RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.CustomerGuid is { } customer)
        {
            filters.Add(StateFilter.Eq("customer_guid", GuidKey(customer)));
        }
        if (request.Decision is { } decision)
        {
            filters.Add(StateFilter.Eq("decision", decision));
        }
        return TypedResults.Ok(await assessments.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("assessment_guid", Descending: true)], ct: ct));
    }

    public static async Task<Results<Ok<FraudAssessment>, ProblemHttpResult>> GetAssessment(FraudGetRequest request,
        RecordStore<FraudAssessment> assessments, RequestContext context, CancellationToken ct) =>
        (await assessments.GetAsync(context.RequireOrgcode(), GuidKey(request.AssessmentGuid!), ct: ct))?.Record is { } found
            ? TypedResults.Ok(found)
            : ApiProblem.NotFound("No such fraud assessment.");

    public static async Task<Ok<Page<FraudHold>>> ListHolds(HoldListRequest request, RecordStore<FraudHold> holds, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.CustomerGuid is { } customer)
        {
            filters.Add(StateFilter.Eq("customer_guid", GuidKey(customer)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await holds.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("hold_guid", Descending: true)], ct: ct));
    }

    public static async Task<Results<Ok<FraudHold>, ProblemHttpResult>> GetHold(HoldGetRequest request, RecordStore<FraudHold> holds,
        RequestContext context, CancellationToken ct) =>
        (await holds.GetAsync(context.RequireOrgcode(), GuidKey(request.HoldGuid!), ct: ct))?.Record is { } found
            ? TypedResults.Ok(found)
            : ApiProblem.NotFound("No such fraud hold.");

    /// <summary>open → released | confirmed, confirmed → released (409 <c>invalid_transition</c> otherwise); <c>fraud.hold_resolved</c> in the same batch.</summary>
    public static async Task<Results<Ok<FraudHold>, ProblemHttpResult>> ResolveHold(ResolveHoldRequest request, RecordStore<FraudHold> holds,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, refused) = await holds.LoadForChangeAsync(orgcode, GuidKey(request.HoldGuid!), request.ExpectedRevision, ct: ct);
        if (refused is not null)
        {
            return refused;
        }
        var current = loaded!.Record;
        var to = request.Resolution == HoldResolution.Release ? HoldStatus.Released : HoldStatus.Confirmed;
        if (FraudHold.Lifecycle.Check(current.Status, to) is { } invalid)
        {
            return invalid;
        }
        var next = current with
        {
            Status = to,
            Resolution = request.Resolution,
            ResolutionReason = request.Reason!.Trim(),
            ResolvedBy = context.RequirePrincipal().Id,
            ResolvedAt = clock.GetUtcNow(),
        };
        var write = await holds.UpdateAsync(orgcode, loaded, next, "status_changed",
            [FraudEvents.Hold(CrmEvents.FraudHoldResolved, orgcode, next, current.Revision + 1)], ct);
        return write.ToOk();
    }

    /// <summary>
    /// A new version: the head (<see cref="FraudPolicy"/>, ETag-checked at <c>expected_revision</c>) and its immutable
    /// <see cref="FraudPolicyVersion"/> in one batch.
    /// </summary>
    public static async Task<Results<Ok<FraudPolicy>, ProblemHttpResult>> SetPolicy(SetFraudPolicyRequest request, RecordStore<FraudPolicy> policies,
        RecordStore<FraudPolicyVersion> versions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, refused) = await policies.LoadForUpsertAsync(orgcode, FraudPolicy.TheKey, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var current = loaded?.Record ?? FraudPolicy.Default;
        var w = request.Weights;
        var next = current with
        {
            Weights = w is null ? current.Weights : current.Weights with
            {
                OrderVelocity = w.OrderVelocity ?? current.Weights.OrderVelocity,
                FirstOrderValue = w.FirstOrderValue ?? current.Weights.FirstOrderValue,
                AddressMismatch = w.AddressMismatch ?? current.Weights.AddressMismatch,
                DisposableEmail = w.DisposableEmail ?? current.Weights.DisposableEmail,
                FailedPayments = w.FailedPayments ?? current.Weights.FailedPayments,
                RecentHolds = w.RecentHolds ?? current.Weights.RecentHolds,
            },
            ReviewThreshold = request.ReviewThreshold ?? current.ReviewThreshold,
            HoldThreshold = request.HoldThreshold ?? current.HoldThreshold,
            VelocityWindowMinutes = request.VelocityWindowMinutes ?? current.VelocityWindowMinutes,
            VelocityLimit = request.VelocityLimit ?? current.VelocityLimit,
            FirstOrderLimitsMinor = request.FirstOrderLimitsMinor is { } limits
                ? limits.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal) : current.FirstOrderLimitsMinor,
            DisposableEmailDomains = request.DisposableEmailDomains is { } domains
                ? domains.Select(d => d.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
                : current.DisposableEmailDomains,
            FailedPaymentWindowMinutes = request.FailedPaymentWindowMinutes ?? current.FailedPaymentWindowMinutes,
            FailedPaymentLimit = request.FailedPaymentLimit ?? current.FailedPaymentLimit,
            RecentHoldDays = request.RecentHoldDays ?? current.RecentHoldDays,
            UpdatedBy = context.RequirePrincipal().Id,
        };
        if (next.ReviewThreshold > next.HoldThreshold)
        {
            return ApiProblem.Validation("review_threshold", $"must not be above the hold threshold ({next.HoldThreshold})");
        }
        var batch = new RecordBatch();
        var written = loaded is null ? policies.Create(batch, orgcode, next) : policies.Update(batch, orgcode, loaded, next);
        versions.Create(batch, orgcode, new FraudPolicyVersion { Version = written.Revision, Policy = written });
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(written) : write.Problem();
    }

    public static async Task<Results<Ok<FraudPolicy>, ProblemHttpResult>> GetPolicy(GetFraudPolicyRequest request, RecordStore<FraudPolicy> policies,
        RecordStore<FraudPolicyVersion> versions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.Version is { } version)
        {
            return (await versions.GetAsync(orgcode, FraudPolicyVersion.KeyOf(version), ct: ct))?.Record is { } found
                ? TypedResults.Ok(found.Policy)
                : ApiProblem.NotFound($"No version {version} of the fraud policy.");
        }
        return TypedResults.Ok(await policies.CurrentAsync(orgcode, ct));
    }

    /// <summary>The org's fraud policy as the rules read it (the default, version 0, until set).</summary>
    public static async Task<FraudPolicy> CurrentAsync(this RecordStore<FraudPolicy> store, string orgcode, CancellationToken ct) =>
        (await store.GetAsync(orgcode, FraudPolicy.TheKey, ct: ct))?.Record ?? FraudPolicy.Default;

    internal static string GuidKey(string guid) => guid.Trim().ToLowerInvariant();
}

/// <summary>
/// Runs an assessment: reads the customer, the policy, the customer's order projection and holds, scores the signals
/// (<see cref="FraudScoring"/>), and saves the assessment with <c>fraud.assessed</c> — and, at the hold threshold with no
/// hold in force, the hold with <c>fraud.hold_placed</c> — in one batch. Two assessments racing to place a hold meet at
/// the hold's unique value: the loser reads again and records the winner's hold.
/// </summary>
public sealed class FraudAssessor(
    RecordStore<Customer> customers,
    RecordStore<FraudPolicy> policies,
    RecordStore<CustomerOrderHistory> histories,
    RecordStore<FraudHold> holds,
    RecordStore<FraudAssessment> assessments,
    RequestContext context,
    TimeProvider clock)
{
    private const int Attempts = 4;

    public async Task<Results<Ok<FraudAssessment>, ProblemHttpResult>> AssessAsync(AssessFraudRequest request, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var customerGuid = FraudApi.GuidKey(request.CustomerGuid!);
        var customer = (await customers.GetAsync(orgcode, customerGuid, ct: ct))?.Record;
        if (customer is null)
        {
            return CrmProblems.UnknownReference("customer_guid", $"No customer {customerGuid} in this org.");
        }
        if (customer is { Status: CustomerStatus.Merged, MergedInto: { } survivor })
        {
            return CrmProblems.CustomerMerged(customerGuid, survivor);
        }
        var policy = await policies.CurrentAsync(orgcode, ct);
        var history = (await histories.GetAsync(orgcode, customerGuid, ct: ct))?.Record;
        var by = context.RequirePrincipal().Id;
        BatchWrite? lastWrite = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var now = clock.GetUtcNow();
            var inForce = (await holds.FindAsync(orgcode, FraudHold.InForceUnique, customerGuid, ct))?.Record;
            var recent = await holds.ListAsync(orgcode,
                [StateFilter.Eq("customer_guid", customerGuid), StateFilter.Above("placed_ms", now.AddDays(-policy.RecentHoldDays).ToUnixTimeMilliseconds(), inclusive: true)],
                limit: 100, ct: ct);
            var signals = SignalsOf(policy, customer, history, request, recent.Items, inForce, now);
            var score = FraudScoring.Score(policy, signals);
            var placeHold = score.Decision == FraudDecision.Hold && inForce is null;
            var assessmentGuid = Ids.New();
            var holdGuid = placeHold ? Ids.New() : inForce?.HoldGuid;
            var assessment = new FraudAssessment
            {
                AssessmentGuid = assessmentGuid,
                CustomerGuid = customerGuid,
                OrderRef = RequestRules.Trimmed(request.Order?.OrderRef),
                Score = score.Score,
                Decision = score.Decision,
                PolicyVersion = policy.Version,
                Rules = score.Rules,
                Signals = signals,
                HoldGuid = holdGuid,
                HoldPlaced = placeHold,
                Note = RequestRules.Trimmed(request.Note),
                AssessedBy = by,
            };
            var batch = new RecordBatch();
            var created = assessments.Create(batch, orgcode, assessment, [FraudEvents.Assessed(orgcode, assessment)]);
            if (placeHold)
            {
                var hold = new FraudHold
                {
                    HoldGuid = holdGuid!,
                    CustomerGuid = customerGuid,
                    AssessmentGuid = assessmentGuid,
                    Score = score.Score,
                    Reasons = score.Rules.Where(r => r.Fired).Select(r => r.Rule).ToList(),
                    PlacedAt = now,
                    PlacedBy = by,
                };
                holds.Create(batch, orgcode, hold, [FraudEvents.Hold(CrmEvents.FraudHoldPlaced, orgcode, hold, 1)]);
            }
            lastWrite = await batch.CommitAsync(ct);
            if (lastWrite.Succeeded)
            {
                return TypedResults.Ok(created);
            }
            // Another assessment placed a hold on this customer meanwhile: score again, seeing it.
            await Task.Delay(Random.Shared.Next(5, 20 * (attempt + 1)), ct);
        }
        return lastWrite!.Problem();
    }

    /// <summary>The signal values of an assessment at <paramref name="now"/>, from what was read (pure).</summary>
    public static FraudSignals SignalsOf(FraudPolicy policy, Customer customer, CustomerOrderHistory? history, AssessFraudRequest request,
        IReadOnlyList<FraudHold> recentHolds, FraudHold? inForce, DateTimeOffset now)
    {
        var order = request.Order;
        var orderRef = RequestRules.Trimmed(order?.OrderRef)?.ToLowerInvariant();
        // The order being assessed counts unless the projection already has it (an SCM order assessed after placing).
        var newOrder = order?.TotalMinor is not null && (orderRef is null || history?.Knows(orderRef) != true);
        var inWindow = (history?.PlacedSince(now.AddMinutes(-policy.VelocityWindowMinutes)) ?? 0) + (newOrder ? 1 : 0);
        var placed = (history?.OrdersPlaced ?? 0) + (newOrder ? 1 : 0);
        long? firstValue = null;
        string? firstCurrency = null;
        if (placed == 1)
        {
            if (newOrder)
            {
                firstValue = order!.TotalMinor;
                firstCurrency = order.Currency!.Trim().ToUpperInvariant();
            }
            else if (history?.FirstOrder is { } first)
            {
                firstValue = first.TotalMinor;
                firstCurrency = first.Currency;
            }
        }
        var failedSince = now.AddMinutes(-policy.FailedPaymentWindowMinutes);
        var failed = request.FailedPayments?.Count(p => p.At is { } at && at >= failedSince && at <= now.AddMinutes(5)) ?? 0;
        var recent = recentHolds.Count(h => h.Status != HoldStatus.Released);
        return new FraudSignals(
            inWindow,
            placed,
            firstValue,
            firstCurrency,
            FraudScoring.NormalizeCountry(order?.BillingAddress?.Country),
            FraudScoring.NormalizePostcode(order?.BillingAddress?.Postcode),
            FraudScoring.NormalizeCountry(order?.ShippingAddress?.Country),
            FraudScoring.NormalizePostcode(order?.ShippingAddress?.Postcode),
            FraudScoring.DomainOf(customer.Email),
            policy.DisposableDomainOf(customer.Email),
            failed,
            recent,
            inForce?.HoldGuid);
    }
}
