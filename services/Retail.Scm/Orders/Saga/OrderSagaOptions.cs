namespace Retail.Scm.Orders.Saga;

/// <summary>Configuration section <c>Scm:Saga</c>: how long the order's saga waits, and how often it looks again.</summary>
public sealed class OrderSagaOptions
{
    public const string Section = "Scm:Saga";

    /// <summary>From placing, how long the client has to capture the order's tender before the saga cancels it.</summary>
    public TimeSpan CaptureTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The longest the saga waits for a signal before it reads the order again: signals are best effort, so a lost one
    /// delays a step by at most this.
    /// </summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromHours(1);
}
