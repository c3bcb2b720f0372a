namespace Retail.Rbs;

/// <summary>RBS's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class RbsProblems
{
    /// <summary>422: the endpoint did not echo the challenge (in time, with a 2xx); the subscription stays pending.</summary>
    public static ProblemHttpResult VerificationFailed(string subscriptionGuid, string reason, int? statusCode, long latencyMs, long revision) =>
        ApiProblem.Business("verification_failed", "The endpoint did not echo the challenge.",
            $"Subscription {subscriptionGuid} stays pending_verification: {reason}. The endpoint must answer 2xx with {{\"challenge\": \"…\"}} or the challenge itself.",
            [new("reason", reason), new("status_code", statusCode), new("latency_ms", latencyMs), new("revision", revision)]);

    /// <summary>422: the subscription's URL is not verified yet (test, status/set): verify it first.</summary>
    public static ProblemHttpResult NotVerified(string subscriptionGuid) =>
        ApiProblem.Business("subscription_not_verified", "The subscription is not verified.",
            $"Subscription {subscriptionGuid} is pending_verification; call /subscription/verify first.", [new("status", "pending_verification")]);

    /// <summary>422: the subscription is unregistered; nothing about it changes any more.</summary>
    public static ProblemHttpResult Unregistered(string subscriptionGuid) =>
        ApiProblem.Business("subscription_unregistered", "The subscription is unregistered.",
            $"Subscription {subscriptionGuid} is unregistered; register a new one.", [new("status", "unregistered")]);

    /// <summary>422: the subscription is already verified (and its URL has not changed since).</summary>
    public static ProblemHttpResult AlreadyVerified(string subscriptionGuid, string status) =>
        ApiProblem.Business("already_verified", "The subscription is already verified.",
            $"Subscription {subscriptionGuid} is {status} and its URL is verified; a new URL (update) needs verifying again.", [new("status", status)]);
}
