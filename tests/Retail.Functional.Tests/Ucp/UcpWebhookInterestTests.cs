using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Ucp.Webhooks;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// The bus stages UCP's fan-out of SCM events only for orgs that hold a platform webhook (<see cref="UcpWebhookInterest"/>):
/// an org selling through no platform's webhook costs no delivery per order event; a config set makes its org wanted before
/// it commits, and a config held before a restart is read back at start, so its webhook still receives.
/// </summary>
public sealed class UcpWebhookInterestTests
{
    [Fact]
    public async Task UC_UCP_005_only_orgs_with_a_platform_webhook_are_fanned_out_to_and_one_set_before_a_restart_still_receives()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string holder;
            string without;
            string platform;
            var first = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = [.. RetailHostFactory.Orgs, "ucp"] };
            try
            {
                using var @operator = first.CreateOperatorClient();
                (holder, var admin, _, _) = await first.StaffedOrg(@operator, "uih");
                (without, _, _, _) = await first.StaffedOrg(@operator, "uin");
                platform = await UcpWebhookPlatforms.RegisterAsync(first, admin, holder);
                var interest = await DeliveryInterests.LoadedAsync<UcpWebhookInterest>(first);
                Assert.False(interest.Wants(holder));

                await admin.SetWebhookAsync(holder, platform, receiver.Url("/ucp/interest"), ["order.placed"]);

                Assert.True(interest.Wants(holder));
                Assert.False(interest.Wants(without));
                await PlacedOrderIsDeliveredAsync(first, receiver, holder, platform);
            }
            finally
            {
                await first.DisposeAsync();
            }

            await using var second = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = [.. RetailHostFactory.Orgs, "ucp"] };
            var restarted = await DeliveryInterests.LoadedAsync<UcpWebhookInterest>(second);
            Assert.True(restarted.Wants(holder));
            Assert.False(restarted.Wants(without));
            await PlacedOrderIsDeliveredAsync(second, receiver, holder, platform);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }

    /// <summary>An order placed through the platform: its <c>order.placed</c> reaches the platform's webhook.</summary>
    private static async Task PlacedOrderIsDeliveredAsync(RetailHostFactory factory, WebhookReceiver receiver, string orgcode, string platform)
    {
        var order = Guid.NewGuid().ToString();
        await factory.LinkOrderAsync(orgcode, order, platform);
        var eventId = await factory.PublishOrderEventAsync(orgcode, "order.placed", order);
        await receiver.WaitForAsync(r => r.PathAndQuery == "/ucp/interest" && r.Text.Contains(eventId, StringComparison.Ordinal));
    }
}
