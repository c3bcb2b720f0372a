using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Retail.Dapr.Tests.Fakes;
using Retail.Shared.Dapr;

namespace Retail.Dapr.Tests;

/// <summary>
/// The whole single-process host in Dapr mode against a fake sidecar, on its own data folder, with the operator key in the
/// sidecar's secret store; <c>settings</c> adds configuration (an <c>APP_API_TOKEN</c>, say).
/// </summary>
public sealed class DaprModeHost : IAsyncDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "retail-dapr-tests", Guid.NewGuid().ToString("N"));

    private DaprModeHost(FakeSidecarHost sidecar) => Sidecar = sidecar;

    public FakeSidecarHost Sidecar { get; }

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static async Task<DaprModeHost> StartAsync(string appId, string operatorKey, params (string Key, string Value)[] settings)
    {
        var sidecar = await FakeSidecarHost.StartAsync();
        sidecar.Sidecar.AppId = appId;
        sidecar.Sidecar.Secrets[DaprOperatorKeyProvider.SecretName] = new() { [DaprOperatorKeyProvider.SecretName] = operatorKey };
        var host = new DaprModeHost(sidecar);
        host.Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Retail:Mode", "Dapr");
            builder.UseSetting("Retail:DataDir", host._dataDir);
            builder.UseSetting("DAPR_GRPC_ENDPOINT", sidecar.GrpcEndpoint.ToString());
            builder.UseSetting("DAPR_HTTP_ENDPOINT", sidecar.HttpEndpoint.ToString());
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        host.Client = host.Factory.CreateClient();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Sidecar.DisposeAsync();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
