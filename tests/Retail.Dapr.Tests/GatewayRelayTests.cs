using System.Net;
using System.Text.Json.Nodes;

namespace Retail.Dapr.Tests;

/// <summary>
/// The app's side of the front door in Dapr mode. Every call a sidecar delivers carries the app API token; one the
/// gateway relayed (<c>dapr-caller-app-id: gateway</c>) is served as the client's own credentials, never as an internal
/// caller, and only such a call may set the forwarded headers the app builds its URLs from.
/// </summary>
public sealed class GatewayRelayTests : IAsyncLifetime
{
    private const string OperatorKey = "relay-operator-key";
    private const string AppApiToken = "relay-app-api-token";

    private DaprModeHost host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => host = await DaprModeHost.StartAsync("ipm", OperatorKey, ("APP_API_TOKEN", AppApiToken));

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Send(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await host.Client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task a_call_the_gateway_relays_is_served_as_the_clients_own_credentials_and_never_as_an_internal_caller()
    {
        const string verify = "/ipm/orgdata/verify";
        var org = ("x-orgcode", "relayorg");

        // Another app's call through its sidecar is internal: the org-data port answers it.
        var internalCall = await Send(HttpMethod.Post, verify, org, ("dapr-api-token", AppApiToken), ("dapr-caller-app-id", "utl"));
        Assert.Equal(HttpStatusCode.OK, internalCall.Status);

        // The same token on a call the gateway relayed proves only the hop: without a credential of its own it is 401.
        var relayed = await Send(HttpMethod.Post, verify, org, ("dapr-api-token", AppApiToken), ("dapr-caller-app-id", "gateway"));
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthenticated"), (relayed.Status, (string?)relayed.Body!["code"]));

        // A relayed call with the wrong token is refused before anything else.
        var forged = await Send(HttpMethod.Post, verify, org, ("dapr-api-token", "not-the-token"), ("dapr-caller-app-id", "gateway"), ("x-api-key", OperatorKey));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);

        // The client's own credential, relayed, is served as that client: here the operator.
        var asOperator = await Send(HttpMethod.Post, verify, org, ("dapr-api-token", AppApiToken), ("dapr-caller-app-id", "gateway"), ("x-api-key", OperatorKey));
        Assert.Equal(HttpStatusCode.OK, asOperator.Status);
    }

    [Fact]
    public async Task only_a_relayed_call_names_the_address_and_base_the_client_used()
    {
        (string, string)[] forwarded = [("X-Forwarded-Host", "gw.example"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Prefix", "/edge")];

        var relayed = await Send(HttpMethod.Get, "/openapi/ofm.json", [("dapr-api-token", AppApiToken), ("dapr-caller-app-id", "gateway"), .. forwarded]);
        Assert.Equal(HttpStatusCode.OK, relayed.Status);
        Assert.Equal("https://gw.example/edge", (string?)relayed.Body!["servers"]![0]!["url"]);

        foreach (var caller in new[] { "utl", null })
        {
            (string, string)[] headers = caller is null ? forwarded : [("dapr-api-token", AppApiToken), ("dapr-caller-app-id", caller), .. forwarded];
            var other = await Send(HttpMethod.Get, "/openapi/ofm.json", headers);
            Assert.Equal(HttpStatusCode.OK, other.Status);
            Assert.DoesNotContain("gw.example", (string?)other.Body!["servers"]![0]!["url"], StringComparison.Ordinal);
        }
    }
}
