using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Problems;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Collaboration;

/// <summary>Inbox items: work about a subject record for a member or a team, moved through its work states.</summary>
public static class InboxApi
{
    public static async Task<Results<Created<InboxItemView>, ProblemHttpResult>> CreateInboxItem(CreateInboxItemRequest request, CollaborationKit kit,
        CancellationToken ct)
    {
        var orgcode = kit.OrgOfRequest;
        if (await kit.CheckSubjectAsync(request.SubjectEntity!, request.SubjectKey!, ct) is { } subjectProblem)
        {
            return subjectProblem;
        }
        var assignee = new Assignee(request.Assignee!.Kind, Guid.Parse(request.Assignee.Id!).ToString());
        if (await kit.CheckAssigneeAsync(assignee, ct) is { } assigneeProblem)
        {
            return assigneeProblem;
        }
        var item = new InboxItem
        {
            InboxItemGuid = Ids.New(),
            Title = request.Title!.Trim(),
            Body = Validation.RequestRules.Trimmed(request.Body),
            SubjectEntity = request.SubjectEntity!,
            SubjectKey = request.SubjectKey!,
            Assignee = assignee,
            Priority = request.Priority ?? InboxPriority.Normal,
            DueAt = request.DueAt is { } due ? InboxRules.WholeSeconds(due) : null,
            CreatedBy = kit.PrincipalId,
        };
        var write = await kit.Inbox.CreateAsync(orgcode, item, ct: ct);
        return write.Succeeded ? TypedResults.Created((string?)null, InboxItemView.From(write.Record!)) : write.Problem();
    }

    public static async Task<Results<Ok<InboxItemView>, ProblemHttpResult>> GetInboxItem(InboxItemKeyRequest request, CollaborationKit kit,
        CancellationToken ct) =>
        await kit.Inbox.GetAsync(kit.OrgOfRequest, request.InboxItemGuid!, ct: ct) is { } loaded
            ? TypedResults.Ok(InboxItemView.From(loaded.Record))
            : ApiProblem.NotFound("No such inbox item.");

    public static async Task<Results<Ok<Page<InboxItemView>>, ProblemHttpResult>> ListInbox(ListInboxRequest request, CollaborationKit kit,
        CancellationToken ct)
    {
        var filters = new List<StateFilter> { StateFilter.Eq("status", request.Status ?? InboxStatus.Active) };
        if (request.Assignee is { } assignee)
        {
            filters.Add(StateFilter.Eq("assignee.kind", assignee.Kind));
            filters.Add(StateFilter.Eq("assignee.id", Guid.Parse(assignee.Id!).ToString()));
        }
        if (request.State is { } state)
        {
            filters.Add(StateFilter.Eq("state", state));
        }
        if (request.SubjectEntity is not null)
        {
            filters.Add(StateFilter.Eq("subject_entity", request.SubjectEntity));
            filters.Add(StateFilter.Eq("subject_key", request.SubjectKey));
        }
        if (request.DueBefore is { } dueBefore)
        {
            filters.Add(StateFilter.Below("due_ms", dueBefore.ToUnixTimeMilliseconds()));
        }
        var page = await kit.Inbox.ListAsync(kit.OrgOfRequest, filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new Page<InboxItemView>(page.Items.Select(InboxItemView.From).ToList(), page.NextToken));
    }

    public static async Task<Results<Ok<InboxItemView>, ProblemHttpResult>> SetInboxStatus(InboxStatusRequest request, CollaborationKit kit,
        CancellationToken ct)
    {
        var orgcode = kit.OrgOfRequest;
        var (loaded, problem) = await kit.Inbox.LoadForChangeAsync(orgcode, request.InboxItemGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        if (InboxRules.Visibility.Check(loaded!.Record.Status, request.Status!.Value) is { } refused)
        {
            return refused;
        }
        var write = await kit.Inbox.UpdateAsync(orgcode, loaded, loaded.Record with { Status = request.Status.Value }, "status_changed", ct: ct);
        return write.Succeeded ? TypedResults.Ok(InboxItemView.From(write.Record!)) : write.Problem();
    }

    public static async Task<Results<Ok<InboxItemView>, ProblemHttpResult>> SetInboxState(InboxStateRequest request, CollaborationKit kit,
        CancellationToken ct)
    {
        var orgcode = kit.OrgOfRequest;
        var (loaded, problem) = await kit.Inbox.LoadForChangeAsync(orgcode, request.InboxItemGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var item = loaded!.Record;
        var to = request.State!.Value;
        if (InboxRules.Work.Check(item.State, to) is { } refused)
        {
            return refused;
        }
        var write = await kit.Inbox.UpdateAsync(orgcode, loaded, item with { State = to }, "status_changed",
            [new DomainEvent(CollaborationEvents.InboxItemStateChanged, new InboxItemStateChanged(orgcode, kit.AppId, item.InboxItemGuid, item.State, to,
                kit.PrincipalId, item.Assignee.Kind!.Value, item.Assignee.Id!))], ct);
        return write.Succeeded ? TypedResults.Ok(InboxItemView.From(write.Record!)) : write.Problem();
    }
}
