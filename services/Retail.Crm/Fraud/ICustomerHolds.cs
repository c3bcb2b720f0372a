namespace Retail.Crm.Fraud;

/// <summary>
/// Whether a customer has an open fraud hold (UC-CRM-005). Loyalty and gift-card redemptions ask it inside their write
/// and answer 409 <c>customer_on_hold</c> (<see cref="CrmProblems.CustomerOnHold"/>) while one is open. Implemented by the
/// fraud area; the answer must come from one record read (an index or a per-customer record), never a scan.
/// </summary>
public interface ICustomerHolds
{
    /// <summary>The guid of an open hold on the customer, or null when there is none.</summary>
    Task<string?> OpenHoldOfAsync(string orgcode, string customerGuid, CancellationToken ct = default);
}
