using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Retail.Shared.Contract;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Json;

namespace Retail.Shared.Embedded;

/// <summary>
/// Service invocation in the single-process host: an HTTP call to the host's own <c>/{app-id}/{path}</c>,
/// authenticated with the in-process internal credential. In WebApplicationFactory tests the named client's
/// handler is the test server's, so the same path is exercised.
/// </summary>
public sealed class SelfHttpServiceInvoker(
    IHttpClientFactory clients,
    IServiceProvider services,
    IOptions<RetailOptions> options,
    InternalCredential credential,
    IHttpContextAccessor accessor) : IServiceInvoker
{
    private Uri? _base;

    public async Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? invocation = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress(), $"{appId}/{path.TrimStart('/')}"));
        request.Content = new ByteArrayContent(body is null ? "{}"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), RetailJson.Api));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var caller = accessor.HttpContext?.RequestServices.GetService<RequestContext>();
        request.Headers.Add(CredentialHeaders.InternalToken, credential.Token);
        request.Headers.Add(CredentialHeaders.CallerAppId, caller?.AppId ?? "system");
        if ((invocation?.Orgcode ?? caller?.Orgcode) is { } org)
        {
            request.Headers.Add(CredentialHeaders.Orgcode, org);
        }
        if (caller?.RequestId is { Length: > 0 } requestId)
        {
            request.Headers.Add(CredentialHeaders.RequestId, requestId);
        }
        if (invocation?.IdempotencyKey is { } key)
        {
            request.Headers.Add(CredentialHeaders.IdempotencyKey, key);
        }
        foreach (var (name, value) in invocation?.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(invocation?.Timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            using var response = await clients.CreateClient(EmbeddedTransportRegistration.SelfClient).SendAsync(request, timeout.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return new InvocationResponse((int)response.StatusCode, bytes, response.Content.Headers.ContentType?.MediaType);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DependencyUnavailableException(appId, ex);
        }
    }

    private Uri BaseAddress()
    {
        if (_base is not null)
        {
            return _base;
        }
        var configured = options.Value.SelfUrl;
        if (string.IsNullOrEmpty(configured))
        {
            var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
            var bound = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault();
            if (bound is null)
            {
                // The server is not listening yet (a workflow recovering at start-up calls before it is): answer a guess for this
                // call only, so the address is learnt once the server has bound it.
                return new Uri("http://localhost/");
            }
            configured = bound.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
        }
        return _base = new Uri(configured.TrimEnd('/') + "/");
    }
}
