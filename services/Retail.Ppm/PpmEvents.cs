using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Ppm.Lists;
using Retail.Ppm.Policy;
using Retail.Ppm.Prices;
using Retail.Ppm.Promotions;

namespace Retail.Ppm;

/// <summary>
/// The business events PPM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Payload records live beside the code that raises them. Listed in README.md.
/// </summary>
public static class PpmEvents
{
    [EventData(typeof(PriceChanged))]
    [Description("Price changed.")]
    public const string PriceChanged = "ppm.price.changed";
    [EventData(typeof(PriceApprovalChanged))]
    [Description("Price approval submitted.")]
    public const string ApprovalSubmitted = "ppm.price.approval_submitted";
    [EventData(typeof(PriceApprovalChanged))]
    [Description("Price approval approved.")]
    public const string ApprovalApproved = "ppm.price.approval_approved";
    [EventData(typeof(PriceApprovalChanged))]
    [Description("Price approval rejected.")]
    public const string ApprovalRejected = "ppm.price.approval_rejected";
    [EventData(typeof(PriceListAssigned))]
    [Description("Price list assigned.")]
    public const string ListAssigned = "ppm.price_list.assigned";
    [EventData(typeof(PriceListUnassigned))]
    [Description("Price list unassigned.")]
    public const string ListUnassigned = "ppm.price_list.unassigned";
    [EventData(typeof(PriceZoneAssigned))]
    [Description("Price zone assigned.")]
    public const string ZoneAssigned = "ppm.price_zone.assigned";
    [EventData(typeof(PriceZoneUnassigned))]
    [Description("Price zone unassigned.")]
    public const string ZoneUnassigned = "ppm.price_zone.unassigned";
    [EventData(typeof(PolicyChanged))]
    [Description("Policy changed.")]
    public const string PolicyChanged = "ppm.policy.changed";
    [EventData(typeof(PromotionCreated))]
    [Description("Promotion created.")]
    public const string PromotionCreated = "ppm.promotion.created";
    [EventData(typeof(PromotionEnded))]
    [Description("Promotion ended.")]
    public const string PromotionEnded = "ppm.promotion.ended";
}
