using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Dapr;
using Retail.Shared.Hosting;
using Retail.Shared.State;

namespace Retail.Dapr.Tests;

public sealed class TextSearchRegistrationTests
{
    [Fact]
    public async Task dapr_mode_search_says_it_is_not_available_instead_of_guessing()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBuildingBlocks(new RetailOptions { Mode = RuntimeMode.Dapr }, ["ics"]);
        services.AddTextSearch("ics");
        using var provider = services.BuildServiceProvider();

        var search = Assert.IsType<DaprTextSearch>(provider.GetRequiredKeyedService<ITextSearch>("ics"));
        var refused = await Assert.ThrowsAsync<TextSearchUnavailableException>(() =>
            search.SearchAsync(new TextSearchQuery("comment", "acme", ["blue"], 10), TestContext.Current.CancellationToken));
        Assert.Contains("components/README.md", refused.Message, StringComparison.Ordinal);
    }
}
