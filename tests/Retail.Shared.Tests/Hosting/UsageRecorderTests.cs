using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Shared.State;
using Retail.Shared.Tests.Embedded;

namespace Retail.Shared.Tests.Hosting;

public sealed class UsageRecorderTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static UsageEvent Request(int n) => new("pvm", "/pvm/resolve/barcode", "acme", "user-1", "user", null, 200, 1.0, 20,
        DateTimeOffset.UtcNow, Id: $"usage-{n}");

    [Fact]
    public async Task requests_arriving_within_the_linger_are_written_as_one_batch_and_a_stop_writes_what_is_queued()
    {
        using var store = _dir.OpenStore("pvm");
        await using var services = new ServiceCollection().AddKeyedSingleton<IStateStore>("pvm", store).BuildServiceProvider();
        // A long linger, so that the test does not depend on how fast this machine runs the loop below.
        var recorder = new UsageRecorder(services, NullLogger<UsageRecorder>.Instance, TimeProvider.System) { Linger = TimeSpan.FromSeconds(2) };
        await recorder.StartAsync(Ct);

        // Ten requests a few milliseconds apart: without the linger each would find the writer idle and be a batch of its own.
        for (var n = 0; n < 10; n++)
        {
            recorder.Record(Request(n));
            await Task.Delay(5, Ct);
        }
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (Batches() == 0)
            {
                await Task.Delay(20, guard.Token);
            }
        }
        Assert.Equal((1, 10), (Batches(), _dir.Count("pvm", "SELECT json_array_length(data, '$.events') FROM outbox WHERE type = 'usage.batch'")));
        // A burst past one message's limit: one transaction, a message per 200 events.
        for (var n = 10; n < 460; n++)
        {
            recorder.Record(Request(n));
        }
        await recorder.StopAsync(Ct);

        // The stop ends the linger and writes the burst: 450 events, at most 200 a message.
        Assert.Equal(4, Batches());
        Assert.Equal(460, _dir.Count("pvm", "SELECT sum(json_array_length(data, '$.events')) FROM outbox WHERE type = 'usage.batch'"));
    }

    private long Batches() => _dir.Count("pvm", "SELECT count(*) FROM outbox WHERE type = 'usage.batch'");
}
