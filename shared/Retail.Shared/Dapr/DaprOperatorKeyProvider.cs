using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Retail.Shared.Contract;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;

namespace Retail.Shared.Dapr;

/// <summary>
/// The operator key from the Dapr secret store (secret <c>operator-key</c>), reused for a short while so that
/// authentication does not call the sidecar on every request, yet a rotated key takes effect soon.
/// </summary>
public sealed class DaprOperatorKeyProvider(
    DaprClient dapr,
    RetailOptions options,
    DaprAdapterOptions adapterOptions,
    TimeProvider timeProvider,
    ILogger<DaprOperatorKeyProvider> logger) : IOperatorKeyProvider
{
    public const string SecretName = "operator-key";

    private readonly string storeName = options?.SecretStoreName ?? throw new ArgumentNullException(nameof(options));
    private CachedKey? cached;

    public async ValueTask<string?> GetOperatorKeyAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (cached is { } hit && hit.ExpiresAt > now)
        {
            return hit.Key;
        }
        var key = await ReadAsync(cancellationToken);
        cached = new CachedKey(key, now + adapterOptions.OperatorKeyCacheDuration);
        return key;
    }

    private async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, string> secret;
        try
        {
            secret = await dapr.GetSecretAsync(storeName, SecretName, cancellationToken: cancellationToken);
        }
        catch (DaprException ex) when (IsNotFound(ex))
        {
            logger.LogWarning("No {Secret} in secret store {Store}: operator keys are refused", SecretName, storeName);
            return null;
        }
        catch (DaprException ex)
        {
            // Fail closed: the caller answers 503 rather than guessing.
            throw new DependencyUnavailableException(storeName, ex);
        }
        // A file or Kubernetes store answers { "operator-key": value }; a store with one value per secret may name it otherwise.
        var value = secret.TryGetValue(SecretName, out var named) ? named : secret.Values.FirstOrDefault();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static bool IsNotFound(DaprException ex) => DaprFailures.Rpc(ex) is { } rpc
        && (rpc.StatusCode == StatusCode.NotFound || rpc.Status.Detail.Contains("not found", StringComparison.OrdinalIgnoreCase));

    private sealed record CachedKey(string? Key, DateTimeOffset ExpiresAt);
}
