namespace Retail.Uas;

/// <summary>Configuration section <c>Uas</c>.</summary>
public sealed class UasOptions
{
    public const string Section = "Uas";

    public TimeSpan VerificationTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the <c>passcode_token</c> answered by /user/verify may be used for the first passcode.</summary>
    public TimeSpan PasscodeTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ResetTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Mails of one kind to one address: at least this far apart ...</summary>
    public TimeSpan MailMinInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>... and at most this many in any 24 hours.</summary>
    public int MailMaxPerDay { get; set; } = 5;

    public int PasscodeMinLength { get; set; } = 12;

    public int PasscodeMaxLength { get; set; } = 128;

    /// <summary>The last N passcodes (the current one included) may not be chosen again.</summary>
    public int PasscodeReuseWindow { get; set; } = 5;

    /// <summary>Wrong current passcodes per user before /passcode/set answers 429 for a while (online guessing).</summary>
    public int PasscodeMaxFailures { get; set; } = 5;

    public TimeSpan PasscodeFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    public Argon2Settings Argon2 { get; set; } = new();
}

/// <summary>Argon2id cost; the defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane), cheap enough for a 2-core box.</summary>
public sealed class Argon2Settings
{
    public int MemoryKib { get; set; } = 19 * 1024;

    public int Iterations { get; set; } = 2;

    public int Parallelism { get; set; } = 1;
}
