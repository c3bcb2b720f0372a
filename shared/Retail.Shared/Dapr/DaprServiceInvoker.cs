using System.Net.Http.Headers;
using System.Text.Json;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Retail.Shared.Invocation;
using Retail.Shared.Json;

namespace Retail.Shared.Dapr;

/// <summary>
/// Dapr service invocation (<c>POST /v1.0/invoke/{app-id}/method/{path}</c> on the sidecar) with the caller's context.
/// Every attempt has a timeout; only a call with an Idempotency-Key is retried, since only it is safe to run twice.
/// Any answer of the callee, 2xx or not, is returned; only an unreachable or silent dependency throws.
/// </summary>
public sealed class DaprServiceInvoker : IServiceInvoker
{
    public const string CallerAppIdHeader = "x-caller-app-id";

    private static readonly int[] TransientStatuses = [502, 503, 504];

    private readonly DaprClient dapr;
    private readonly string callerAppId;
    private readonly DaprAdapterOptions adapterOptions;
    private readonly ILogger logger;
    private readonly ResiliencePipeline<InvocationResponse> retrying;

    public DaprServiceInvoker(DaprClient dapr, string callerAppId, DaprAdapterOptions adapterOptions, ILogger<DaprServiceInvoker> logger)
    {
        ArgumentNullException.ThrowIfNull(adapterOptions);
        this.dapr = dapr;
        this.callerAppId = callerAppId;
        this.adapterOptions = adapterOptions;
        this.logger = logger;
        retrying = new ResiliencePipelineBuilder<InvocationResponse>()
            .AddRetry(new RetryStrategyOptions<InvocationResponse>
            {
                ShouldHandle = new PredicateBuilder<InvocationResponse>()
                    .Handle<HttpRequestException>()
                    .Handle<InvocationException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => TransientStatuses.Contains(response.StatusCode)),
                MaxRetryAttempts = Math.Max(1, adapterOptions.InvocationMaxRetries),
                Delay = adapterOptions.InvocationRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogInformation("Retrying invocation (attempt {Attempt}): {Outcome}", args.AttemptNumber + 1,
                        args.Outcome.Exception?.GetType().Name ?? args.Outcome.Result?.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public async Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentNullException.ThrowIfNull(path);
        var payload = body switch
        {
            null => "{}"u8.ToArray(),
            byte[] raw => raw,
            _ => JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), RetailJson.Storage),
        };
        var headers = Headers(options);
        var timeout = options?.Timeout ?? adapterOptions.InvocationTimeout;
        var dependency = $"{appId}/{path.TrimStart('/')}";

        try
        {
            // The timeout wraps each attempt, so a retried call gets a full budget every time.
            return options?.IdempotencyKey is null
                ? await AttemptWithTimeoutAsync(appId, path, payload, headers, timeout, cancellationToken)
                : await retrying.ExecuteAsync(
                    async token => await AttemptWithTimeoutAsync(appId, path, payload, headers, timeout, token), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvocationException or TimeoutRejectedException)
        {
            logger.LogWarning(ex, "Invocation of {Dependency} failed", dependency);
            throw new DependencyUnavailableException(dependency, ex);
        }
    }

    private async Task<InvocationResponse> AttemptWithTimeoutAsync(string appId, string path, byte[] payload,
        List<KeyValuePair<string, string>> headers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await AttemptAsync(appId, path, payload, headers, timeoutSource.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutRejectedException($"no answer within {timeout}", timeout, ex);
        }
    }

    private async Task<InvocationResponse> AttemptAsync(string appId, string path, byte[] payload,
        List<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        using var request = dapr.CreateInvokeMethodRequest(HttpMethod.Post, appId, path.TrimStart('/'));
        request.Content = new ByteArrayContent(payload);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        // The SDK marks this obsolete in favour of a raw HttpClient, but it is the call that uses the client's own
        // sidecar endpoint and API token, which is what keeps this adapter configuration-free.
#pragma warning disable CS0618
        using var response = await dapr.InvokeMethodWithResponseAsync(request, cancellationToken);
#pragma warning restore CS0618
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new InvocationResponse((int)response.StatusCode, bytes, response.Content.Headers.ContentType?.ToString());
    }

    private List<KeyValuePair<string, string>> Headers(InvocationOptions? options)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (options?.Headers is { } extra)
        {
            foreach (var (name, value) in extra)
            {
                headers[name] = value;
            }
        }
        if (options?.Orgcode is { } orgcode)
        {
            headers["x-orgcode"] = orgcode;
        }
        if (options?.IdempotencyKey is { } key)
        {
            headers["Idempotency-Key"] = key;
        }
        // One request id for every attempt, so the callee's logs tie the retries together.
        if (!headers.ContainsKey("x-request-id"))
        {
            headers["x-request-id"] = Ids.New();
        }
        // Informational only: the callee trusts dapr-caller-app-id, which its own sidecar sets and no caller can forge.
        headers[CallerAppIdHeader] = callerAppId;
        return [.. headers];
    }
}
