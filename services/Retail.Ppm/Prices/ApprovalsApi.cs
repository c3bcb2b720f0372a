namespace Retail.Ppm.Prices;

/// <summary>A decision's answer: the approval as decided and the entry as it now stands.</summary>
public sealed record ApprovalDecision(PriceApproval Approval, PriceEntryView Entry);

/// <summary>
/// Price approvals (UC-PPM-002): a change submitted (or set beyond the policy's thresholds) waits as a
/// <c>pending_approval</c> window that does not resolve; an admin other than the submitter approves it (the window
/// becomes active, replacing the one it changes, in one transaction with the approval) or rejects it with a reason.
/// </summary>
public static class ApprovalsApi
{
    public static IEndpointRouteBuilder MapApprovals(this IEndpointRouteBuilder routes)
    {
        var approvals = routes.MapGroup("/price/approval").WithTags("Price approvals");
        approvals.MapPost("/submit", Submit).RequireRole(Role.Member).AsWrite()
            .WithSummary("Submit a price for approval: it waits as pending_approval whatever the thresholds say (202).");
        approvals.MapPost("/approve", Approve).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Approve a pending price: it takes effect. Whoever submitted it cannot approve it.");
        approvals.MapPost("/reject", Reject).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Reject a pending price with a reason: it never takes effect.");
        return routes;
    }

    public static async Task<Results<Accepted<PriceApproval>, ProblemHttpResult>> Submit(PriceLine request, [AsParameters] PriceWrites writes,
        CancellationToken ct)
    {
        var (written, problem) = await writes.SetAsync([request], bulk: false, submit: true, ct);
        return problem ?? (Results<Accepted<PriceApproval>, ProblemHttpResult>)TypedResults.Accepted((string?)null, written[0].Approval!);
    }

    public static async Task<Results<Ok<ApprovalDecision>, ProblemHttpResult>> Approve(ApproveRequest request, [AsParameters] PriceWrites writes,
        CancellationToken ct)
    {
        var orgcode = writes.Context.RequireOrgcode();
        var (approval, pending, entry, problem) = await LoadPendingAsync(writes, orgcode, request.ApprovalGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var actor = writes.Context.RequirePrincipal().Id;
        if (actor == approval!.Record.SubmittedBy)
        {
            return PpmProblems.SegregationOfDuties("Whoever submitted a price change cannot approve it; another admin must.");
        }
        var windows = entry!.Record.Windows;
        var replaced = windows.FirstOrDefault(w => w.Status == PriceWindowStatus.Active && PriceRules.IsSameWindow(w, pending!.EffectiveFrom, pending.EffectiveTo));
        if (windows.FirstOrDefault(w => w.WindowId != pending!.WindowId && w != replaced && PriceRules.HoldsTime(w)
            && PriceRules.Overlaps(w, pending.EffectiveFrom, pending.EffectiveTo)) is { } other)
        {
            return PpmProblems.PriceWindowOverlap(
                $"The {Retail.Shared.Json.SnakeCase.Name(other.Status)} window from {other.EffectiveFrom:O} of {entry.Record.Key} overlaps the one to approve.");
        }
        var activated = pending! with { Status = PriceWindowStatus.Active };
        var nextEntry = entry.Record with { Windows = [.. windows.Where(w => w != replaced).Select(w => w.WindowId == activated.WindowId ? activated : w)] };
        var nextApproval = approval.Record with { Status = ApprovalStatus.Approved, DecidedBy = actor, DecidedAt = writes.Clock.GetUtcNow() };

        var batch = new RecordBatch();
        var stagedEntry = writes.Entries.Update(batch, orgcode, entry, nextEntry,
            events: [PriceEvents.Changed(orgcode, nextEntry, activated, replaced?.AmountMinor, entry.Record.Revision + 1)]);
        var stagedApproval = writes.Approvals.Update(batch, orgcode, approval, nextApproval, "status_changed",
            [PriceEvents.Approval(PpmEvents.ApprovalApproved, orgcode, nextApproval)]);
        var commit = await batch.CommitAsync(ct);
        return commit.Succeeded
            ? TypedResults.Ok(new ApprovalDecision(stagedApproval, PriceEntryView.Of(stagedEntry, writes.Clock.GetUtcNow())))
            : commit.Problem();
    }

    public static async Task<Results<Ok<ApprovalDecision>, ProblemHttpResult>> Reject(RejectRequest request, [AsParameters] PriceWrites writes,
        CancellationToken ct)
    {
        var orgcode = writes.Context.RequireOrgcode();
        var (approval, pending, entry, problem) = await LoadPendingAsync(writes, orgcode, request.ApprovalGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var rejected = pending! with { Status = PriceWindowStatus.Rejected };
        var nextEntry = entry!.Record with { Windows = [.. entry.Record.Windows.Select(w => w.WindowId == rejected.WindowId ? rejected : w)] };
        var nextApproval = approval!.Record with
        {
            Status = ApprovalStatus.Rejected,
            DecidedBy = writes.Context.RequirePrincipal().Id,
            DecidedAt = writes.Clock.GetUtcNow(),
            DecisionReason = request.Reason!.Trim(),
        };

        var batch = new RecordBatch();
        var stagedEntry = writes.Entries.Update(batch, orgcode, entry, nextEntry);
        var stagedApproval = writes.Approvals.Update(batch, orgcode, approval, nextApproval, "status_changed",
            [PriceEvents.Approval(PpmEvents.ApprovalRejected, orgcode, nextApproval)]);
        var commit = await batch.CommitAsync(ct);
        return commit.Succeeded
            ? TypedResults.Ok(new ApprovalDecision(stagedApproval, PriceEntryView.Of(stagedEntry, writes.Clock.GetUtcNow())))
            : commit.Problem();
    }

    /// <summary>The approval (revision-checked, still pending), its waiting window and the entry holding it.</summary>
    private static async Task<(Loaded<PriceApproval>? Approval, PriceWindow? Pending, Loaded<PriceEntry>? Entry, ProblemHttpResult? Problem)> LoadPendingAsync(
        PriceWrites writes, string orgcode, string approvalGuid, long? expectedRevision, CancellationToken ct)
    {
        var (approval, problem) = await writes.Approvals.LoadForChangeAsync(orgcode, Guid.Parse(approvalGuid).ToString(), expectedRevision, ct: ct);
        if (problem is not null)
        {
            return (null, null, null, problem);
        }
        if (approval!.Record.Status != ApprovalStatus.Pending)
        {
            return (null, null, null, PpmProblems.ApprovalNotPending($"The approval is {Retail.Shared.Json.SnakeCase.Name(approval.Record.Status)} already."));
        }
        var entry = await writes.Entries.GetAsync(orgcode, approval.Record.PriceKey, ct: ct);
        var pending = entry?.Record.Windows.FirstOrDefault(w => w.WindowId == approval.Record.WindowId && w.Status == PriceWindowStatus.PendingApproval);
        // The approval and its window are written together, so one without the other is a bug, not a client's mistake.
        return pending is null
            ? throw new InvalidOperationException($"approval {approval.Record.ApprovalGuid} has no pending window {approval.Record.WindowId}")
            : (approval, pending, entry, null);
    }
}
