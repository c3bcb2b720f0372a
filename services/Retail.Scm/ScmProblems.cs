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

    /// <summary>422: no facility can fulfil these lines (no routing policy, no facility on the order or the channel).</summary>
    public static ProblemHttpResult NoFacility(IReadOnlyList<int> lineNos) =>
        ApiProblem.Business("no_facility", "No facility can fulfil some lines.",
            $"Routing chose no facility for line(s) {string.Join(", ", lineNos)}.", [new("line_nos", lineNos)]);

    /// <summary>422: an order with shipped lines cannot be cancelled as a whole.</summary>
    public static ProblemHttpResult ShippedNotCancellable(string detail) =>
        ApiProblem.Business("shipped_not_cancellable", "Shipped quantities cannot be cancelled.", detail);

    /// <summary>422: more than the line's open quantity (ordered − cancelled − shipped) was asked to be cancelled.</summary>
    public static ProblemHttpResult QuantityExceedsOpen(Orders.OrderLine line, long quantity) =>
        ApiProblem.Business("quantity_exceeds_open", "Only the open quantity of a line can be cancelled.",
            $"Line {line.LineNo} has {line.OpenQuantity} open ({line.Shipped} shipped, {line.CancelledQuantity} cancelled); {quantity} cannot be cancelled.",
            [new("line_no", line.LineNo), new("open_quantity", line.OpenQuantity)]);

    /// <summary>422: some open lines hold no stock, so the promise cannot move on (reserve them first).</summary>
    public static ProblemHttpResult NotReserved(IReadOnlyList<int> lineNos) =>
        ApiProblem.Business("not_reserved", "Some lines hold no stock.",
            $"Line(s) {string.Join(", ", lineNos)} hold no stock; reserve them first (/order/promise/reserve).", [new("line_nos", lineNos)]);

    /// <summary>422: the order has nothing for this promise step (every line already there, or nothing held).</summary>
    public static ProblemHttpResult NothingToDo(string detail) =>
        ApiProblem.Business("nothing_to_do", "Nothing to do.", detail);

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
