using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Ipm.Webhooks;

namespace Retail.Functional.Tests.Ipm;

/// <summary>
/// The bus stages webhook fan-out deliveries only for orgs that hold a webhook (<see cref="WebhookInterest"/>): an org
/// without one costs no delivery per event, a webhook created before a restart still receives after it.
/// </summary>
public sealed class WebhookInterestTests
{
    [Fact]
    public async Task UC_IPM_001_only_orgs_with_a_webhook_are_fanned_out_to_and_a_webhook_created_before_a_restart_still_receives()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            IpmOrg holder;
            IpmOrg without;
            var first = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = IpmHost.Modules };
            try
            {
                using var @operator = first.CreateOperatorClient();
                holder = await IpmHost.NewOrgAsync(first, @operator, "whi");
                without = await IpmHost.NewOrgAsync(first, @operator, "who");
                var interest = await DeliveryInterests.LoadedAsync<WebhookInterest>(first);
                Assert.False(interest.Wants(holder.Orgcode));

                await holder.CreateWebhookAsync(receiver.Url("/hooks/interest"), "customer.created");

                Assert.True(interest.Wants(holder.Orgcode));
                Assert.False(interest.Wants(without.Orgcode));
                var before = await holder.CustomerAsync();
                await receiver.WaitForAsync(r => r.IsFor(before));
            }
            finally
            {
                await first.DisposeAsync();
            }

            await using var second = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = IpmHost.Modules };
            var restarted = await DeliveryInterests.LoadedAsync<WebhookInterest>(second);
            Assert.True(restarted.Wants(holder.Orgcode));
            Assert.False(restarted.Wants(without.Orgcode));
            var rehomed = holder with { Owner = holder.Owner.On(second), Clerk = holder.Clerk.On(second) };
            var after = await rehomed.CustomerAsync();
            var request = Assert.Single(await receiver.WaitForAsync(r => r.IsFor(after)));
            Assert.Equal("/hooks/interest", request.PathAndQuery);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }
}
