namespace Retail.Usm;

/// <summary>Configuration section <c>Usm</c>.</summary>
public sealed class UsmOptions
{
    public const string Section = "Usm";

    /// <summary>A session unused this long ends.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in, however busy.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sign-ins for one e-mail: at most this many failures ...</summary>
    public int SignInMaxFailures { get; set; } = 5;

    /// <summary>... within this window; then 429 until the oldest failure leaves it.</summary>
    public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Also clear this process's credential cache directly when USM revokes something (the host). The revocation
    /// events do it for every app either way; turning this off leaves only the event path (used by a test).
    /// </summary>
    public bool EvictLocally { get; set; } = true;
}
