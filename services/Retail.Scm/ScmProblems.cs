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

    // Fulfilment (shipments, exceptions, substitutions).

    /// <summary>409: the channel captures before shipment and the order's tender is not captured.</summary>
    public static ProblemHttpResult TenderNotCaptured(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "tender_not_captured", "The tender is not captured.", detail);

    /// <summary>409: the order is not open for fulfilment (not placed or partially fulfilled).</summary>
    public static ProblemHttpResult OrderNotOpen(string status) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "order_not_open", "The order is not open for fulfilment.",
            $"The order is {status}; shipments are made for placed or partially fulfilled orders.", [new("status", status)]);

    /// <summary>422: a line cannot be fulfilled as asked (not committed, more than is open, another facility); <c>line_no</c> names it.</summary>
    public static ProblemHttpResult LineNotShippable(string code, string title, int lineNo, string detail) =>
        ApiProblem.Business(code, title, detail, [new("line_no", lineNo)]);

    /// <summary>422: the operation is for the other delivery method (ship vs pickup).</summary>
    public static ProblemHttpResult WrongDeliveryMethod(string detail) =>
        ApiProblem.Business("wrong_delivery_method", "Not for this delivery method.", detail);

    /// <summary>409: a no-show before the pickup's grace period ran out; <c>pickup_deadline</c> says when.</summary>
    public static ProblemHttpResult PickupNotDue(DateTimeOffset deadline) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "pickup_not_due", "The pickup's grace period has not run out.",
            $"A no-show may be recorded from {deadline:O}.", [new("pickup_deadline", deadline)]);

    /// <summary>422: the channel does not allow backorders (a short pick must cancel instead).</summary>
    public static ProblemHttpResult BackorderNotAllowed(string channel) =>
        ApiProblem.Business("backorder_not_allowed", "The channel does not allow backorders.",
            $"Channel '{channel}' does not allow backorders; use remedy 'cancel'.");

    /// <summary>422: the substitute is not an active alternative of the line's variant in PVM.</summary>
    public static ProblemHttpResult NotAnAlternative(string detail) =>
        ApiProblem.Business("not_an_alternative", "Not an alternative of the line's variant.", detail, [new("field", "variant_guid")]);

    /// <summary>422: the substitute costs more than the line's unit price in the order's channel.</summary>
    public static ProblemHttpResult SubstitutePriceHigher(long lineUnitMinor, long substituteUnitMinor) =>
        ApiProblem.Business("substitute_price_higher", "The substitute costs more.",
            $"The substitute's unit price {substituteUnitMinor} is above the line's {lineUnitMinor}.",
            [new("unit_minor", lineUnitMinor), new("substitute_unit_minor", substituteUnitMinor)]);

    /// <summary>409: an ICS hold the change counted on was ended or changed meanwhile.</summary>
    public static ProblemHttpResult HoldChanged(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "hold_changed", "The stock hold changed meanwhile.", detail);

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

    // Payments (tender, returns, refunds, EDI).

    /// <summary>422: something in the tender looks like a card number (13–19 digits passing Luhn); only provider tokens are taken.</summary>
    public static ProblemHttpResult RawCardDataRefused() =>
        ApiProblem.Business("raw_card_data_refused", "Card numbers are not accepted.",
            "Send the payment provider's token of the payment method (from UAS), never a card number.");

    /// <summary>422: the order is not placed (or is cancelled), so nothing can be captured for it.</summary>
    public static ProblemHttpResult OrderNotPayable(string status) =>
        ApiProblem.Business("order_not_payable", "The order cannot be paid.", $"The order is {status}; tenders are captured for placed orders.",
            [new("status", status)]);

    /// <summary>422: the channel policy does not accept this tender kind; <c>accepted</c> lists those it does.</summary>
    public static ProblemHttpResult TenderNotAccepted(string kind, IReadOnlyList<string> accepted) =>
        ApiProblem.Business("tender_not_accepted", "The channel does not accept this tender.", $"Tender kind '{kind}' is not accepted in this channel.",
            [new("tender_kind", kind), new("accepted", accepted)]);

    /// <summary>422: more than the order's total less what is already captured.</summary>
    public static ProblemHttpResult AmountExceedsDue(long amount, long due) =>
        ApiProblem.Business("amount_exceeds_due", "More than the order still owes.", $"{amount} asked, {due} due.",
            [new("amount_minor", amount), new("due_minor", due)]);

    /// <summary>422: the payment provider declined; <c>reason</c> is the provider's.</summary>
    public static ProblemHttpResult PaymentDeclined(string reason) =>
        ApiProblem.Business("payment_declined", "The payment was declined.", $"The payment provider declined: {reason}.", [new("reason", reason)]);

    /// <summary>504: the payment provider did not answer in time; nothing was recorded, retry with the same Idempotency-Key.</summary>
    public static ProblemHttpResult PaymentProviderTimeout() =>
        ApiProblem.Create(StatusCodes.Status504GatewayTimeout, "payment_provider_timeout", "The payment provider did not answer in time.",
            "Nothing was recorded. Retry with the same Idempotency-Key: the provider sees the same key and charges at most once.");

    /// <summary>409: the tender is in a settled batch and can no longer be voided (refund it instead).</summary>
    public static ProblemHttpResult TenderSettled(string batchGuid) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "tender_settled", "The tender is settled.",
            "A settled tender cannot be voided; issue a refund instead.", [new("settlement_batch_guid", batchGuid)]);

    /// <summary>409: part of the tender was refunded, so it cannot be voided.</summary>
    public static ProblemHttpResult TenderRefunded(long refunded) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "tender_refunded", "The tender has refunds.",
            "A tender with refunds cannot be voided.", [new("refunded_minor", refunded)]);

    /// <summary>422: a returned quantity is more than was shipped and is not yet returned or on an open return.</summary>
    public static ProblemHttpResult NotReturnable(int lineNo, long asked, long returnable) =>
        ApiProblem.Business("not_returnable", "More than can be returned.",
            $"Line {lineNo}: {asked} asked, {returnable} shipped and not yet returned or on an open return.",
            [new("line_no", lineNo), new("returnable", returnable)]);

    /// <summary>422: the channel's return window closed for the line.</summary>
    public static ProblemHttpResult ReturnWindowClosed(int lineNo, DateTimeOffset closedAt, int days) =>
        ApiProblem.Business("return_window_closed", "The return window is closed.",
            $"Line {lineNo}: the {days}-day return window closed at {closedAt:yyyy-MM-ddTHH:mm:ssZ}.",
            [new("line_no", lineNo), new("closed_at", closedAt), new("return_window_days", days)]);

    /// <summary>422: a refund of more than was captured less what is already refunded.</summary>
    public static ProblemHttpResult RefundExceedsCaptured(long amount, long refundable) =>
        ApiProblem.Business("refund_exceeds_captured", "More than can be refunded.", $"{amount} asked, {refundable} captured and not yet refunded.",
            [new("amount_minor", amount), new("refundable_minor", refundable)]);

    /// <summary>422: the lines of a receipt do not match the return's lines.</summary>
    public static ProblemHttpResult ReturnLinesMismatch(string detail) =>
        ApiProblem.Business("return_lines_mismatch", "The lines do not match the return.", detail);

    // Quotes, backorders, special orders.

    /// <summary>422: the quote's validity ran out (approve or convert after valid_until).</summary>
    public static ProblemHttpResult QuoteExpired(DateTimeOffset validUntil) =>
        ApiProblem.Business("quote_expired", "The quote has expired.", $"The quote was valid until {validUntil:O}.", [new("valid_until", validUntil)]);

    /// <summary>422 <c>backorder_not_allowed</c> (the same code as a short pick's): the channel policy does not allow backorders.</summary>
    public static ProblemHttpResult BackordersRefused(string channel) =>
        ApiProblem.Business("backorder_not_allowed", "The channel does not allow backorders.",
            $"Channel '{channel}' does not allow backorders (channel policy backorders_allowed).", [new("channel_code", channel)]);

    /// <summary>409: CRM holds the order's customer for fraud review; <c>hold_guid</c> names the hold (an admin resolves it in CRM).</summary>
    public static ProblemHttpResult CustomerOnHold(string customerGuid, string holdGuid) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "customer_on_hold", "The customer is on hold.",
            $"Customer {customerGuid} has an open fraud hold; an admin must resolve it in CRM first.", [new("hold_guid", holdGuid)]);
}
