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
