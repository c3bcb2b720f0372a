using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;

namespace Retail.Functional.Tests.Infrastructure;

/// <summary>
/// The single-process host in memory on its own temporary data folder: every module, or only those
/// <see cref="Modules"/> names. Start a second factory on the same <see cref="DataDir"/> to test what survives a restart.
/// </summary>
public sealed class RetailHostFactory : WebApplicationFactory<Program>
{
    public const string OperatorKey = "test-operator-key";

    private readonly bool _ownsDataDir;

    public RetailHostFactory(string? dataDir = null)
    {
        _ownsDataDir = dataDir is null;
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDir);
    }

    public string DataDir { get; }

    public Mailbox Mailbox => new(Path.Combine(DataDir, "mailbox"));

    /// <summary>Extra configuration for one test (for example shorter token lifetimes).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>
    /// The app ids to boot, read by the host's module list through <see cref="RetailApp.ModulesKey"/>; every module when
    /// null. Name what the test calls and what those modules call: USM signs in through UAS, and every org-scoped call
    /// asks OFM, the org directory.
    /// </summary>
    public IReadOnlyList<string>? Modules { get; init; }

    /// <summary>UAS and USM: accounts and sign-in, no orgs.</summary>
    public static IReadOnlyList<string> Identity { get; } = ["uas", "usm"];

    /// <summary>Identity and OFM: what any org-scoped call needs.</summary>
    public static IReadOnlyList<string> Orgs { get; } = ["uas", "usm", "ofm"];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Retail:DataDir", DataDir);
        builder.UseSetting("Retail:OperatorKey", OperatorKey);
        builder.UseSetting("Retail:Events:PollInterval", "00:00:00.200");
        // Outbound webhooks refuse loopback and private addresses; tests deliver to a WebhookReceiver on 127.0.0.1, as local
        // development would. A test of the refusal sets this to "" in Settings.
        builder.UseSetting("Retail:Webhooks:AllowedAddresses", "127.0.0.1");
        if (Modules is not null)
        {
            builder.UseSetting(RetailApp.ModulesKey, string.Join(',', Modules));
        }
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            // Service invocation goes through the test server, exactly as it would go over loopback.
            services.AddHttpClient(EmbeddedTransportRegistration.SelfClient)
                .ConfigurePrimaryHttpMessageHandler(sp => new TestServerHandler((TestServer)sp.GetRequiredService<IServer>()));
            // CI runs many hosts at once on two cores: a graceful stop may take longer than the default 30 s there, and a
            // stop cut short by that timeout fails the test class for nothing the class observed.
            services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
            ConfigureServices?.Invoke(services);
        });
    }

    /// <summary>
    /// The business events of <paramref name="type"/> that <paramref name="app"/> committed for <paramref name="orgcode"/>, in commit
    /// order: its outbox, as a consumer receives them.
    /// </summary>
    public IReadOnlyList<System.Text.Json.JsonElement> OutboxEvents(string app, string orgcode, string type) => ReadOutbox(app, type, orgcode);

    /// <summary>The business events of <paramref name="type"/> committed outside any org scope (OFM's org records), in commit order.</summary>
    public IReadOnlyList<System.Text.Json.JsonElement> UnscopedOutboxEvents(string app, string type) => ReadOutbox(app, type, null);

    private IReadOnlyList<System.Text.Json.JsonElement> ReadOutbox(string app, string type, string? orgcode)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDir, "state", $"{app}.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = orgcode is null
            ? "SELECT data FROM outbox WHERE type = $type AND orgcode IS NULL ORDER BY seq"
            : "SELECT data FROM outbox WHERE type = $type AND orgcode = $orgcode ORDER BY seq";
        command.Parameters.AddWithValue("$type", type);
        if (orgcode is not null)
        {
            command.Parameters.AddWithValue("$orgcode", orgcode);
        }
        using var reader = command.ExecuteReader();
        var events = new List<System.Text.Json.JsonElement>();
        while (reader.Read())
        {
            events.Add(System.Text.Json.JsonDocument.Parse((byte[])reader["data"]).RootElement.Clone());
        }
        return events;
    }

    /// <summary>A client that presents the operator key.</summary>
    public HttpClient CreateOperatorClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", OperatorKey);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDataDir)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TryDelete(DataDir);
        }
        GC.SuppressFinalize(this);
    }

    public static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection; the temp folder is cleaned by the OS later.
        }
    }
}

/// <summary>
/// The test server's handler, taken when the first call is sent rather than when the client factory builds the pipeline: a
/// workflow recovering at start-up calls before the server has started, and the factory would keep that failure for the
/// handler's lifetime. A call before the start fails like a refused connection (the caller retries).
/// </summary>
internal sealed class TestServerHandler(TestServer server) : HttpMessageHandler
{
    private HttpMessageInvoker? _inner;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_inner is null)
        {
            try
            {
                _inner = new HttpMessageInvoker(server.CreateHandler());
            }
            catch (InvalidOperationException ex)
            {
                throw new HttpRequestException("the test server has not started yet", ex);
            }
        }
        return _inner.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner?.Dispose();
        }
        base.Dispose(disposing);
    }
}
