namespace Retail.Ucp;

/// <summary>UCP's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class UcpProblems
{
    // Platforms (feat/ucpplat)
    public const string PlatformRevokedCode = "platform_revoked";

    /// <summary>422 <c>platform_revoked</c>: a revoked platform is final; register a new one.</summary>
    public static ProblemHttpResult PlatformRevoked(string platformGuid) =>
        ApiProblem.Business(PlatformRevokedCode, "The platform is revoked.", $"Platform {platformGuid} is revoked; register a new platform instead.");
}
