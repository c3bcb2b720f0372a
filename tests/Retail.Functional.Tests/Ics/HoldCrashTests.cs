using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Ics;

/// <summary>A host killed in the middle of a reservation burst: after the restart nothing is half-applied.</summary>
public sealed class HoldCrashTests
{
    [Fact]
    public async Task UC_ICS_002_a_host_stopped_during_a_reservation_burst_restarts_with_every_position_equal_to_its_ledger_and_its_holds()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            IcsOrg org;
            string session;
            var first = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = IcsHost.Modules };
            try
            {
                using var @operator = first.CreateOperatorClient();
                org = await HoldSteps.NewOrgAsync(first, @operator);
                session = org.Owner.Client.DefaultRequestHeaders.GetValues(CredentialHeaders.Session).Single();
                foreach (var variant in org.Variants.Take(3))
                {
                    await org.Receive("store-1", variant, 40);
                }
                // A burst of 150 reservations of 1 to 3 units over three variants; the host stops once some have answered.
                var burst = Enumerable.Range(0, 150)
                    .Select(i => Swallow(org.Reserve(org.Variants[i % 3], 1 + i % 3, orderId: $"o-{i}")))
                    .ToList();
                await Waits.UntilAsync(() => burst.Count(t => t.IsCompleted) >= 20, "some reservations answered");
            }
            finally
            {
                await first.DisposeAsync();
            }

            await using var second = new RetailHostFactory(dataDir) { ConfigureServices = TestSessions.Add, Modules = IcsHost.Modules };
            var client = second.CreateClient();
            client.DefaultRequestHeaders.Add(CredentialHeaders.Session, session);
            var restarted = org with { Owner = org.Owner with { Client = client } };
            var held = 0L;
            foreach (var variant in org.Variants.Take(3))
            {
                var (rebuilt, stored, agrees) = await second.ReconcileAsync(org.Orgcode, "store-1", variant);
                Assert.True(agrees, $"position of {variant} equals its ledger");
                Assert.Equal(40, rebuilt.Available + rebuilt.Reserved);
                Assert.InRange(rebuilt.Reserved, 0, 40);
                Assert.Equal(stored!.Reserved, await restarted.ActiveClaimAsync("store-1", [variant], variant));
                held += stored.Reserved;
            }
            Assert.True(held > 0, "some reservations committed before the stop");
            // The restarted host takes reservations on the same data.
            await restarted.Reserve(org.Variants[5], 1).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }

    /// <summary>A call cut off by the stop fails on the client's side; what matters is what the data says afterwards.</summary>
    private static async Task Swallow(Task<HttpResponseMessage> call)
    {
        try
        {
            await call;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped mid-flight.
        }
    }
}
