using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Retail.Cli;

/// <summary>An RFC 9457 problem the API answered, with its HTTP status (which decides the exit code) and its stable <c>code</c>.</summary>
public sealed class ApiProblemException(HttpStatusCode status, JsonElement problem)
    : Exception($"{CodeOf(problem)}: {DetailOf(problem)}")
{
    public HttpStatusCode Status { get; } = status;

    public JsonElement Problem { get; } = problem;

    public string Code => CodeOf(Problem);

    public string Detail => DetailOf(Problem);

    private static string CodeOf(JsonElement problem) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
            ? code.GetString()!
            : "http_error";

    private static string DetailOf(JsonElement problem)
    {
        if (problem.ValueKind != JsonValueKind.Object)
        {
            return problem.ToString();
        }
        var detail = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()
            : problem.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "";
        // A validation problem's fields say what to fix; the detail alone only says that something is wrong.
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            var fields = errors.EnumerateObject().Select(f => $"{f.Name} {string.Join("; ", f.Value.EnumerateArray().Select(m => m.GetString()))}");
            detail = $"{detail} ({string.Join(", ", fields)})";
        }
        return detail ?? "";
    }
}

/// <summary>A mistake in the command line or the local setup (exit 2), found before anything is sent.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>No credential to send (exit 4): nothing is sent, since every operation the CLI offers needs one.</summary>
public sealed class NoCredentialsException() : Exception("no credentials: run `retail login`, or pass --api-key, or add a profile with a key");

/// <summary>
/// The JSON-over-POST calls of the stack as a client makes them: the credential in <c>x-api-key</c> or <c>x-session-guid</c>, the org
/// in <c>x-orgcode</c>, and any non-success answer raised as an <see cref="ApiProblemException"/>.
/// </summary>
public sealed class RetailApi(HttpClient http, Uri baseUrl, string? apiKey, string? sessionGuid, string? orgcode)
{
    public string? Orgcode { get; } = orgcode;

    public bool HasCredentials => apiKey is not null || sessionGuid is not null;

    /// <summary>Whether the caller presents a key (the operator or a service account) rather than a user's session.</summary>
    public bool UsesApiKey => apiKey is not null;

    public string RequireOrg() =>
        Orgcode ?? throw new UsageException("no org: pass --org, or set one on the profile (retail profile add NAME --org CODE)");

    public Uri Resolve(string path) => new(baseUrl, path.TrimStart('/'));

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> (for example <c>/ofm/org/get</c>) and answers the JSON body.</summary>
    public async Task<JsonElement> PostAsync(string path, object body, CancellationToken ct, string? org = null, bool orgScoped = true)
    {
        if (!HasCredentials)
        {
            throw new NoCredentialsException();
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, Resolve(path)) { Content = JsonContent.Create(body, options: Output.Json) };
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }
        else
        {
            request.Headers.Add("x-session-guid", sessionGuid);
        }
        if (orgScoped && (org ?? Orgcode) is { } scope)
        {
            request.Headers.Add("x-orgcode", scope);
        }
        return await SendAsync(request, ct);
    }

    /// <summary>POSTs without any credential: sign-in itself.</summary>
    public async Task<JsonElement> PostAnonymousAsync(string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Resolve(path)) { Content = JsonContent.Create(body, options: Output.Json) };
        return await SendAsync(request, ct);
    }

    /// <summary>PUTs a gzip body to a presigned MRS URL: the signature is the credential, so none is sent.</summary>
    public async Task PutPresignedAsync(string url, HttpContent content, CancellationToken ct)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(baseUrl, url)) { Content = content };
        using var response = await http.SendAsync(request, ct);
        await ThrowIfProblemAsync(response, ct);
    }

    /// <summary>GETs a presigned MRS download URL, answering the response for the caller to stream.</summary>
    public async Task<HttpResponseMessage> GetPresignedAsync(string url, CancellationToken ct)
    {
        var response = await http.GetAsync(new Uri(baseUrl, url), HttpCompletionOption.ResponseHeadersRead, ct);
        try
        {
            await ThrowIfProblemAsync(response, ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, ct);
        await ThrowIfProblemAsync(response, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task ThrowIfProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page): keep the status, say what came back.
            problem = JsonSerializer.SerializeToElement(new { code = $"http_{(int)response.StatusCode}", detail = text.Length > 200 ? text[..200] : text });
        }
        throw new ApiProblemException(response.StatusCode, problem);
    }
}
