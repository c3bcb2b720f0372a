namespace Retail.Shared.Dapr;

/// <summary>Timeouts and retry budgets of the Dapr adapters (tests shrink the delays to zero).</summary>
public sealed class DaprAdapterOptions
{
    /// <summary>Per attempt of a service invocation, unless the caller sets its own.</summary>
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of an idempotent invocation (one with an Idempotency-Key) after a transient failure.</summary>
    public int InvocationMaxRetries { get; set; } = 3;

    public TimeSpan InvocationRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts of one webhook delivery, the first included.</summary>
    public int WebhookMaxAttempts { get; set; } = 4;

    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts of a business-event publish that follows a committed transaction.</summary>
    public int PublishMaxAttempts { get; set; } = 3;

    public TimeSpan PublishRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The state component with the transactional outbox (components/recordstore.yaml), used only by the record store so
    /// that only records become CDC events. Everything else uses <c>RetailOptions.StateStoreName</c>, which has no outbox.
    /// </summary>
    public string RecordStateStoreName { get; set; } = "recordstore";

    /// <summary>How long the operator key read from the secret store is reused before it is read again.</summary>
    public TimeSpan OperatorKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(60);
}
