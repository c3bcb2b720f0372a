using System.CommandLine;
using Spectre.Console;

namespace Retail.Cli.Commands;

/// <summary><c>retail profile add|use|list|remove</c>: named hosts with their credential, kept owner-only in <c>profiles.json</c>.</summary>
public static class ProfileCommands
{
    public static Command Build(CommandFactory commands)
    {
        var profile = new Command("profile", "Manage profiles (a host or gateway URL, a credential, a default org)");

        var addName = new Argument<string>("name") { Description = "Profile name" };
        var use = new Option<bool>("--use") { Description = "Make it the current profile (the first profile always is)" };
        var add = new Command("add", "Add or replace a profile: retail profile add NAME --url URL [--api-key KEY] [--org CODE] [--use]")
        {
            addName, use,
        };
        commands.Action(add, (context, _) =>
        {
            var name = context.Value(addName)!;
            var url = context.UrlOverride ?? throw new UsageException("profile add needs --url");
            CliContext.BaseUri(url);
            var file = context.Store.Load();
            file.Profiles[name] = new Profile { Url = url, ApiKey = context.ApiKeyOverride, Org = context.OrgOverride };
            var current = context.Value(use) || file.Current is null || !file.Profiles.ContainsKey(file.Current) ? name : file.Current;
            context.Store.Save(file with { Current = current });
            context.Output.Write(new { profile = name, current = current == name, file = context.Store.FilePath },
                console => console.WriteLine($"profile {name} saved{(current == name ? " (current)" : "")} in {context.Store.FilePath}"));
            return Task.CompletedTask;
        });

        var useName = new Argument<string>("name") { Description = "Profile name" };
        var useCommand = new Command("use", "Make a profile the current one") { useName };
        commands.Action(useCommand, (context, _) =>
        {
            var name = context.Value(useName)!;
            var file = context.Store.Load();
            if (!file.Profiles.ContainsKey(name))
            {
                throw new UsageException($"no profile '{name}'");
            }
            context.Store.Save(file with { Current = name });
            context.Output.Write(new { profile = name, current = true }, console => console.WriteLine($"using profile {name}"));
            return Task.CompletedTask;
        });

        var list = new Command("list", "List the profiles (credentials are never shown)");
        commands.Action(list, (context, _) =>
        {
            var file = context.Store.Load();
            var rows = file.Profiles.Select(p => new
            {
                name = p.Key,
                current = p.Key == file.Current,
                url = p.Value.Url,
                auth = p.Value.ApiKey is not null ? "api_key" : p.Value.SessionGuid is not null ? "session" : "none",
                email = p.Value.Email,
                org = p.Value.Org,
            }).ToList();
            context.Output.Write(rows, console =>
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("", "name", "url", "auth", "org");
                foreach (var row in rows)
                {
                    table.AddRow(new Text(row.current ? "*" : ""), new Text(row.name), new Text(row.url ?? ""),
                        new Text(row.email is null ? row.auth : $"{row.auth} ({row.email})"), new Text(row.org ?? ""));
                }
                console.Write(table);
            });
            return Task.CompletedTask;
        });

        var removeName = new Argument<string>("name") { Description = "Profile name" };
        var remove = new Command("remove", "Remove a profile and its credential") { removeName };
        commands.Action(remove, (context, _) =>
        {
            var name = context.Value(removeName)!;
            var file = context.Store.Load();
            if (!file.Profiles.Remove(name))
            {
                throw new UsageException($"no profile '{name}'");
            }
            context.Store.Save(file with { Current = file.Current == name ? file.Profiles.Keys.FirstOrDefault() : file.Current });
            context.Output.Write(new { removed = name }, console => console.WriteLine($"profile {name} removed"));
            return Task.CompletedTask;
        });

        profile.Subcommands.Add(add);
        profile.Subcommands.Add(useCommand);
        profile.Subcommands.Add(list);
        profile.Subcommands.Add(remove);
        return profile;
    }
}
