namespace Retail.Ucp;

/// <summary>UCP's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class UcpProblems
{
    /// <summary>422: a webhook's event type is not one of the seed's 20 order, fulfilment, return, refund and promise events.</summary>
    public static ProblemHttpResult UnknownEventType(string eventType) =>
        ApiProblem.Business("unknown_event_type", "No such event type.",
            $"'{eventType}' is not an order webhook event type (order.*, fulfillment.*, return.*, adjustment.refund, promise.*; see README).",
            [new("field", "event_types"), new("event_type", eventType)]);

    /// <summary>422: the platform was revoked; its webhook cannot be set or tested.</summary>
    public static ProblemHttpResult PlatformNotActive(string platformGuid) =>
        ApiProblem.Business("platform_not_active", "The platform is not active.", $"Platform {platformGuid} was revoked.");
}
