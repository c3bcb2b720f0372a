namespace Retail.Ucp;

/// <summary>UCP's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class UcpProblems
{
    /// <summary>422: a webhook's event type is not one of the seed's 20 order, fulfilment, return, refund and promise events.</summary>
    public static ProblemHttpResult UnknownEventType(string eventType) =>
        ApiProblem.Business("unknown_event_type", "No such event type.",
            $"'{eventType}' is not an order webhook event type (order.*, fulfillment.*, return.*, adjustment.refund, promise.*; see README).",
            [new("field", "event_types"), new("event_type", eventType)]);

    // Platforms (feat/ucpplat)
    public const string PlatformRevokedCode = "platform_revoked";

    /// <summary>422 <c>platform_revoked</c>: a revoked platform is final; register a new one.</summary>
    public static ProblemHttpResult PlatformRevoked(string platformGuid) =>
        ApiProblem.Business(PlatformRevokedCode, "The platform is revoked.", $"Platform {platformGuid} is revoked; register a new platform instead.");
}
