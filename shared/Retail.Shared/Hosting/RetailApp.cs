using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Retail.Shared.Hosting;

/// <summary>
/// How every app of the stack starts, so a service's Program.cs is one line: a module alone as its own Dapr app
/// (<see cref="Run{TModule}"/>, paths at the root), or the single-process host (<see cref="RunHost"/>, each module
/// under <c>/{app-id}</c>).
/// </summary>
public static class RetailApp
{
    /// <summary>Configuration key naming the modules the host runs, comma-separated app ids ("uas,usm,ofm"); all when unset.</summary>
    public const string ModulesKey = "Retail:Modules";

    public static void Run<TModule>(string[] args) where TModule : IServiceModule, new() => Create<TModule>(args).Run();

    /// <summary>The module alone at the root; <paramref name="configure"/> lets tests adjust the builder.</summary>
    public static WebApplication Create<TModule>(string[] args, Action<WebApplicationBuilder>? configure = null)
        where TModule : IServiceModule, new()
    {
        var builder = NewBuilder(args);
        configure?.Invoke(builder);
        IServiceModule[] modules = [new TModule()];
        builder.AddRetail(modules);
        var app = builder.Build();
        app.UseRetail(modules, prefixed: false);
        return app;
    }

    public static void RunHost(string[] args, IReadOnlyList<IServiceModule> modules) => CreateHost(args, modules).Run();

    /// <summary>The single-process host: the modules <see cref="ModulesKey"/> chooses from <paramref name="modules"/>.</summary>
    public static WebApplication CreateHost(string[] args, IReadOnlyList<IServiceModule> modules, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = NewBuilder(args);
        configure?.Invoke(builder);
        var chosen = Choose(modules, builder.Configuration);
        builder.AddRetail(chosen);
        var options = builder.Configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        if (options.Mode == RuntimeMode.Embedded && options.InProcessInvocation)
        {
            Embedded.InProcessServer.Wrap(builder.Services);
        }
        var app = builder.Build();
        app.UseRetail(chosen, prefixed: true);
        return app;
    }

    /// <summary>The host setting that turns the reload of configuration files on change on or off.</summary>
    public const string ReloadConfigOnChangeKey = "hostBuilder:reloadConfigOnChange";

    /// <summary>
    /// A builder whose configuration files are read once, at start. Reloading them on change watches the content root (the
    /// working directory) recursively, and the default data folder (<c>./data</c>) is inside it: every write of every SQLite
    /// file woke the watcher (5 % of the host's CPU while resolving barcodes). Nothing here reads a setting again after start,
    /// so a change takes a restart either way. An argument <c>--hostBuilder:reloadConfigOnChange=true</c> still turns it on.
    /// </summary>
    public static WebApplicationBuilder NewBuilder(string[] args) =>
        WebApplication.CreateBuilder([$"--{ReloadConfigOnChangeKey}=false", .. args]);

    /// <summary>
    /// The modules <see cref="ModulesKey"/> names, in the order of <paramref name="modules"/> (the order routes are mapped);
    /// an app id the list does not know stops the start rather than quietly running less.
    /// </summary>
    public static IReadOnlyList<IServiceModule> Choose(IReadOnlyList<IServiceModule> modules, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(configuration);
        var named = configuration[ModulesKey]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (named is null || named.Length == 0)
        {
            return modules;
        }
        var unknown = named.Where(id => !modules.Any(m => m.AppId == id)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"{ModulesKey} names unknown modules: {string.Join(", ", unknown)}; "
                + $"known: {string.Join(", ", modules.Select(m => m.AppId))}");
        }
        return [.. modules.Where(m => named.Contains(m.AppId))];
    }
}
