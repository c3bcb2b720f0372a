namespace Retail.Shared.Problems;

/// <summary>The stable, machine-readable error codes of CONTRACT.md.</summary>
public static class ProblemCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string ContextMismatch = "context_mismatch";
    public const string InvalidNextToken = "invalid_next_token";
    public const string ExpectedRevisionRequired = "expected_revision_required";
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
    public const string OrgNotActive = "org_not_active";
    public const string SegregationOfDuties = "segregation_of_duties";
    public const string NotFound = "not_found";
    public const string RevisionMismatch = "revision_mismatch";
    public const string InvalidTransition = "invalid_transition";
    public const string Duplicate = "duplicate";
    public const string IdempotencyInProgress = "idempotency_in_progress";
    public const string PayloadTooLarge = "payload_too_large";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string RateLimited = "rate_limited";
    public const string DependencyUnavailable = "dependency_unavailable";
    public const string InternalError = "internal_error";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UnsupportedMediaType = "unsupported_media_type";
}
