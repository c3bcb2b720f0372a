using Retail.Shared;
using Retail.Shared.Collaboration;

namespace Retail.Ipm;

/// <summary>
/// Who hears about a webhook that IPM disabled or a KPI alert that fired: the record's owner, a member or a team of the
/// org, named at creation or, by default, the member who created it. The item goes into IPM's own inbox
/// (<c>/ipm/inbox/…</c>) in the transaction that changes the record.
/// </summary>
public static class IpmInbox
{
    /// <summary>
    /// The owner a create names, else the calling member. An API key or the operator acts for nobody, so it must name one
    /// (422 <c>owner_required</c>); a named owner must be a member or team of the org (OFM, 422 <c>assignee_not_found</c>).
    /// </summary>
    public static async Task<(Assignee? Owner, ProblemHttpResult? Problem)> OwnerAsync(Assignee? named, CollaborationKit kit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kit);
        var owner = named ?? (kit.Context.Principal is { Kind: PrincipalKind.User } user ? new Assignee(AssigneeKind.Member, user.Id) : null);
        if (owner is null)
        {
            return (null, ApiProblem.Business("owner_required", "An owner is required.",
                "A caller that is not a member (an API key, the operator) names the owner: the member or team told when this needs attention."));
        }
        return named is null ? (owner, null) : (owner, await kit.CheckAssigneeAsync(owner, ct));
    }

    /// <summary>A high-priority item about one of IPM's records, created by IPM itself.</summary>
    public static InboxItem Item(string title, string body, string entity, string key, Assignee owner) => new()
    {
        InboxItemGuid = Ids.New(),
        Title = title.Length > CollaborationRules.MaxTitle ? title[..CollaborationRules.MaxTitle] : title,
        Body = body.Length > CollaborationRules.MaxBody ? body[..CollaborationRules.MaxBody] : body,
        SubjectEntity = entity,
        SubjectKey = key,
        Assignee = owner,
        Priority = InboxPriority.High,
        CreatedBy = $"service:{IpmModule.Id}",
    };
}
