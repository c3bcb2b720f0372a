using Microsoft.Extensions.Options;

namespace Retail.Rbs.Subscriptions;

/// <summary>Subscriptions' settings (configuration section <c>Rbs:Subscriptions</c>).</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Rbs:Subscriptions";

    /// <summary>How long the endpoint has to echo a verification challenge.</summary>
    public TimeSpan VerificationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed delivery attempts in a row after which an active subscription is disabled.</summary>
    public int DisableAfterFailures { get; set; } = 20;
}

public sealed class SubscriptionOptionsValidator : IValidateOptions<SubscriptionOptions>
{
    public ValidateOptionsResult Validate(string? name, SubscriptionOptions options) =>
        options.VerificationTimeout > TimeSpan.Zero && options.DisableAfterFailures > 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{SubscriptionOptions.Section}: VerificationTimeout and DisableAfterFailures must be positive");
}
