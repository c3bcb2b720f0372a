using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Retail.Shared.Hosting;

namespace Retail.Shared.Tests.Hosting;

/// <summary>
/// The apps read their configuration files once: a reload on change would watch the working directory recursively, and
/// with it the default data folder that every write changes.
/// </summary>
public sealed class ConfigReloadTests
{
    private static List<JsonConfigurationSource> JsonSources(string[] args) =>
        ((IConfigurationBuilder)RetailApp.NewBuilder(args).Configuration).Sources.OfType<JsonConfigurationSource>().ToList();

    [Fact]
    public void configuration_files_are_not_watched()
    {
        var sources = JsonSources([]);
        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.False(s.ReloadOnChange, s.Path));
    }

    [Fact]
    public void an_argument_still_turns_the_reload_on() =>
        Assert.All(JsonSources(["--hostBuilder:reloadConfigOnChange=true"]), s => Assert.True(s.ReloadOnChange, s.Path));
}
