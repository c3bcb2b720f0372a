using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;
using Retail.Shared.Dapr;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Notifications;
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
}
