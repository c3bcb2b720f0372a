namespace Retail.Usm;

/// <summary>USM's own error codes. None of them repeats a passcode, key or session secret.</summary>
public static class UsmProblems
{
    public const string ServiceAccountDisabled = "service_account_disabled";
    public const string RoleNotAllowed = "role_not_allowed";
    public const string LifetimeExceedsPolicy = "lifetime_exceeds_policy";

    /// <summary>The one answer for a failed sign-in, whether the e-mail is unknown, unverified or the passcode wrong.</summary>
    public static ProblemHttpResult SignInFailed() =>
        ApiProblem.Unauthenticated("The e-mail address or the passcode is not correct.");

    public static ProblemHttpResult AccountDisabled() =>
        ApiProblem.Business(ServiceAccountDisabled, "The service account is disabled.", "Enable it before giving it keys.");

    public static ProblemHttpResult RoleRefusedByPolicy(Role role) =>
        ApiProblem.Business(RoleNotAllowed, "The org's key policy does not allow this role.",
            $"Keys for service accounts with the role '{RoleNames.Of(role)}' are not allowed in this org.");

    public static ProblemHttpResult LifetimeTooLong(int maxDays) =>
        ApiProblem.Business(LifetimeExceedsPolicy, "The key would live longer than the org's policy allows.",
            $"Keys in this org live at most {maxDays} days.", [new("max_lifetime_days", maxDays)]);

    public static ProblemHttpResult RateLimited(HttpResponse response, TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(Math.Max(wait.TotalSeconds, 1));
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiProblem.RateLimited(TimeSpan.FromSeconds(seconds));
    }
}

public static class RoleNames
{
    public static string Of(Role role) => role.ToString().ToLowerInvariant();
}
