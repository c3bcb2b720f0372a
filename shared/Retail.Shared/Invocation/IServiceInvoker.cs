using System.Text.Json;
using Retail.Shared.Json;

namespace Retail.Shared.Invocation;

/// <summary>Calls another service's operation: Dapr service invocation, or HTTP to the host itself.</summary>
public interface IServiceInvoker
{
    Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
        CancellationToken cancellationToken = default);
}

/// <summary>
/// The caller's context travels with the call. <see cref="IdempotencyKey"/> should be deterministic
/// for system calls (for example "{workflow_instance_id}:{step}") so a retried call has its effect once.
/// </summary>
public sealed record InvocationOptions(
    string? Orgcode = null,
    string? IdempotencyKey = null,
    TimeSpan? Timeout = null,
    IReadOnlyDictionary<string, string>? Headers = null);

public sealed record InvocationResponse(int StatusCode, byte[] Body, string? ContentType)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public T ReadAs<T>() =>
        JsonSerializer.Deserialize<T>(Body, RetailJson.Storage) ?? throw new JsonException($"empty {typeof(T).Name} response");
}

/// <summary>The dependency could not be reached (timeout, connection refused, circuit open).</summary>
public sealed class DependencyUnavailableException(string dependency, Exception? inner = null)
    : Exception($"{dependency} is unavailable", inner)
{
    public string Dependency { get; } = dependency;
}
