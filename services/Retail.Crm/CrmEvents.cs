namespace Retail.Crm;

/// <summary>
/// The business events CRM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Named as the issue names them. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class CrmEvents
{
    public const string CustomerCreated = "customer.created";
    public const string CustomerUpdated = "customer.updated";
    public const string CustomerMerged = "customer.merged";
    public const string ConsentChanged = "consent.changed";
    public const string CustomerFlagChanged = "customer.flag_changed";
    public const string AccountCreated = "account.created";
    public const string AccountUpdated = "account.updated";
    public const string ExemptionCertificateChanged = "exemption.certificate_changed";
    public const string LoyaltyEarned = "loyalty.earned";
    public const string LoyaltyRedeemed = "loyalty.redeemed";
    public const string LoyaltyReversed = "loyalty.reversed";
    public const string LoyaltyRestored = "loyalty.restored";
    public const string LoyaltyAdjusted = "loyalty.adjusted";
    public const string LoyaltyExpired = "loyalty.expired";
    public const string GiftCardIssued = "giftcard.issued";
    public const string GiftCardRedeemed = "giftcard.redeemed";
    public const string GiftCardRestored = "giftcard.restored";
    public const string GiftCardStatusChanged = "giftcard.status_changed";
    public const string FraudAssessed = "fraud.assessed";
    public const string FraudHoldPlaced = "fraud.hold_placed";
    public const string FraudHoldResolved = "fraud.hold_resolved";

    /// <summary>A merge moved a hold in force from the merged customer to the survivor.</summary>
    public const string FraudHoldMoved = "fraud.hold_moved";
}
