using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Retail.Functional.Tests.Contract;
using Retail.Functional.Tests.Infrastructure;
using Retail.Mrs;
using Retail.Ofm;
using Retail.Shared.Contract;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;

namespace Retail.Functional.Tests.Collaboration;

/// <summary>
/// MRS, OFM (members and teams, for inbox assignees) and the two collaboration probes on a test server, with the contract host's org directory stand-in and named
/// service accounts <c>sa:{org}:{role}:{name}</c>, so two members of one org are two different people.
/// </summary>
public sealed class CollaborationHost : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));

    /// <summary>When set, service invocation fails as if MRS and OFM were down.</summary>
    public bool DependenciesDown { get; set; }

    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retail:DataDir"] = _dataDir,
            ["Retail:OperatorKey"] = RetailHostFactory.OperatorKey,
            ["Retail:Events:PollInterval"] = "00:00:00.200",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        IServiceModule[] modules = [new MrsModule(), new OfmModule(), new CollaborationProbeModule(), new CollaborationLiteModule()];
        builder.AddRetail(modules);
        builder.Services.AddSingleton(this);
        builder.Services.AddSingleton<ICredentialResolver, NamedServiceAccounts>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IOrgDirectory, TestOrgDirectory>());
        builder.Services.AddHttpClient(EmbeddedTransportRegistration.SelfClient)
            .ConfigurePrimaryHttpMessageHandler(sp => ((TestServer)sp.GetRequiredService<IServer>()).CreateHandler());
        builder.Services.AddSingleton<SelfHttpServiceInvoker>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IServiceInvoker>(sp =>
            new SwitchableInvoker(sp.GetRequiredService<SelfHttpServiceInvoker>(), sp.GetRequiredService<CollaborationHost>())));
        _app = builder.Build();
        _app.UseRetail(modules, prefixed: true);
        await _app.StartAsync();
    }

    public HttpClient Anonymous() => App.GetTestClient();

    /// <summary>A service account of <paramref name="orgcode"/> with <paramref name="role"/>; <paramref name="name"/> tells people apart.</summary>
    public HttpClient As(string orgcode, Role role, string name = "a")
    {
        var client = App.GetTestClient();
        client.DefaultRequestHeaders.Add("x-api-key", $"sa:{orgcode}:{role.ToString().ToLowerInvariant()}:{name}");
        client.DefaultRequestHeaders.Add("x-orgcode", orgcode);
        return client;
    }

    public static string PrincipalOf(string orgcode, Role role, string name = "a") => $"sa-{orgcode}-{role.ToString().ToLowerInvariant()}-{name}";

    /// <summary>Makes the org in OFM (as the operator) with a fresh owner, who counts as a member; returns the owner's user guid.</summary>
    public async Task<string> OwnerAsync(string orgcode)
    {
        var owner = Guid.CreateVersion7().ToString();
        var @operator = App.GetTestClient();
        @operator.DefaultRequestHeaders.Add("x-api-key", RetailHostFactory.OperatorKey);
        await @operator.Post("/ofm/org/create", new { orgcode, legal_name = orgcode, owner_user_guid = owner }).Ok(HttpStatusCode.Created);
        return owner;
    }

    /// <summary>A team of the org in OFM; returns its guid.</summary>
    public async Task<string> TeamAsync(string orgcode) =>
        (await As(orgcode, Role.Admin).Post("/ofm/team/create", new { team_code = "crew-" + Guid.NewGuid().ToString("N")[..8], name = "Crew" })
            .Ok(HttpStatusCode.Created)).GetProperty("team_guid").GetString()!;

    public CollaborationEventsReceived Events => App.Services.GetRequiredService<CollaborationEventsReceived>();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        RetailHostFactory.TryDelete(_dataDir);
    }
}

internal sealed class NamedServiceAccounts : ICredentialResolver
{
    public ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken)
    {
        var key = httpContext.Request.Headers["x-api-key"].ToString();
        var parts = key.Split(':');
        if (parts.Length != 4 || parts[0] != "sa" || !Enum.TryParse<Role>(parts[2], ignoreCase: true, out var role))
        {
            return ValueTask.FromResult(key.StartsWith("sa:", StringComparison.Ordinal) ? CredentialResult.Rejected : CredentialResult.NotMine);
        }
        return ValueTask.FromResult(CredentialResult.Ok(new Principal($"sa-{parts[1]}-{parts[2]}-{parts[3]}", PrincipalKind.ServiceAccount, parts[1], role)));
    }
}

/// <summary>Service invocation that can be switched off, as an unreachable sidecar or host would be.</summary>
internal sealed class SwitchableInvoker(IServiceInvoker inner, CollaborationHost host) : IServiceInvoker
{
    public Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        host.DependenciesDown
            ? throw new DependencyUnavailableException(appId, new HttpRequestException("connection refused", null, HttpStatusCode.ServiceUnavailable))
            : inner.InvokeAsync(appId, path, body, options, cancellationToken);
}

public static class CollaborationCalls
{
    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object body) =>
        client.PostJsonAsync(path, body, HttpJson.Headers(("Idempotency-Key", Guid.NewGuid().ToString())));
}
