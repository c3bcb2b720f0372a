using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Contract;

/// <summary>Stopping the host and starting it again on the same data folder loses no record and no undelivered event.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task records_and_undelivered_events_survive_a_restart_of_the_host()
    {
        string guid;
        string dataDir;
        await using (var first = await ContractHost.StartAsync())
        {
            dataDir = first.DataDir;
            var received = first.Services.GetRequiredService<ReceivedEvents>();
            received.Failing = true;
            var created = await first.Operator("acme").PostJsonAsync("/probe/item/create", new { name = "durable", count = 3 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            guid = (await created.JsonAsync()).GetProperty("item_guid").GetString()!;
            await Waits.UntilAsync(() => received.Refusals > 0, "the subscriber has refused a delivery");
            Assert.DoesNotContain(received.All, e => e.Type == "probe.item.created");
        }

        var second = await ContractHost.StartAsync(dataDir);
        try
        {
            var item = await second.Operator("acme").PostJsonAsync("/probe/item/get", new { item_guid = guid });
            Assert.Equal(HttpStatusCode.OK, item.StatusCode);
            Assert.Equal(3, (await item.JsonAsync()).GetProperty("count").GetInt32());

            var received = second.Services.GetRequiredService<ReceivedEvents>();
            await Waits.UntilAsync(() => received.All.Any(e => e.Type == "probe.item.created" && e.Data.GetProperty("key").GetString() == guid),
                "the event kept across the restart is delivered");
        }
        finally
        {
            await second.DisposeAsync();
            second.DeleteData();
        }
    }
}
