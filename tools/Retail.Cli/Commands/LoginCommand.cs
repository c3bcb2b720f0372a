using System.CommandLine;
using Spectre.Console;

namespace Retail.Cli.Commands;

/// <summary>
/// <c>retail login</c>: a USM session from an e-mail and passcode, or an API key (checked with one read first), stored in the profile
/// so later commands need neither.
/// </summary>
public static class LoginCommand
{
    public static Command Build(CommandFactory commands)
    {
        var email = new Option<string?>("--email") { Description = "The user's e-mail address (session login)" };
        var passcode = new Option<string?>("--passcode") { Description = "The passcode (else $RETAIL_PASSCODE, else asked on a terminal)" };
        var login = new Command("login", "Sign in with --email (a session) or store --api-key in the profile") { email, passcode };
        commands.Action(login, async (context, ct) =>
        {
            var file = context.Store.Load();
            var name = context.Parse.GetValue(commands.Globals.Profile) ?? file.Current ?? "default";
            var profile = file.Profiles.GetValueOrDefault(name) ?? new Profile();
            var url = context.UrlOverride ?? profile.Url ?? throw new UsageException($"profile '{name}' has no URL: pass --url");
            var api = new RetailApi(context.Http, CliContext.BaseUri(url), context.ApiKeyOverride, null, null);

            Profile updated;
            object answer;
            if (context.ApiKeyOverride is { } key)
            {
                // One harmless read proves the key before it is kept: a typo fails now (exit 4), not on the next command.
                await api.PostAsync("/ofm/org/list", new { limit = 1 }, ct, orgScoped: false);
                updated = profile with { Url = url, ApiKey = key, SessionGuid = null, Email = null, Org = context.OrgOverride ?? profile.Org };
                answer = new { profile = name, url, auth = "api_key" };
            }
            else
            {
                var address = context.Value(email) ?? profile.Email ?? throw new UsageException("login needs --email (or --api-key)");
                var secret = context.Value(passcode) ?? Environment.GetEnvironmentVariable("RETAIL_PASSCODE") ?? Ask(context);
                var session = await api.PostAnonymousAsync("/usm/session/create", new { email = address, passcode = secret }, ct);
                updated = profile with
                {
                    Url = url, ApiKey = null, SessionGuid = session.GetProperty("session_guid").GetString(), Email = address,
                    Org = context.OrgOverride ?? profile.Org,
                };
                answer = new
                {
                    profile = name, url, auth = "session", user_guid = session.GetProperty("user_guid").GetString(),
                    expires_at = session.GetProperty("expires_at").GetString(),
                };
            }
            file.Profiles[name] = updated;
            context.Store.Save(file with { Current = file.Current ?? name });
            context.Output.Write(answer, console => console.WriteLine(
                $"signed in to {url} as {(updated.ApiKey is not null ? "an API key" : updated.Email)}; saved in profile {name}"));
        });
        return login;
    }

    private static string Ask(CliContext context)
    {
        if (!context.Output.Console.Profile.Capabilities.Interactive)
        {
            throw new UsageException("no passcode: pass --passcode or set RETAIL_PASSCODE");
        }
        return context.Output.Console.Prompt(new TextPrompt<string>("passcode:").Secret());
    }
}
