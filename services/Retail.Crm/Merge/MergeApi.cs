using System.Text.Json;
using Retail.Crm.Customers;
using Retail.Shared;
using Retail.Shared.Json;

namespace Retail.Crm.Merge;

/// <summary>
/// Dedupe and merge (UC-CRM-002): candidate pairs by score, dismissing a pair, merging one customer into a survivor in
/// ONE transaction with every area's moves, and the merges made.
/// </summary>
public static class MergeApi
{
    /// <summary>A merge that lost a race (a redemption, a customer change) is read and decided again this many times in all.</summary>
    public const int MaxAttempts = 5;

    private static readonly IReadOnlyList<StateSort> ByRank = [new StateSort("rank", Descending: true)];
    private static readonly IReadOnlyList<StateSort> NewestFirst = [new StateSort("created_ms", Descending: true)];

    public static IEndpointRouteBuilder MapMergeEndpoints(this IEndpointRouteBuilder routes)
    {
        var customers = routes.MapGroup("/customer").WithTags("Dedupe and merge");
        customers.MapPost("/dedupe/list", ListPairs).RequireRole(Role.Viewer)
            .WithSummary("Candidate duplicate pairs, highest score first, with their reasons; by customer (either side) and status (default open).");
        customers.MapPost("/dedupe/dismiss", Dismiss).RequireRole(Role.Member).AsWrite()
            .WithSummary("Mark an open pair as not a duplicate: it stays dismissed while it matches (expected_revision).");
        customers.MapPost("/merge", Merge).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Merge merged_guid into survivor_guid in one transaction: the survivor gains what it lacks, every area moves its records, the other answers merged_into.");
        customers.MapPost("/merge/list", ListMerges).RequireRole(Role.Viewer).WithSummary("Merges newest first, by survivor or merged customer.");
        return routes;
    }

    public static async Task<Ok<Page<DedupePair>>> ListPairs(DedupeListRequest request, RecordStore<DedupePair> pairs, PageTokens tokens,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var status = request.Status ?? DedupeStatus.Open;
        var limit = Paging.LimitOf(request);
        if (request.CustomerGuid is null)
        {
            return TypedResults.Ok(await pairs.ListAsync(orgcode, [StateFilter.Eq("status", status)], limit, request.NextToken, sort: ByRank, ct: ct));
        }

        // A customer is side a of some pairs and side b of others: both index reads by rank, merged. The rank is unique
        // per pair, so the last one answered is where the next page starts, sealed to this very list.
        var customer = MergeRules.GuidKey(request.CustomerGuid);
        var list = $"crm/dedupe/{orgcode}/{customer}/{status}";
        var after = await tokens.OpenAsync(request.NextToken, list, ct);
        var found = new List<DedupePair>();
        foreach (var side in new[] { "customer_guid_a", "customer_guid_b" })
        {
            List<StateFilter> filters = [StateFilter.Eq(side, customer), StateFilter.Eq("status", status)];
            if (after is not null)
            {
                filters.Add(StateFilter.Below("rank", after));
            }
            found.AddRange((await pairs.ListAsync(orgcode, filters, limit + 1, sort: ByRank, ct: ct)).Items);
        }
        var ordered = found.OrderByDescending(p => DedupeRules.RankOf(p.Score, p.PairGuid), StringComparer.Ordinal).ToList();
        var items = ordered.Take(limit).ToList();
        var next = ordered.Count > limit ? await tokens.SealAsync(DedupeRules.RankOf(items[^1].Score, items[^1].PairGuid), list, ct) : null;
        return TypedResults.Ok(new Page<DedupePair>(items, next));
    }

    public static async Task<Results<Ok<DedupePair>, ProblemHttpResult>> Dismiss(DedupeDismissRequest request, RecordStore<DedupePair> pairs,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await pairs.LoadForChangeAsync(orgcode, MergeRules.GuidKey(request.PairGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (DedupePair.Lifecycle.Check(current.Status, DedupeStatus.Dismissed) is { } refused)
        {
            return refused;
        }
        var next = current with
        {
            Status = DedupeStatus.Dismissed,
            DismissedBy = context.RequirePrincipal().Id,
            DismissedAt = clock.GetUtcNow(),
            DismissReason = RequestRules.Trimmed(request.Reason),
        };
        return (await pairs.UpdateAsync(orgcode, loaded, next, "status_changed", ct: ct)).ToOk();
    }

    /// <summary>
    /// Loads both customers, decides (<see cref="MergeRules.Combine"/>), stages the merged customer first (it releases its
    /// e-mail and phone), then the survivor (it may take them), then every area's moves, then the merge record with
    /// <c>customer.merged</c>, and commits once. A revision conflict (a redemption or a change racing the merge) starts
    /// over from the reads, so what the race wrote is moved too; expected revisions, when given, are checked on each read.
    /// </summary>
    public static async Task<Results<Ok<MergeResult>, ProblemHttpResult>> Merge(MergeRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerMerge> merges, IEnumerable<ICustomerMergeParticipant> participants, CustomerLookup lookup, RequestContext context,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var actor = context.RequirePrincipal().Id;
        var survivorGuid = MergeRules.GuidKey(request.SurvivorGuid!);
        var mergedGuid = MergeRules.GuidKey(request.MergedGuid!);
        if (survivorGuid == mergedGuid)
        {
            return CrmProblems.MergeSameCustomer(survivorGuid);
        }
        var areas = participants.ToList();
        BatchWrite? lost = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (survivor, survivorProblem) = await LoadSideAsync(lookup, orgcode, survivorGuid, request.ExpectedSurvivorRevision, "survivor_guid", ct);
            if (survivorProblem is not null)
            {
                return survivorProblem;
            }
            var (merged, mergedProblem) = await LoadSideAsync(lookup, orgcode, mergedGuid, request.ExpectedMergedRevision, "merged_guid", ct);
            if (mergedProblem is not null)
            {
                return mergedProblem;
            }
            var now = clock.GetUtcNow();
            var (survivorNext, mergedNext, gained) = MergeRules.Combine(survivor!.Record, merged!.Record, now);

            var batch = new RecordBatch();
            var mergedStaged = customers.Update(batch, orgcode, merged, mergedNext, "status_changed");
            var survivorStaged = customers.Update(batch, orgcode, survivor, survivorNext);
            var moved = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var area in areas)
            {
                if (await area.StageAsync(orgcode, survivor.Record, merged.Record, batch, ct) is { } summary)
                {
                    moved[area.Name] = JsonSerializer.SerializeToElement(summary, summary.GetType(), RetailJson.Storage);
                }
            }
            var record = new CustomerMerge
            {
                MergeGuid = Ids.New(),
                SurvivorGuid = survivorGuid,
                MergedGuid = mergedGuid,
                MergedBy = actor,
                Reason = RequestRules.Trimmed(request.Reason),
                Gained = gained,
                Moved = moved,
                SurvivorRevision = survivorStaged.Revision,
                MergedRevision = mergedStaged.Revision,
                Attempts = attempt,
            };
            var created = merges.Create(batch, orgcode, record,
                [new DomainEvent(CrmEvents.CustomerMerged, new CustomerMergedEvent(orgcode, record.MergeGuid, survivorGuid, mergedGuid, now, gained, moved),
                    $"customer/{mergedGuid}")]);
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(new MergeResult(created, survivorStaged, mergedStaged));
            }
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch)
            {
                return write.Problem();
            }
            lost = write;
            loggers.CreateLogger(typeof(MergeApi)).LogInformation("Merge of {Merged} into {Survivor} lost a race on {Entity} (attempt {Attempt}); reading again",
                mergedGuid, survivorGuid, write.Entity, attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
        }
        return lost!.Problem();
    }

    private static async Task<(Loaded<Customer>? Customer, ProblemHttpResult? Problem)> LoadSideAsync(CustomerLookup lookup, string orgcode, string guid,
        long? expectedRevision, string field, CancellationToken ct)
    {
        var (customer, problem) = await lookup.LiveAsync(orgcode, guid, ct, MissingCustomer.UnknownReference, field);
        if (problem is not null)
        {
            return (null, problem);
        }
        return expectedRevision is { } expected && customer!.Record.Revision != expected
            ? (null, ApiProblem.RevisionMismatch(customer.Record.Revision))
            : (customer, null);
    }

    public static async Task<Ok<Page<CustomerMerge>>> ListMerges(MergeListRequest request, RecordStore<CustomerMerge> merges, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.SurvivorGuid is { } survivor)
        {
            filters.Add(StateFilter.Eq("survivor_guid", MergeRules.GuidKey(survivor)));
        }
        if (request.MergedGuid is { } merged)
        {
            filters.Add(StateFilter.Eq("merged_guid", MergeRules.GuidKey(merged)));
        }
        return TypedResults.Ok(await merges.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, sort: NewestFirst,
            ct: ct));
    }
}
