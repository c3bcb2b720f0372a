namespace Retail.Usm;

/// <summary>Configuration section <c>Usm</c>.</summary>
public sealed class UsmOptions
{
    public const string Section = "Usm";

    /// <summary>A session unused this long ends.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in, however busy.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sign-ins for one e-mail from one client address: this many failures within the window go unhindered ...</summary>
    public int SignInMaxFailures { get; set; } = 5;

    /// <summary>... each one after waits this long after the last, doubling each time (capped at the window) ...</summary>
    public TimeSpan SignInProgressiveDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>... up to this many within the window; then 429 until the oldest failure leaves it.</summary>
    public int SignInMaxFailuresPerClient { get; set; } = 20;

    public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failures for one e-mail from every address together, within the window: a ceiling far above one client's, so that
    /// an attacker slows only their own attempts while a distributed guess is still capped.
    /// </summary>
    public int SignInMaxFailuresPerEmail { get; set; } = 100;

    /// <summary>
    /// Also clear this process's credential cache directly when USM revokes something (the host). The revocation
    /// events do it for every app either way; turning this off leaves only the event path (used by a test).
    /// </summary>
    public bool EvictLocally { get; set; } = true;
}
