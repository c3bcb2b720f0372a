using System.Net;
using System.Text;
using System.Text.Json;

namespace Retail.Shared.Invocation;

/// <summary>
/// Another service refused the call with a 4xx problem: a business answer the caller turns into its own problem (or a
/// workflow into a compensation). Retrying it changes nothing.
/// </summary>
/// <param name="Code">The problem's <c>code</c>, or <c>http_{status}</c> when it had none.</param>
public sealed class ServiceRefusedException(string app, string path, int status, string code, string? detail, JsonElement? problem)
    : Exception($"{app}{path} refused with {status} {code}: {detail}")
{
    public string App { get; } = app;

    public int Status { get; } = status;

    public string Code { get; } = code;

    public string? Detail { get; } = detail;

    /// <summary>The whole problem document (its extensions, such as <c>shortfalls</c>), when it was JSON.</summary>
    public JsonElement? Problem { get; } = problem;
}

/// <summary>
/// Typed calls over <see cref="IServiceInvoker"/>: 2xx is read as the answer; 404 is null for <see cref="GetOrNullAsync{T}"/>;
/// another 4xx (but 408 and 429) is <see cref="ServiceRefusedException"/>; anything else (unreachable, 5xx, 408, 429) is
/// <see cref="DependencyUnavailableException"/>, which a workflow activity retries and the contract answers 503.
/// </summary>
public static class InvocationCalls
{
    public static async Task<T?> GetOrNullAsync<T>(this IServiceInvoker invoker, string app, string path, object body, InvocationOptions options,
        CancellationToken ct) where T : class
    {
        var answer = await invoker.InvokeAsync(app, path, body, options, ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        return answer.IsSuccess ? answer.ReadAs<T>() : throw Failed(app, path, answer);
    }

    public static async Task<T> SendAsync<T>(this IServiceInvoker invoker, string app, string path, object body, InvocationOptions options,
        CancellationToken ct)
    {
        var answer = await invoker.InvokeAsync(app, path, body, options, ct);
        return answer.IsSuccess ? answer.ReadAs<T>() : throw Failed(app, path, answer);
    }

    /// <summary>The exception for an answer that was not 2xx (see the class summary).</summary>
    public static Exception Failed(string app, string path, InvocationResponse answer)
    {
        if (answer.StatusCode is >= 400 and < 500 and not 408 and not 429)
        {
            var problem = ProblemOf(answer.Body);
            string? Text(string name) => problem is { } p && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new ServiceRefusedException(app, path, answer.StatusCode, Text("code") ?? $"http_{answer.StatusCode}", Text("detail"), problem);
        }
        return new DependencyUnavailableException(app,
            new HttpRequestException($"{app}{path} answered {answer.StatusCode}: {Encoding.UTF8.GetString(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, 300)))}"));
    }

    private static JsonElement? ProblemOf(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
