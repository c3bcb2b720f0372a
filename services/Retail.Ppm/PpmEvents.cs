namespace Retail.Ppm;

/// <summary>
/// The business events PPM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Payload records live beside the code that raises them. Listed in README.md.
/// </summary>
public static class PpmEvents
{
    public const string PriceChanged = "ppm.price.changed";
    public const string ApprovalSubmitted = "ppm.price.approval_submitted";
    public const string ApprovalApproved = "ppm.price.approval_approved";
    public const string ApprovalRejected = "ppm.price.approval_rejected";
    public const string ListAssigned = "ppm.price_list.assigned";
    public const string ListUnassigned = "ppm.price_list.unassigned";
    public const string ZoneAssigned = "ppm.price_zone.assigned";
    public const string ZoneUnassigned = "ppm.price_zone.unassigned";
    public const string PolicyChanged = "ppm.policy.changed";
    public const string PromotionCreated = "ppm.promotion.created";
    public const string PromotionEnded = "ppm.promotion.ended";
}
