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

    /// <summary>422 <c>scope_not_granted</c>: a link may grant only scopes its platform holds.</summary>
    public static ProblemHttpResult ScopeNotGranted(IReadOnlyList<string> scopes) =>
        ApiProblem.Business("scope_not_granted", "The platform does not hold these scopes.", $"Not held by the platform: {string.Join(", ", scopes)}.");

    /// <summary>422 <c>customer_not_found</c>: the CRM customer to link does not exist in the org.</summary>
    public static ProblemHttpResult CustomerNotFound(string customerGuid) =>
        ApiProblem.Business("customer_not_found", "No such customer.", $"CRM has no customer {customerGuid} in this org.");

    /// <summary>422 <c>link_revoked</c>: a revoked identity link is final.</summary>
    public static ProblemHttpResult LinkRevoked(string linkGuid) =>
        ApiProblem.Business("link_revoked", "The identity link is revoked.", $"Identity link {linkGuid} is already revoked.");
}
