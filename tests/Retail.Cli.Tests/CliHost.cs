using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Retail.Cli;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Spectre.Console;

namespace Retail.Cli.Tests;

/// <summary>
/// The single-process host in memory (the modules the CLI drives) on a temporary data folder with a known operator key, as
/// tests/Retail.Functional.Tests' RetailHostFactory starts it; the CLI runs in-process against it through the test server's handler.
/// </summary>
public sealed class CliHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string OperatorKey = "cli-test-operator-key";

    public const string Url = "http://localhost";

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "retail-cli-tests", Guid.NewGuid().ToString("N"));

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        // Starts the server, so its handler is there for the CLI.
        using var client = CreateClient();
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Retail:DataDir", DataDir);
        builder.UseSetting("Retail:OperatorKey", OperatorKey);
        builder.UseSetting("Retail:Events:PollInterval", "00:00:00.200");
        builder.UseSetting(RetailApp.ModulesKey, "uas,usm,ofm,mrs,pvm,ipm,utl,workflows");
        builder.ConfigureTestServices(services =>
        {
            // Service invocation (IPM calling PVM's bulk port) goes through the test server, as it would over loopback.
            services.AddHttpClient(EmbeddedTransportRegistration.SelfClient)
                .ConfigurePrimaryHttpMessageHandler(sp => new SelfHandler((TestServer)sp.GetRequiredService<IServer>()));
            services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
            // UTL's export covers the data-holding modules this host runs.
            services.Configure<Retail.Utl.UtlOptions>(o => o.Services = ["uas", "usm", "ofm", "mrs", "pvm", "ipm"]);
        });
    }

    /// <summary>A fresh profile folder, so each test has its own <c>profiles.json</c>.</summary>
    public string NewConfigDir() => Path.Combine(DataDir, "config-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Runs <c>retail</c> with <paramref name="args"/> against this host, its profiles in <paramref name="configDir"/>.</summary>
    public Task<CliRun> RunAsync(string configDir, params string[] args) => RunAsync(configDir, null, args);

    /// <summary>As <see cref="RunAsync(string, string[])"/>, with tables and progress drawn on <paramref name="terminal"/> when not null.</summary>
    public async Task<CliRun> RunAsync(string configDir, IAnsiConsole? terminal, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, new CliEnvironment(stdout, stderr, Server.CreateHandler(), configDir, terminal),
            TestContext.Current.CancellationToken);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A call as the operator, to check over the API what the CLI did.</summary>
    public Task<(int Status, JsonElement Body)> OperatorPostAsync(string path, object body, string? orgcode = null) =>
        PostAsync(path, body, ("x-api-key", OperatorKey), orgcode);

    /// <summary>A call as a signed-in user, for what only the user can do (accept an invite).</summary>
    public Task<(int Status, JsonElement Body)> UserPostAsync(string sessionGuid, string path, object body, string? orgcode = null) =>
        PostAsync(path, body, ("x-session-guid", sessionGuid), orgcode);

    /// <summary>A verified user with <paramref name="passcode"/> set, as the operator signs them up; answers their user guid.</summary>
    public async Task<string> CreateUserWithPasscodeAsync(string email, string passcode)
    {
        var (created, user) = await OperatorPostAsync("/uas/user/create", new { email });
        Assert.Equal(201, created);
        var (_, verified) = await OperatorPostAsync("/uas/user/verify", new { email, token = LatestTokenFor(email) });
        var (set, _) = await OperatorPostAsync("/uas/passcode/set",
            new { email, passcode, passcode_token = verified.GetProperty("passcode_token").GetString() });
        Assert.Equal(200, set);
        return user.GetProperty("user_guid").GetString()!;
    }

    private async Task<(int Status, JsonElement Body)> PostAsync(string path, object body, (string Name, string Value) credential, string? orgcode)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(credential.Name, credential.Value);
        if (orgcode is not null)
        {
            request.Headers.Add("x-orgcode", orgcode);
        }
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public string LatestTokenFor(string email)
    {
        var folder = Path.Combine(DataDir, "mailbox");
        return Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllText)
            .Where(text => text.Contains($"To: <{email}>", StringComparison.OrdinalIgnoreCase))
            .SelectMany(text => text.Split('\n')).Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith("token: ", StringComparison.Ordinal)).Select(l => l["token: ".Length..])
            .Last();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS later.
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>The test server's handler, taken at the first call: a workflow recovering at start-up may call before the server runs.</summary>
    private sealed class SelfHandler(TestServer server) : HttpMessageHandler
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
}

/// <summary>
/// An interactive ANSI console that records what it draws, escape sequences and all: what a person at a terminal would see, as a
/// string. Spectre's own TestConsole lives in a package the repository does not use.
/// </summary>
public sealed class RecordingTerminal
{
    private readonly StringWriter _screen = new();

    public RecordingTerminal()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(_screen),
        });
        Console.Profile.Width = 160;
    }

    public IAnsiConsole Console { get; }

    public string Screen => _screen.ToString();
}

/// <summary>Answers every request with one status and body: a host or gateway failing in a way the in-memory host cannot be made to.</summary>
public sealed class FixedAnswerHandler(HttpStatusCode status, string body, string contentType) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, contentType), RequestMessage = request });
}

/// <summary>What one run of the CLI did: its exit code and what it wrote.</summary>
public sealed record CliRun(int Exit, string Out, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Out).RootElement.Clone();

    public override string ToString() => $"exit {Exit}\nstdout:\n{Out}\nstderr:\n{Error}";
}
