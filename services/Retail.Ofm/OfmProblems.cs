namespace Retail.Ofm;

/// <summary>OFM's own stable error codes (business rules, 422).</summary>
public static class OfmProblems
{
    public static ProblemHttpResult OrgNotActive(OrgStatus status) =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, ProblemCodes.OrgNotActive, "The org does not take writes.",
            $"The org is {status.ToString().ToLowerInvariant()}; only active orgs take writes.");

    public static ProblemHttpResult InviteNotPending(string status) =>
        ApiProblem.Business("invite_not_pending", "The invitation can no longer be used.", $"It is {status}.");

    public static ProblemHttpResult AlreadyMember(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "already_member", "The user is already part of the org.",
            detail + " Change a member's role with /member/state/set.");

    public static ProblemHttpResult InviteExpired() =>
        ApiProblem.Business("invite_expired", "The invitation has expired.", "Ask an admin for a new one.");

    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist or is not active.", detail,
            [new("field", field)]);

    public static ProblemHttpResult LastOwner() =>
        ApiProblem.Business("owner_required", "The primary owner cannot be removed this way.", "Set another primary owner first.");

    public static ProblemHttpResult ConfigRejected(string reason) =>
        ApiProblem.Business("config_rejected", "The channel configuration was refused.", reason);
}
