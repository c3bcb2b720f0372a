using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;
using Retail.Shared.Dapr;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Notifications;
using Retail.Shared.OrgData;
using Retail.Shared.State;
using Retail.Shared.Webhooks;

namespace Retail.Dapr.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void dapr_mode_registers_a_store_and_a_bus_per_app_id_and_the_shared_adapters()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBuildingBlocks(new RetailOptions { Mode = RuntimeMode.Dapr }, ["uas", "usm"]);
        using var provider = services.BuildServiceProvider();

        Assert.Equal("uas", provider.GetRequiredKeyedService<IStateStore>("uas").AppId);
        Assert.Equal("usm", provider.GetRequiredKeyedService<IStateStore>("usm").AppId);
        Assert.IsType<DaprStateStore>(provider.GetRequiredKeyedService<IStateStore>("uas"));
        Assert.IsType<DaprEventBus>(provider.GetRequiredKeyedService<IEventBus>("usm"));
        Assert.IsType<DaprServiceInvoker>(provider.GetRequiredService<IServiceInvoker>());
        Assert.IsType<DaprWebhookSender>(provider.GetRequiredService<IWebhookSender>());
        Assert.IsType<DaprNotifier>(provider.GetRequiredService<INotifier>());
        Assert.IsType<DaprOperatorKeyProvider>(provider.GetRequiredService<IOperatorKeyProvider>());
    }

    [Fact]
    public void dapr_mode_registers_the_org_data_state_part_of_every_app_id_over_its_plain_state_component()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBuildingBlocks(new RetailOptions { Mode = RuntimeMode.Dapr }, ["uas", "usm"]);
        using var provider = services.BuildServiceProvider();

        foreach (var app in new[] { "uas", "usm" })
        {
            var part = Assert.Single(provider.GetKeyedServices<IOrgDataPart>(app));
            Assert.IsType<DaprStatePart>(part);
            Assert.Equal(OrgDataEndpoints.StatePart, part.Part);
        }
    }
}
