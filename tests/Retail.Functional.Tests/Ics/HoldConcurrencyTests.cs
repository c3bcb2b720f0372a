using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;
using Retail.Ics.Holds;

namespace Retail.Functional.Tests.Ics;

/// <summary>Overselling cannot happen: concurrent reservations, kits sharing a component, expiries racing new reservations.</summary>
public sealed class HoldConcurrencyTests(IcsHost host) : IClassFixture<IcsHost>
{
    [Fact]
    public async Task UC_ICS_002_64_concurrent_reservations_for_the_last_10_units_exactly_10_succeed_and_the_ledger_balances()
    {
        var org = await host.NewOrgAsync();
        var tee = org.Variants[0];
        await org.Receive("store-1", tee, 10);

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => org.Reserve(tee, 1)));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(54, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("insufficient_stock", await refused.ProblemCodeAsync());
        }
        var stock = await org.Stock("store-1", tee);
        Assert.Equal((0, 10), (stock.GetProperty("available").GetInt64(), stock.GetProperty("reserved").GetInt64()));
        var (rebuilt, stored, agrees) = await host.Factory.ReconcileAsync(org.Orgcode, "store-1", tee);
        Assert.True(agrees);
        Assert.Equal((0, 10), (rebuilt.Available, rebuilt.Reserved));
        Assert.Equal(10, stored!.Reserved);
        Assert.Equal(10, await org.ActiveClaimAsync("store-1", [tee], tee));
    }

    [Fact]
    public async Task UC_ICS_002_two_kits_sharing_a_component_reserved_concurrently_never_over_reserve_it()
    {
        var org = await host.NewOrgAsync();
        var (shared, a, b) = (org.Variants[1], org.Variants[2], org.Variants[3]);
        var kitA = await org.KitAsync(host.Factory, "box-a", "s", "red", (shared, 2), (a, 1));
        var kitB = await org.KitAsync(host.Factory, "box-b", "s", "blue", (shared, 3), (b, 1));
        await org.Receive("store-1", shared, 25);
        await org.Receive("store-1", a, 50);
        await org.Receive("store-1", b, 50);

        var calls = Enumerable.Range(0, 40).Select(i => (Kit: i % 2 == 0 ? kitA : kitB, Call: org.Reserve(i % 2 == 0 ? kitA : kitB, 1))).ToList();
        await Task.WhenAll(calls.Select(c => c.Call));

        var placedA = calls.Count(c => c.Kit == kitA && c.Call.Result.StatusCode == HttpStatusCode.Created);
        var placedB = calls.Count(c => c.Kit == kitB && c.Call.Result.StatusCode == HttpStatusCode.Created);
        Assert.All(calls.Where(c => c.Call.Result.StatusCode != HttpStatusCode.Created),
            c => Assert.Equal(HttpStatusCode.Conflict, c.Call.Result.StatusCode));
        var stock = await org.Stock("store-1", shared);
        var reserved = stock.GetProperty("reserved").GetInt64();
        Assert.Equal(2 * placedA + 3 * placedB, reserved);
        Assert.InRange(reserved, 23, 25); // never over, and stopped only when no kit fitted any more
        Assert.Equal(25, stock.GetProperty("available").GetInt64() + reserved);
        Assert.Equal(placedA, (await org.Stock("store-1", a)).GetProperty("reserved").GetInt64());
        Assert.Equal(placedB, (await org.Stock("store-1", b)).GetProperty("reserved").GetInt64());
        foreach (var variant in new[] { shared, a, b })
        {
            Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "store-1", variant)).Agrees);
        }
        Assert.Equal(reserved, await org.ActiveClaimAsync("store-1", [kitA, kitB], shared));
    }

    [Fact]
    public async Task UC_ICS_002_reservations_expiring_while_new_ones_arrive_keep_the_counts_exact()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = IcsHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        using var @operator = factory.CreateOperatorClient();
        var org = await HoldSteps.NewOrgAsync(factory, @operator);
        var tee = org.Variants[0];
        await org.Receive("store-1", tee, 30);
        var old = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => org.Reserve(tee, 1, orderId: "o-old", ttlSeconds: 60)));
        Assert.All(old, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var sweeper = factory.Services.GetRequiredService<ReservationSweeper>();
        Assert.Equal(0, await sweeper.SweepOnceAsync(CancellationToken.None)); // nothing due yet

        // Their time runs out (the host's own sweeper ticks on the same clock) while 40 new reservations arrive.
        clock.Advance(TimeSpan.FromSeconds(61));
        var arriving = Enumerable.Range(0, 40).Select(_ => org.Reserve(tee, 1, orderId: "o-new", ttlSeconds: 600)).ToList();
        var sweeps = Enumerable.Range(0, 3).Select(_ => sweeper.SweepOnceAsync(CancellationToken.None)).ToList();
        var placed = (await Task.WhenAll(arriving)).Count(r => r.StatusCode == HttpStatusCode.Created);
        await Task.WhenAll(sweeps);
        await sweeper.SweepOnceAsync(CancellationToken.None);

        var oldHolds = await org.Post("/ics/hold/list", new { reference = new { kind = "order", id = "o-old" }, limit = 100 }).Ok();
        Assert.All(oldHolds.GetProperty("items").EnumerateArray(), h => Assert.Equal("expired", h.GetProperty("status").GetString()));
        Assert.Equal(20, oldHolds.GetProperty("items").GetArrayLength());
        Assert.InRange(placed, 10, 30);
        var stock = await org.Stock("store-1", tee);
        Assert.Equal((30 - placed, placed), (stock.GetProperty("available").GetInt64(), stock.GetProperty("reserved").GetInt64()));
        Assert.True((await factory.ReconcileAsync(org.Orgcode, "store-1", tee)).Agrees);
        Assert.Equal(placed, await org.ActiveClaimAsync("store-1", [tee], tee));
        // The new ones are not due: another pass expires nothing.
        Assert.Equal(0, await sweeper.SweepOnceAsync(CancellationToken.None));
    }
}
