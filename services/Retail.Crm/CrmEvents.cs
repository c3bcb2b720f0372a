using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Crm.Accounts;
using Retail.Crm.Certificates;
using Retail.Crm.Customers;
using Retail.Crm.Fraud;
using Retail.Crm.GiftCards;
using Retail.Crm.Loyalty;
using Retail.Crm.Merge;

namespace Retail.Crm;

/// <summary>
/// The business events CRM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Named as the issue names them. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class CrmEvents
{
    [EventData(typeof(CustomerChanged))]
    [Description("Customer created.")]
    public const string CustomerCreated = "customer.created";
    [EventData(typeof(CustomerChanged))]
    [Description("Customer updated.")]
    public const string CustomerUpdated = "customer.updated";
    [EventData(typeof(CustomerMergedEvent))]
    [Description("Customer merged.")]
    public const string CustomerMerged = "customer.merged";
    [EventData(typeof(ConsentChanged))]
    [Description("Consent changed.")]
    public const string ConsentChanged = "consent.changed";
    [EventData(typeof(CustomerFlagChanged))]
    [Description("Customer flag changed.")]
    public const string CustomerFlagChanged = "customer.flag_changed";
    [EventData(typeof(AccountChanged))]
    [Description("Account created.")]
    public const string AccountCreated = "account.created";
    [EventData(typeof(AccountChanged))]
    [Description("Account updated.")]
    public const string AccountUpdated = "account.updated";
    [EventData(typeof(ExemptionCertificateChanged))]
    [Description("Exemption certificate changed.")]
    public const string ExemptionCertificateChanged = "exemption.certificate_changed";
    [EventData(typeof(LoyaltyChanged))]
    [Description("Loyalty earned.")]
    public const string LoyaltyEarned = "loyalty.earned";
    [EventData(typeof(LoyaltyChanged))]
    [Description("Loyalty redeemed.")]
    public const string LoyaltyRedeemed = "loyalty.redeemed";
    [EventData(typeof(LoyaltyChanged))]
    [Description("Loyalty reversed.")]
    public const string LoyaltyReversed = "loyalty.reversed";
    [EventData(typeof(LoyaltyChanged))]
    [Description("Loyalty restored.")]
    public const string LoyaltyRestored = "loyalty.restored";
    [EventData(typeof(LoyaltyChanged))]
    [Description("Loyalty adjusted.")]
    public const string LoyaltyAdjusted = "loyalty.adjusted";
    [EventData(typeof(LoyaltyChanged))]
    [Description("Loyalty expired.")]
    public const string LoyaltyExpired = "loyalty.expired";
    [EventData(typeof(GiftCardIssued))]
    [Description("Giftcard issued.")]
    public const string GiftCardIssued = "giftcard.issued";
    [EventData(typeof(GiftCardMoved))]
    [Description("Giftcard redeemed.")]
    public const string GiftCardRedeemed = "giftcard.redeemed";
    [EventData(typeof(GiftCardMoved))]
    [Description("Giftcard restored.")]
    public const string GiftCardRestored = "giftcard.restored";
    [EventData(typeof(GiftCardStatusChanged))]
    [Description("Giftcard status changed.")]
    public const string GiftCardStatusChanged = "giftcard.status_changed";
    [EventData(typeof(FraudAssessed))]
    [Description("Fraud assessed.")]
    public const string FraudAssessed = "fraud.assessed";
    [EventData(typeof(FraudHoldChanged))]
    [Description("Fraud hold placed.")]
    public const string FraudHoldPlaced = "fraud.hold_placed";
    [EventData(typeof(FraudHoldChanged))]
    [Description("Fraud hold resolved.")]
    public const string FraudHoldResolved = "fraud.hold_resolved";

    /// <summary>A merge moved a hold in force from the merged customer to the survivor.</summary>
    [EventData(typeof(FraudHoldChanged))]
    [Description("A merge moved a hold in force from the merged customer to the survivor.")]
    public const string FraudHoldMoved = "fraud.hold_moved";
}
