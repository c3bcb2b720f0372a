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

    /// <summary>422: a customer holds at most this many flags; clear one first.</summary>
    public static ProblemHttpResult TooManyFlags(int max) =>
        ApiProblem.Business("too_many_flags", "The customer has too many flags.", $"A customer holds at most {max} flags; clear one first.");

    /// <summary>501: name search needs the embedded store's full-text index; e-mail and phone prefix search work everywhere.</summary>
    public static ProblemHttpResult SearchUnavailable(string reason) =>
        ApiProblem.Create(StatusCodes.Status501NotImplemented, "search_unavailable", "Search by name is not available here.", reason);

    /// <summary>422: the gift card is blocked (an admin blocked it); nothing was redeemed.</summary>
    public static ProblemHttpResult GiftCardBlocked() =>
        ApiProblem.Business("giftcard_blocked", "The gift card is blocked.", "This gift card is blocked and cannot be redeemed.");

    /// <summary>422: the gift card is past its expiry; nothing was redeemed.</summary>
    public static ProblemHttpResult GiftCardExpired(DateTimeOffset expiredAt) =>
        ApiProblem.Business("giftcard_expired", "The gift card has expired.", $"This gift card expired at {expiredAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.",
            [new("expired_at", expiredAt)]);

    /// <summary>422: the amount is in another currency than the gift card's.</summary>
    public static ProblemHttpResult GiftCardCurrencyMismatch(string cardCurrency) =>
        ApiProblem.Business("currency_mismatch", "The currency does not match.", $"This gift card holds {cardCurrency}.", [new("currency", cardCurrency)]);

    /// <summary>409: the redemption would take the gift card below zero; the answer carries the balance.</summary>
    public static ProblemHttpResult GiftCardInsufficientBalance(long balanceMinor, string currency) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "insufficient_balance", "The balance is too low.",
            $"The gift card holds {balanceMinor} {currency} (minor units).", [new("balance_minor", balanceMinor), new("currency", currency)]);

    /// <summary>409: the reference was already used for a different gift-card movement (another card, amount or currency).</summary>
    public static ProblemHttpResult GiftCardReferenceReused(string reference) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "reference_reused", "The reference was used for something else.",
            $"Reference '{reference}' already names a different gift-card movement; use a new reference.", [new("reference", reference)]);

    /// <summary>409: a restore would give back more than the redemption took (less what was already restored).</summary>
    public static ProblemHttpResult GiftCardRestoreExceedsRedemption(long restorableMinor) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "restore_exceeds_redemption", "More than the redemption took.",
            $"At most {restorableMinor} (minor units) of this redemption can still be restored.", [new("restorable_minor", restorableMinor)]);

    /// <summary>409: a closed account takes no changes, contacts or certificates.</summary>
    public static ProblemHttpResult AccountClosed(string accountGuid) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "account_closed", "The account is closed.",
            $"Account {accountGuid} is closed; it takes no changes, new contacts or certificates.", [new("account_guid", accountGuid)]);

    /// <summary>422: a certificate whose valid_to has passed is not activated (nor one whose dates the move contradicts).</summary>
    public static ProblemHttpResult CertificateNotValid(string detail) =>
        ApiProblem.Business("certificate_not_valid", "The certificate's validity dates do not allow this.", detail);

    /// <summary>403: whoever recorded a certificate cannot activate it (an exemption is approved by someone else).</summary>
    public static ProblemHttpResult SegregationOfDuties(string detail) =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, ProblemCodes.SegregationOfDuties, "Someone else must approve this.", detail);

    /// <summary>403: credit limits and payment terms are an admin's decision.</summary>
    public static ProblemHttpResult CreditTermsNeedAdmin() =>
        ApiProblem.Forbidden("Credit limit and payment terms are set by an admin.");
}
