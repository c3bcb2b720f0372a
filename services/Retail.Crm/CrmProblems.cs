namespace Retail.Crm;

/// <summary>CRM's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class CrmProblems
{
    /// <summary>422: a referenced record (a customer, an account, a certificate, an order) does not exist in this org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>409: the customer was merged into another; the answer names the survivor (<c>merged_into</c>).</summary>
    public static ProblemHttpResult CustomerMerged(string customerGuid, string mergedInto) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "customer_merged", "The customer was merged into another.",
            $"Customer {customerGuid} was merged into {mergedInto}; use the survivor.", [new("merged_into", mergedInto)]);

    /// <summary>409: an open fraud hold blocks redemptions (loyalty, gift cards) and order placement for this customer.</summary>
    public static ProblemHttpResult CustomerOnHold(string customerGuid, string holdGuid) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "customer_on_hold", "The customer is on hold.",
            $"Customer {customerGuid} has an open fraud hold; an admin must resolve it first.", [new("hold_guid", holdGuid)]);

    /// <summary>422: a merge names the same customer as survivor and as the one merged into it.</summary>
    public static ProblemHttpResult MergeSameCustomer(string customerGuid) =>
        ApiProblem.Business("merge_same_customer", "A customer cannot be merged into itself.",
            $"survivor_guid and merged_guid both name {customerGuid}.", [new("field", "merged_guid")]);

    /// <summary>422: a customer holds at most this many flags; clear one first.</summary>
    public static ProblemHttpResult TooManyFlags(int max) =>
        ApiProblem.Business("too_many_flags", "The customer has too many flags.", $"A customer holds at most {max} flags; clear one first.");

    /// <summary>501: name search needs the embedded store's full-text index; e-mail and phone prefix search work everywhere.</summary>
    public static ProblemHttpResult SearchUnavailable(string reason) =>
        ApiProblem.Create(StatusCodes.Status501NotImplemented, "search_unavailable", "Search by name is not available here.", reason);

    /// <summary>409: a redemption (or debit) of more points than the customer has; the answer says the balance.</summary>
    public static ProblemHttpResult InsufficientPoints(long balance, long requested) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "insufficient_points", "Not enough points.",
            $"The balance is {balance} points; {requested} were asked for.", [new("balance", balance), new("requested", requested)]);

    /// <summary>422: the loyalty policy earns nothing in this currency.</summary>
    public static ProblemHttpResult LoyaltyCurrencyNotEarning(string currency) =>
        ApiProblem.Business("loyalty_currency_not_earning", "The loyalty policy earns nothing in this currency.",
            $"The loyalty policy has no earn rate for {currency}.", [new("currency", currency)]);

    /// <summary>422: the loyalty policy gives points no value in this currency.</summary>
    public static ProblemHttpResult LoyaltyCurrencyNotRedeemable(string currency) =>
        ApiProblem.Business("loyalty_currency_not_redeemable", "Points cannot be redeemed for this currency.",
            $"The loyalty policy has no redemption value for {currency}.", [new("currency", currency)]);

    /// <summary>422: fewer points than the policy's smallest redemption.</summary>
    public static ProblemHttpResult BelowMinimumRedeem(long minimum) =>
        ApiProblem.Business("below_minimum_redeem", "Too few points to redeem.",
            $"The loyalty policy redeems at least {minimum} points.", [new("minimum_redeem_points", minimum)]);

    /// <summary>409: the customer's points kept changing while this change was applied; retry with the same Idempotency-Key.</summary>
    public static ProblemHttpResult LoyaltyContended() =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "loyalty_contended", "The points changed while this change was applied.",
            "Retry the request with the same Idempotency-Key.");
}
