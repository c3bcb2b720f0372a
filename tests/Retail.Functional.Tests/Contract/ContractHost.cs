using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Contract;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Uas;

namespace Retail.Functional.Tests.Contract;

/// <summary>
/// UAS and the probe module composed by the real hosting pipeline on a test server, with two stand-ins for
/// what USM and OFM will supply: service-account keys <c>sa:{org}:{role}</c>, and org statuses set by the test.
/// </summary>
public sealed class ContractHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ContractHost(WebApplication app, string dataDir)
    {
        _app = app;
        DataDir = dataDir;
    }

    public string DataDir { get; }

    public IServiceProvider Services => _app.Services;

    public TestOrgDirectory Orgs => (TestOrgDirectory)_app.Services.GetRequiredService<IOrgDirectory>();

    public static async Task<ContractHost> StartAsync(string? dataDir = null, int maxBodyBytes = 1024 * 1024, TimeProvider? clock = null)
    {
        dataDir ??= Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retail:DataDir"] = dataDir,
            ["Retail:OperatorKey"] = RetailHostFactory.OperatorKey,
            ["Retail:MaxRequestBodyBytes"] = maxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Retail:Events:PollInterval"] = "00:00:00.200",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        IServiceModule[] modules = [new UasModule(), new ProbeModule()];
        builder.AddRetail(modules);
        builder.Services.AddSingleton<ICredentialResolver, ServiceAccountKeyStandIn>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IOrgDirectory, TestOrgDirectory>());
        if (clock is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(clock));
        }
        builder.Services.AddHttpClient(EmbeddedTransportRegistration.SelfClient)
            .ConfigurePrimaryHttpMessageHandler(sp => ((TestServer)sp.GetRequiredService<IServer>()).CreateHandler());
        var app = builder.Build();
        app.UseRetail(modules, prefixed: true);
        await app.StartAsync();
        return new ContractHost(app, dataDir);
    }

    public HttpClient Client(string? apiKey = null, string? orgcode = null)
    {
        var client = _app.GetTestClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }
        if (orgcode is not null)
        {
            client.DefaultRequestHeaders.Add("x-orgcode", orgcode);
        }
        return client;
    }

    public HttpClient Operator(string? orgcode = null) => Client(RetailHostFactory.OperatorKey, orgcode);

    public HttpClient Account(string orgcode, Role role) => Client($"sa:{orgcode}:{role.ToString().ToLowerInvariant()}");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public void DeleteData()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        RetailHostFactory.TryDelete(DataDir);
    }
}

/// <summary>Stands in for USM's API keys until USM exists: <c>sa:{org}:{role}</c> is a service account of that org.</summary>
internal sealed class ServiceAccountKeyStandIn : ICredentialResolver
{
    public ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken)
    {
        var key = httpContext.Request.Headers["x-api-key"].ToString();
        var parts = key.Split(':');
        if (parts.Length != 3 || parts[0] != "sa" || !Enum.TryParse<Role>(parts[2], ignoreCase: true, out var role))
        {
            return ValueTask.FromResult(key.StartsWith("sa:", StringComparison.Ordinal) ? CredentialResult.Rejected : CredentialResult.NotMine);
        }
        return ValueTask.FromResult(CredentialResult.Ok(new Principal($"sa-{parts[1]}-{parts[2]}", PrincipalKind.ServiceAccount, parts[1], role)));
    }
}

/// <summary>
/// A stand-in for OFM's directory, with org statuses a test can change: the operator and services act in any org,
/// a service account only in its own org with its own role; users have no org role.
/// </summary>
public sealed class TestOrgDirectory : IOrgDirectory
{
    public Dictionary<string, OrgStatus> Statuses { get; } = [];

    public ValueTask<OrgAccess> GetAccessAsync(string orgcode, Principal principal, CancellationToken cancellationToken)
    {
        var access = principal.Kind switch
        {
            PrincipalKind.Operator or PrincipalKind.Service => new OrgAccess(true, OrgStatus.Active, Role.Operator),
            PrincipalKind.ServiceAccount when principal.BoundOrgcode == orgcode => new OrgAccess(true, OrgStatus.Active, principal.BoundRole ?? Role.Viewer),
            _ => OrgAccess.Unknown,
        };
        return ValueTask.FromResult(access.Found && Statuses.TryGetValue(orgcode, out var status) ? access with { Status = status } : access);
    }
}
