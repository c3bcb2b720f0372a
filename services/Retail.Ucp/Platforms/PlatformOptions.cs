using Microsoft.Extensions.Options;

namespace Retail.Ucp.Platforms;

/// <summary>Platform credentials' settings (configuration section <c>Ucp:Platforms</c>).</summary>
public sealed class PlatformOptions
{
    public const string Section = "Ucp:Platforms";

    /// <summary>How long the previous secret keeps working after a rotation.</summary>
    public TimeSpan SecretGracePeriod { get; set; } = TimeSpan.FromHours(24);
}

public sealed class PlatformOptionsValidator : IValidateOptions<PlatformOptions>
{
    public ValidateOptionsResult Validate(string? name, PlatformOptions options) =>
        options.SecretGracePeriod >= TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PlatformOptions.Section}: SecretGracePeriod must not be negative");
}
