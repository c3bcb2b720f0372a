namespace Retail.Scm;

/// <summary>SCM's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class ScmProblems
{
    /// <summary>422: a referenced record (a channel, a facility, a variant, an order, a shipment) does not exist in this org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>409: not enough stock for some lines; <c>lines</c> names each (line_no, variant_guid, requested, available).</summary>
    public static ProblemHttpResult InsufficientStock(string detail, IReadOnlyList<object> lines) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "insufficient_stock", "Not enough stock.", detail, [new("lines", lines)]);

    /// <summary>422: a line has no price in the channel (PPM's reason per line).</summary>
    public static ProblemHttpResult Unpriced(string detail, IReadOnlyList<object> lines) =>
        ApiProblem.Business("unpriced", "Some lines have no price in this channel.", detail, [new("lines", lines)]);

    /// <summary>403: the approver is the creator (segregation of duties).</summary>
    public static ProblemHttpResult SameActor(string detail) =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, "same_actor", "The approver may not be the creator.", detail);
    /// <summary>422: the org has no tax policy in effect for the jurisdiction (nor for its country).</summary>
    public static ProblemHttpResult NoTaxPolicy(string jurisdiction) =>
        ApiProblem.Business("no_tax_policy", "No tax policy applies.", $"No tax policy is in effect for '{jurisdiction}' (nor its country) at that time.",
            [new("jurisdiction", jurisdiction)]);

    /// <summary>422: a new tax policy version may not take effect before the jurisdiction's latest one.</summary>
    public static ProblemHttpResult TaxEffectiveFromOutOfOrder(DateTimeOffset latest) =>
        ApiProblem.Business("effective_from_out_of_order", "A tax policy version may not take effect before the latest one.",
            $"effective_from must be at or after {latest:O}, when the latest version takes effect.", [new("latest_effective_from", latest)]);

    /// <summary>409: the order is cancelled (its tax is not finalized, its lines not routed).</summary>
    public static ProblemHttpResult OrderCancelled(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "order_cancelled", "The order is cancelled.", detail);

    /// <summary>422: the channel has no routing policy, and OFM names no facility for it either.</summary>
    public static ProblemHttpResult NoRoutingCandidates(string channel) =>
        ApiProblem.Business("no_routing_candidates", "No facility to route to.",
            $"Channel '{channel}' has no routing policy and OFM names no facility for it.", [new("channel_code", channel)]);
}
