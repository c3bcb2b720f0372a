using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Hosting;

namespace Retail.Shared.Tests.Hosting;

/// <summary><c>Retail:Modules</c> picks which of the host's modules run, in the host's order; a name it does not know stops the start.</summary>
public sealed class ModuleChoiceTests
{
    private static readonly IReadOnlyList<IServiceModule> All = [new Named("uas"), new Named("usm"), new Named("ofm"), new Named("mrs")];

    private static IConfiguration Settings(string? modules) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [RetailApp.ModulesKey] = modules }).Build();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void without_a_choice_every_module_runs(string? modules) => Assert.Same(All, RetailApp.Choose(All, Settings(modules)));

    [Fact]
    public void the_named_modules_run_in_the_hosts_order() =>
        Assert.Equal(["usm", "mrs"], RetailApp.Choose(All, Settings(" mrs, usm ")).Select(m => m.AppId));

    [Fact]
    public void an_unknown_name_stops_the_start_naming_it_and_the_known_ones()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RetailApp.Choose(All, Settings("uas,pvm")));
        Assert.Contains("pvm", error.Message, StringComparison.Ordinal);
        Assert.Contains("uas, usm, ofm, mrs", error.Message, StringComparison.Ordinal);
    }

    private sealed class Named(string appId) : IServiceModule
    {
        public string AppId => appId;

        public string Title => appId;

        public void AddServices(IServiceCollection services, IConfiguration configuration)
        {
        }

        public void MapEndpoints(IEndpointRouteBuilder routes)
        {
        }
    }
}
