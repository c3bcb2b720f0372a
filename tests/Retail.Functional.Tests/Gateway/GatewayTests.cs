using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Ucp;
using Retail.Gateway;
using Retail.Shared.Contract;
using Retail.Shared.Hosting;

namespace Retail.Functional.Tests.Gateway;

/// <summary>UCP's host (identity, OFM, CRM, UCP) behind the stand-in sidecar and one gateway with the repository's settings.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public RetailHostFactory Host { get; } = ServiceHost.Start([.. UcpHost.Modules, "mrs"]);

    public HttpClient Operator { get; private set; } = null!;

    public InvocationSidecar Sidecar { get; private set; } = null!;

    public WebApplication Gateway { get; private set; } = null!;

    public Task<UcpOrg> NewOrgAsync(string prefix) => UcpSteps.NewOrgAsync(Host, Operator, prefix);

    public async ValueTask InitializeAsync()
    {
        Operator = Host.CreateOperatorClient();
        Sidecar = await InvocationSidecar.StartAsync(() => Host.CreateClient());
        Gateway = await GatewayApps.StartAsync(Sidecar.Url);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sidecar.DisposeAsync();
        Operator.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// Issue 23, one front door in Dapr mode: the gateway serves the host's paths and root documents through the sidecar
/// (<c>dapr-app-id</c>), so a client cannot tell the two apart; it strips what would claim trust, rate-limits per caller and
/// per org, enforces the body limits before forwarding, and answers its own failures as the contract's problems.
/// </summary>
public sealed class GatewayTests(GatewayFixture front) : IClassFixture<GatewayFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient GatewayClientAs(HttpClient hostClient)
    {
        var client = front.Gateway.Client();
        foreach (var header in hostClient.DefaultRequestHeaders)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
        }
        return client;
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> Answer(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        if (body is JsonObject problem)
        {
            problem.Remove("request_id");
            problem.Remove("trace_id");
        }
        return (response.StatusCode, body);
    }

    private static Task<HttpResponseMessage> Get(HttpClient client, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task a_client_gets_the_same_answers_and_documents_from_the_gateway_as_from_the_host()
    {
        var org = await front.NewOrgAsync("gwy");
        await org.Post("/ucp/config/set", new { capabilities = new { order = true, identity = true } }).Ok();
        using var owner = GatewayClientAs(org.Owner.Client);

        // An operation, a validation problem and an unknown operation: the same status and body either way.
        var direct = await Answer(org.Owner.Client.Post("/ofm/org/get", new { }, org.Orgcode));
        var relayed = await Answer(owner.Post("/ofm/org/get", new { }, org.Orgcode));
        Assert.Equal(HttpStatusCode.OK, relayed.Status);
        Assert.Equal(direct.Body.ToJsonString(), relayed.Body.ToJsonString());
        direct = await Answer(org.Owner.Client.Post("/ofm/org/get", new { nope = 1 }, org.Orgcode));
        relayed = await Answer(owner.Post("/ofm/org/get", new { nope = 1 }, org.Orgcode));
        Assert.Equal(HttpStatusCode.BadRequest, relayed.Status);
        Assert.Equal(direct.Body.ToJsonString(), relayed.Body.ToJsonString());
        relayed = await Answer(owner.Post("/ofm/no/such/operation", new { }, org.Orgcode));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (relayed.Status, (string?)relayed.Body["code"]));

        // The root documents, naming the address the client used and the /ucp base, as the host's root copies do.
        using var anonymous = front.Gateway.Client();
        using var anonymousHost = front.Host.CreateClient();
        foreach (var path in new[] { "/.well-known/ucp", "/identity/.well-known/oauth-authorization-server" })
        {
            var viaGateway = await Answer(Get(anonymous, path, ("x-orgcode", org.Orgcode)));
            var viaHost = await Answer(Get(anonymousHost, path, ("x-orgcode", org.Orgcode), ("Host", GatewayApps.PublicAddress.Authority)));
            Assert.Equal(HttpStatusCode.OK, viaGateway.Status);
            Assert.Equal(viaHost.Body.ToJsonString(), viaGateway.Body.ToJsonString());
        }
        var metadata = (await Answer(Get(anonymous, "/identity/.well-known/oauth-authorization-server", ("x-orgcode", org.Orgcode)))).Body;
        Assert.Equal("http://gw.example/ucp", (string?)metadata["issuer"]);
        var received = front.Sidecar.Received.Last(r => r.PathAndQuery == "/identity/.well-known/oauth-authorization-server");
        Assert.Equal(("ucp", "/ucp"), (received.AppId, received.Headers["X-Forwarded-Prefix"]));
    }

    [Fact]
    public async Task headers_that_would_claim_the_sidecars_or_an_apps_trust_never_pass_the_gateway()
    {
        using var client = front.Gateway.Client();
        var marker = Guid.NewGuid().ToString("N");
        using var response = await Get(client, "/ofm/stat?m=" + marker,
            ("dapr-api-token", "forged"), ("x-internal-token", "forged"), ("dapr-caller-app-id", "scm"), ("x-caller-app-id", "scm"),
            ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Prefix", "/evil"), ("Forwarded", "host=evil.example"));

        // A forged x-internal-token that reached the app would be refused (401): it never got there.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(front.Sidecar.Received, r => r.PathAndQuery == "/stat?m=" + marker);
        Assert.Equal("ofm", received.AppId);
        Assert.Equal(GatewayApps.DaprApiToken, received.Headers["dapr-api-token"]);
        Assert.Equal(("gw.example", "/ofm", "http"),
            (received.Headers["X-Forwarded-Host"], received.Headers["X-Forwarded-Prefix"], received.Headers["X-Forwarded-Proto"]));
        Assert.DoesNotContain("x-internal-token", received.Headers.Keys, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("x-caller-app-id", received.Headers.Keys, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("dapr-caller-app-id", received.Headers.Keys, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("Forwarded", received.Headers.Keys, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task each_caller_and_each_org_has_its_own_window_and_a_refusal_is_429_rate_limited_that_never_reaches_an_app()
    {
        await using var gateway = await GatewayApps.StartAsync(front.Sidecar.Url,
            "--Gateway:PerCaller:PermitLimit", "3", "--Gateway:PerOrg:PermitLimit", "4");
        using var client = gateway.Client();
        Task<HttpResponseMessage> Call(string key, string? org = null) =>
            org is null ? Get(client, "/ofm/stat", ("x-api-key", key)) : Get(client, "/ofm/stat", ("x-api-key", key), ("x-orgcode", org));

        var a = "key-a-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await Call(a);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }
        var before = front.Sidecar.Received.Count;
        using (var refused = await Call(a))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(int.Parse(refused.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.Equal("rate_limited", JsonNode.Parse(await refused.Content.ReadAsStringAsync(Ct))!["code"]!.GetValue<string>());
        }
        Assert.Equal(before, front.Sidecar.Received.Count);
        using (var other = await Call("key-b-" + Guid.NewGuid().ToString("N")))
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
        }

        // Four calls for one org from two keys use up the org's window; a third key is refused there, not elsewhere.
        var org = "gwo-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var key in new[] { "key-c-" + org, "key-c-" + org, "key-d-" + org, "key-d-" + org })
        {
            using var allowed = await Call(key, org);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }
        using (var orgRefused = await Call("key-e-" + org, org))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, orgRefused.StatusCode);
        }
        using (var otherOrg = await Call("key-e-" + org, org + "x"))
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, otherOrg.StatusCode);
        }
    }

    [Fact]
    public async Task a_body_over_the_limit_is_413_before_anything_is_forwarded_and_an_upload_path_takes_its_own_limit()
    {
        using var client = front.Gateway.Client();
        var marker = Guid.NewGuid().ToString("N");
        var tooLarge = new byte[1024 * 1024 + 1];

        using (var declared = await client.PostAsync("/ofm/org/create?m=" + marker, Json(tooLarge), Ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
            var problem = JsonNode.Parse(await declared.Content.ReadAsStringAsync(Ct))!;
            Assert.Equal(("payload_too_large", 1048576L), ((string?)problem["code"], (long)problem["max_bytes"]!));
        }
        using (var chunked = await client.PostAsync("/ofm/org/create?m=" + marker, Chunked(tooLarge), Ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        }
        Assert.DoesNotContain(front.Sidecar.Received, r => r.PathAndQuery.Contains(marker, StringComparison.Ordinal));

        // MRS uploads take up to 32 MiB: two pass through to the app, which answers for itself.
        using var upload = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/mrs/blob/gw-org/{Guid.NewGuid()}?m={marker}") { Content = upload };
        using var uploaded = await client.SendAsync(request, Ct);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, uploaded.StatusCode);
        var received = Assert.Single(front.Sidecar.Received, r => r.PathAndQuery.Contains(marker, StringComparison.Ordinal));
        Assert.Equal(("mrs", 2L * 1024 * 1024), (received.AppId, received.BodyBytes));
    }

    [Fact]
    public async Task an_unknown_app_is_404_and_an_unreachable_sidecar_is_503_dependency_unavailable_and_not_ready()
    {
        using var client = front.Gateway.Client();
        await client.PostJsonAsync("/nosuchapp/thing/get", new { }).Problem(HttpStatusCode.NotFound, "not_found");
        (await Get(client, "/healthz")).EnsureSuccessStatusCode();
        (await Get(client, "/alive")).EnsureSuccessStatusCode();

        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        await using var stranded = await GatewayApps.StartAsync(closed);
        using var strandedClient = stranded.Client();
        await strandedClient.PostJsonAsync("/ofm/org/get", new { }).Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        using var health = await Get(strandedClient, "/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public async Task the_gateway_serves_every_app_of_the_module_list_every_root_document_and_every_larger_body_limit_of_the_host()
    {
        var options = front.Gateway.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var modules = ((IEnumerable<IServiceModule>)Assembly.Load("Retail.Host").GetType("Retail.Host.HostModules", throwOnError: true)!
            .GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!).Select(m => m.AppId).ToList();
        Assert.Equal(modules.Order(), options.Apps.Order());

        await using var full = new RetailHostFactory();
        var endpoints = full.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata))
            .Where(e => e.Metadata.GetMetadata<ServiceModuleMetadata>() is not null)
            .ToList();
        var rootDocuments = endpoints
            .Where(e => !e.Path.StartsWith("/" + e.Metadata.GetMetadata<ServiceModuleMetadata>()!.AppId + "/", StringComparison.Ordinal))
            .Select(e => (e.Path, e.Metadata.GetMetadata<ServiceModuleMetadata>()!.AppId)).Distinct().Order().ToList();
        Assert.NotEmpty(rootDocuments);
        Assert.Equal(rootDocuments, options.RootRoutes.Select(r => (r.Path, r.App)).Order().ToList());

        var ownLimits = endpoints
            .Where(e => e.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize is not null
                && e.Metadata.GetMetadata<AccessRequirement>()?.Kind != AccessKind.Internal)
            .ToList();
        Assert.NotEmpty(ownLimits);
        foreach (var (path, metadata) in ownLimits)
        {
            var limit = metadata.GetMetadata<IRequestSizeLimitMetadata>()!.MaxRequestBodySize!.Value;
            Assert.True(GatewayBodyLimitMiddleware.LimitFor(options, path) >= limit, $"{path} takes {limit} bytes; the gateway allows less");
        }
    }

    [Fact]
    public async Task the_operator_cli_bootstraps_an_org_through_the_gateway_and_reads_it_back_as_the_host_answers_it()
    {
        var orgcode = OfmSteps.NewOrgcode("gwcli");
        var config = Path.Combine(front.Host.DataDir, "cli-" + Guid.NewGuid().ToString("N")[..8]);
        async Task<(int Exit, string Out, string Error)> Cli(HttpMessageHandler handler, string url, params string[] args)
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await Retail.Cli.CliApp.RunAsync(["--url", url, "--api-key", RetailHostFactory.OperatorKey, .. args], stdout, stderr, handler, config, Ct);
            return (exit, stdout.ToString(), stderr.ToString());
        }

        var viaGateway = front.Gateway.GetTestServer().CreateHandler();
        var bootstrap = await Cli(viaGateway, "http://gw.example", "bootstrap", "--org", orgcode, "--owner-email", $"owner-{orgcode}@example.com", "--json");
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        Assert.Equal(new[] { "created", "activated" }, JsonNode.Parse(bootstrap.Out)!["steps"]!.AsArray()
            .Select(step => (string?)step!["outcome"]).Where(o => o is "created" or "activated").Distinct().ToArray());

        var fromGateway = await Cli(viaGateway, "http://gw.example", "--org", orgcode, "--json", "org", "get");
        var fromHost = await Cli(front.Host.Server.CreateHandler(), "http://localhost", "--org", orgcode, "--json", "org", "get");
        Assert.True(fromGateway.Exit == 0, fromGateway.ToString());
        Assert.Equal(fromHost.Out, fromGateway.Out);
        Assert.Equal("active", (string?)JsonNode.Parse(fromGateway.Out)!["status"]);

        // A problem reads the same too: the code on stderr, exit 1.
        var missing = await Cli(viaGateway, "http://gw.example", "--org", orgcode + "-none", "org", "get");
        var missingOnHost = await Cli(front.Host.Server.CreateHandler(), "http://localhost", "--org", orgcode + "-none", "org", "get");
        Assert.Equal((missingOnHost.Exit, missingOnHost.Error), (missing.Exit, missing.Error));
        Assert.NotEqual(0, missing.Exit);
    }

    private static ByteArrayContent Json(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static StreamContent Chunked(byte[] bytes)
    {
        var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A body without a Content-Length, as a client streaming it sends.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
