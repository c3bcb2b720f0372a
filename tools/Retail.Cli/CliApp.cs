using System.CommandLine;
using System.Net;
using System.Text.Json;
using Retail.Cli.Commands;
using Spectre.Console;
using YamlDotNet.Core;

namespace Retail.Cli;

/// <summary>What a run of the CLI works with, passed in so tests can run it in-process against an in-memory host.</summary>
/// <param name="Handler">The HTTP handler to call through (a test server's); null: real sockets.</param>
/// <param name="ConfigDirectory">Where <c>profiles.json</c> lives; null: <c>$RETAIL_CONFIG_DIR</c> or <c>~/.config/retail</c>.</param>
/// <param name="Terminal">The console tables and progress draw on outside <c>--json</c> (a test's ANSI console); null: one over
/// <paramref name="Out"/>, live only when that is a real terminal.</param>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, HttpMessageHandler? Handler, string? ConfigDirectory,
    IAnsiConsole? Terminal = null);

/// <summary>The options every command takes: which profile, or a URL, key and org that override it, and machine output.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Profile { get; } = new("--profile") { Description = "Profile to use (default: the current one)", Recursive = true };

    public Option<string?> Url { get; } = new("--url") { Description = "Host or gateway URL, overriding the profile's", Recursive = true };

    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "API key (x-api-key), overriding the profile's credential", Recursive = true };

    public Option<string?> Org { get; } = new("--org") { Description = "Org code (x-orgcode), overriding the profile's", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine output: one JSON document on stdout; problems as JSON on stderr", Recursive = true };
}

/// <summary>
/// <c>retail</c>: the command tree and the mapping of failures to exit codes (0 ok, 1 API problem, 2 usage, 3 unreachable or 5xx,
/// 4 authentication or authorisation), so scripts can tell a typo from an outage from a refusal.
/// </summary>
public static class CliApp
{
    public const int Ok = 0, ApiProblem = 1, Usage = 2, Unreachable = 3, Auth = 4;

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler = null,
        string? configDirectory = null, CancellationToken ct = default) =>
        RunAsync(args, new CliEnvironment(stdout, stderr, handler, configDirectory), ct);

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken ct = default)
    {
        var globals = new GlobalOptions();
        var root = Build(globals, environment);
        var parse = root.Parse(args);
        var json = parse.GetValue(globals.Json);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Report(environment.Error, json, "usage", error.Message);
            }
            if (!json)
            {
                // A hint for a person; a script reading --json gets nothing on stderr that does not parse.
                await environment.Error.WriteLineAsync("(retail --help lists the commands)");
            }
            return Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = environment.Out,
                Error = environment.Error,
                EnableDefaultExceptionHandler = false,
            }, ct);
        }
        catch (ApiProblemException problem)
        {
            if (json)
            {
                await environment.Error.WriteLineAsync(problem.Problem.GetRawText());
            }
            else
            {
                await environment.Error.WriteLineAsync($"{problem.Code}: {problem.Detail}");
            }
            return problem.Status switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Auth,
                >= HttpStatusCode.InternalServerError => Unreachable,
                _ => ApiProblem,
            };
        }
        catch (UsageException usage)
        {
            await Report(environment.Error, json, "usage", usage.Message);
            return Usage;
        }
        catch (Exception ex) when (ex is YamlException or FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            await Report(environment.Error, json, "usage", ex.Message);
            return Usage;
        }
        catch (NoCredentialsException none)
        {
            await Report(environment.Error, json, "no_credentials", none.Message);
            return Auth;
        }
        catch (HttpRequestException unreachable)
        {
            await Report(environment.Error, json, "unreachable", unreachable.Message);
            return Unreachable;
        }
        catch (TaskCanceledException timeout) when (!ct.IsCancellationRequested)
        {
            await Report(environment.Error, json, "timeout", timeout.Message);
            return Unreachable;
        }
    }

    private static RootCommand Build(GlobalOptions globals, CliEnvironment environment)
    {
        var root = new RootCommand("retail: operate a Retail stack (profiles, bootstrap, org data, bulk import and export, workflows)");
        root.Options.Add(globals.Profile);
        root.Options.Add(globals.Url);
        root.Options.Add(globals.ApiKey);
        root.Options.Add(globals.Org);
        root.Options.Add(globals.Json);
        var commands = new CommandFactory(globals, environment);
        root.Subcommands.Add(ProfileCommands.Build(commands));
        root.Subcommands.Add(LoginCommand.Build(commands));
        root.Subcommands.Add(BootstrapCommand.Build(commands));
        foreach (var command in OrgDataCommands.Build(commands))
        {
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(CatalogCommands.Build(commands));
        root.Subcommands.Add(ExportCommands.Build(commands));
        root.Subcommands.Add(WorkflowCommands.Build(commands));
        return root;
    }

    private static Task Report(TextWriter error, bool json, string code, string detail) =>
        error.WriteLineAsync(Output.ProblemLine(json, code, detail));
}

/// <summary>Binds command actions to a <see cref="CliContext"/> made for their run.</summary>
public sealed class CommandFactory(GlobalOptions globals, CliEnvironment environment)
{
    public GlobalOptions Globals => globals;

    public void Action(Command command, Func<CliContext, CancellationToken, Task<int>> run) =>
        command.SetAction(async (parse, ct) =>
        {
            using var context = new CliContext(environment, globals, parse);
            return await run(context, ct);
        });

    public void Action(Command command, Func<CliContext, CancellationToken, Task> run) =>
        Action(command, async (context, ct) =>
        {
            await run(context, ct);
            return CliApp.Ok;
        });
}

/// <summary>One run's settings: the output, the profile file, and the API client built from the profile and its overrides.</summary>
public sealed class CliContext : IDisposable
{
    private readonly CliEnvironment _environment;
    private readonly GlobalOptions _globals;
    private HttpClient? _http;
    private RetailApi? _api;

    public CliContext(CliEnvironment environment, GlobalOptions globals, ParseResult parse)
    {
        _environment = environment;
        _globals = globals;
        Parse = parse;
        Output = new Output(environment.Out, environment.Error, parse.GetValue(globals.Json), environment.Terminal);
        Store = new ProfileStore(environment.ConfigDirectory ?? ProfileStore.DefaultDirectory());
    }

    public ParseResult Parse { get; }

    public Output Output { get; }

    public ProfileStore Store { get; }

    public T? Value<T>(Option<T> option) => Parse.GetValue(option);

    public T? Value<T>(Argument<T> argument) => Parse.GetValue(argument);

    /// <summary>The profile <c>--profile</c> names, else the current one; null when there is none.</summary>
    public (string? Name, Profile? Profile) SelectedProfile()
    {
        var file = Store.Load();
        var name = Parse.GetValue(_globals.Profile) ?? file.Current;
        if (name is null)
        {
            return (null, null);
        }
        if (!file.Profiles.TryGetValue(name, out var profile))
        {
            if (Parse.GetValue(_globals.Profile) is not null)
            {
                throw new UsageException($"no profile '{name}' (retail profile list shows them)");
            }
            return (name, null);
        }
        return (name, profile);
    }

    public string? UrlOverride => Parse.GetValue(_globals.Url);

    public string? ApiKeyOverride => Parse.GetValue(_globals.ApiKey);

    public string? OrgOverride => Parse.GetValue(_globals.Org);

    public HttpClient Http => _http ??= new HttpClient(_environment.Handler ?? new SocketsHttpHandler(), disposeHandler: _environment.Handler is null)
    {
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>The API as the selected profile (with <c>--url</c>, <c>--api-key</c> and <c>--org</c> over it) reaches it.</summary>
    public RetailApi Api
    {
        get
        {
            if (_api is not null)
            {
                return _api;
            }
            var (_, profile) = SelectedProfile();
            var url = UrlOverride ?? profile?.Url ?? Environment.GetEnvironmentVariable("RETAIL_URL")
                ?? throw new UsageException("no URL: pass --url, or add a profile (retail profile add NAME --url URL)");
            var key = ApiKeyOverride ?? profile?.ApiKey;
            var session = key is null ? profile?.SessionGuid : null;
            return _api = new RetailApi(Http, BaseUri(url), key, session, OrgOverride ?? profile?.Org);
        }
    }

    /// <summary>A URL as a base that keeps any path prefix a gateway adds (<c>https://gw/retail</c> + <c>ofm/…</c>).</summary>
    public static Uri BaseUri(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"'{url}' is not an http(s) URL");
        }
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    public void Dispose() => _http?.Dispose();
}
