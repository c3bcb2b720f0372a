using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Ipm.Cdc;

namespace Retail.Functional.Tests.Ipm;

/// <summary>UC-IPM-002 across a host restart and past retention: the cursor is the client's, the log is IPM's store.</summary>
public sealed class CdcRestartTests
{
    [Fact]
    public async Task UC_IPM_002_a_cursor_issued_before_a_restart_continues_after_it_with_only_newer_changes()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            IpmOrg org;
            string cursor;
            long seen;
            JsonElementHolder customer;
            var first = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = IpmHost.Modules };
            try
            {
                using var @operator = first.CreateOperatorClient();
                org = await IpmHost.NewOrgAsync(first, @operator, "cdcs");
                var created = await org.CreateCustomer("restart@example.com");
                customer = new JsonElementHolder(created.Str("customer_guid"), created.GetProperty("revision").GetInt64());
                var (items, next) = await org.ReadUntilAsync(null, ["crm.customer"], s => s.Count > 0, "the customer is in the feed");
                cursor = next;
                seen = items.Sequences().Max();
            }
            finally
            {
                await first.DisposeAsync();
            }

            await using var second = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = IpmHost.Modules };
            var restarted = org with { Clerk = org.Clerk.On(second), Viewer = org.Viewer.On(second) };
            await restarted.Post(restarted.Clerk, "/crm/customer/update", new { customer_guid = customer.Guid, given_name = "After", expected_revision = customer.Revision })
                .Ok();
            var (after, _) = await restarted.ReadUntilAsync(cursor, ["crm.customer"], s => s.Count > 0, "the update after the restart is in the feed");
            var update = Assert.Single(after);
            Assert.Equal((customer.Guid, 2L), (update.Str("key"), update.GetProperty("revision").GetInt64()));
            Assert.True(update.GetProperty("sequence").GetInt64() > seen);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task UC_IPM_002_a_cursor_older_than_retention_is_gone_and_the_feed_starts_after_what_was_swept()
    {
        await using var factory = IpmHost.Start();
        using var @operator = factory.CreateOperatorClient();
        var org = await IpmHost.NewOrgAsync(factory, @operator, "cdce");
        var start = (await org.Feed(new { entity_types = new[] { "crm.customer" } })).Str("next_cursor");
        var customer = await org.CreateCustomer("old@example.com");
        await org.ReadUntilAsync(start, ["crm.customer"], s => s.Count > 0, "the customer is in the feed");
        // A cursor that has read everything logged before the cutoff.
        var cutoff = DateTimeOffset.UtcNow;
        var cursor = (await org.Feed(new { cursor = start, entity_types = new[] { "crm.customer" } })).Str("next_cursor");

        // Retention as its sweep runs once the retention window has passed over everything logged before the cutoff.
        var swept = await factory.Services.GetRequiredService<CdcRetentionSweeper>().SweepAsync(cutoff, TestContext.Current.CancellationToken);
        Assert.True(swept > 0);

        var gone = await org.Post(org.Viewer, "/ipm/cdc/list", new { cursor = start, entity_types = new[] { "crm.customer" } })
            .Problem(HttpStatusCode.Gone, "cursor_expired");
        Assert.True(gone.GetProperty("retained_from").GetInt64() > 1);
        // The cursor that had read everything swept still continues; the beginning is now after the sweep.
        Assert.Empty((await org.Feed(new { cursor, entity_types = new[] { "crm.customer" } })).GetProperty("items").EnumerateArray());
        Assert.Empty((await org.Feed(new { entity_types = new[] { "crm.customer" } })).GetProperty("items").EnumerateArray());

        await org.RenameCustomer(customer, "Kept");
        var (kept, _) = await org.ReadUntilAsync(cursor, ["crm.customer"], s => s.Count > 0, "a change after the sweep is in the feed");
        Assert.Equal(2L, Assert.Single(kept).GetProperty("revision").GetInt64());
    }

    private sealed record JsonElementHolder(string Guid, long Revision);
}
