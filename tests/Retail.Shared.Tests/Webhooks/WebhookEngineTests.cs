using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Retail.Shared.Contract;
using Retail.Shared.Embedded;
using Retail.Shared.Records;
using Retail.Shared.Tests.Embedded;
using Retail.Shared.Tests.Records;
using Retail.Shared.Webhooks;

namespace Retail.Shared.Tests.Webhooks;

/// <summary>The engine over a real embedded store, a fake clock and a scripted sender: staging, retries, outcomes, replay.</summary>
public sealed class WebhookEngineTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DestinationRef Hook = new("webhook", "wh-1");
    private static readonly DeliveryDestination Target = new(new Uri("https://hooks.example.com/in"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true);

    private readonly TempDataDir _dir = new();
    private readonly SqliteStateStore _state;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly ScriptedSender _sender = new();
    private readonly Destinations _owner = new();
    private readonly WebhookDeliveryOptions _options = new() { Jitter = 0, RetrySchedule = "00:00:00,00:00:05,00:05:00" };

    public WebhookEngineTests()
    {
        _state = _dir.OpenStore("hooks", _clock);
        _state.EnsureIndexesAsync([.. RecordStore<Retail.Shared.Records.Record>.BuiltInIndexes, .. WebhookDeliveryRecord.Type.StateIndexes(),
            .. WebhookAttemptRecord.Type.StateIndexes(), .. WebhookDestinationHealth.Type.StateIndexes()]).GetAwaiter().GetResult();
        _owner.Targets[Hook] = Target;
    }

    private WebhookDeliveryEngine Engine()
    {
        var tokens = RecordKit.TokensWith("engine-test-key");
        var context = new RequestContext();
        return new WebhookDeliveryEngine("hooks",
            new RecordStore<WebhookDeliveryRecord>(_state, WebhookDeliveryRecord.Type, _clock, context, tokens),
            new RecordStore<WebhookAttemptRecord>(_state, WebhookAttemptRecord.Type, _clock, context, tokens),
            new RecordStore<WebhookDestinationHealth>(_state, WebhookDestinationHealth.Type, _clock, context, tokens),
            _sender, _options, () => _owner, _clock, NullLogger.Instance);
    }

    private static WebhookMessage Message(string id) =>
        new(id, "customer.created", Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","type":"customer.created"}"""), DateTimeOffset.UnixEpoch);

    private async Task<WebhookDeliveryRecord> StageAsync(string eventId, DestinationRef? destination = null)
    {
        var batch = new RecordBatch();
        var staged = Engine().Enqueue(batch, "org1", destination ?? Hook, Message(eventId));
        Assert.True((await batch.CommitAsync(Ct)).Succeeded);
        return staged;
    }

    private async Task SweepAsync()
    {
        var engine = Engine();
        var due = await new RecordStore<WebhookDeliveryRecord>(_state, WebhookDeliveryRecord.Type, _clock, new RequestContext(), RecordKit.TokensWith("k"))
            .ListAcrossOrgsAsync([State.StateFilter.Below("due_ms", _clock.GetUtcNow().ToUnixTimeMilliseconds(), inclusive: true)], 100, ct: Ct);
        foreach (var group in due.Items.GroupBy(d => (d.Orgcode, d.Record.Destination)))
        {
            await engine.DeliverDueAsync(group.Key.Orgcode, group.Key.Destination, [.. group.Select(d => d.Record.DeliveryGuid).Order(StringComparer.Ordinal)], Ct);
        }
    }

    [Fact]
    public async Task a_staged_delivery_is_sent_signed_logged_and_reported()
    {
        var staged = await StageAsync("evt-1");

        await SweepAsync();

        var sent = Assert.Single(_sender.Sent);
        Assert.Equal("msg_" + staged.DeliveryGuid, sent.MessageId);
        Assert.Equal(staged.Payload, Encoding.UTF8.GetString(sent.Payload));
        var delivery = Assert.Single((await Engine().ListAsync("org1", Hook, ct: Ct)).Items);
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
        var attempt = Assert.Single(await Engine().AttemptsAsync("org1", delivery.DeliveryGuid, Ct));
        Assert.Equal((true, 200, "ok"), (attempt.Delivered, attempt.StatusCode, attempt.ResponseExcerpt));
        Assert.Equal((true, 0), (_owner.Outcomes.Single().Attempt.Delivered, _owner.Outcomes.Single().Failures));
    }

    [Fact]
    public async Task a_failed_attempt_is_retried_on_the_schedule_and_fails_after_the_last()
    {
        _sender.Answer = _ => new WebhookResult(false, 500, "HTTP 500", 1, "boom");
        var staged = await StageAsync("evt-1");

        await SweepAsync();
        await SweepAsync();
        Assert.Single(_sender.Sent);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await SweepAsync();
        Assert.Equal(2, _sender.Sent.Count);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await SweepAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        await SweepAsync();

        Assert.Equal(3, _sender.Sent.Count);
        var delivery = (await Engine().ListAsync("org1", Hook, ct: Ct)).Items.Single();
        Assert.Equal((DeliveryStatus.Failed, 3, 500), (delivery.Status, delivery.AttemptCount, delivery.LastStatusCode));
        var attempts = await Engine().AttemptsAsync("org1", staged.DeliveryGuid, Ct);
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Number));
        Assert.All(attempts, a => Assert.Equal("boom", a.ResponseExcerpt));
        Assert.Equal([1, 2, 3], _owner.Outcomes.Select(o => o.Failures));
    }

    [Fact]
    public async Task a_retry_that_succeeds_delivers_and_clears_the_failure_run()
    {
        var answers = new Queue<WebhookResult>([new(false, 503, "HTTP 503", 1), new(true, 200, null, 1)]);
        _sender.Answer = _ => answers.Dequeue();
        await StageAsync("evt-1");

        await SweepAsync();
        _clock.Advance(TimeSpan.FromSeconds(5));
        await SweepAsync();

        var delivery = (await Engine().ListAsync("org1", Hook, ct: Ct)).Items.Single();
        Assert.Equal((DeliveryStatus.Delivered, 2), (delivery.Status, delivery.AttemptCount));
        Assert.Equal([1, 0], _owner.Outcomes.Select(o => o.Failures));
        Assert.Equal(0, (await Engine().HealthAsync("org1", Hook, Ct))!.ConsecutiveFailures);
    }

    [Fact]
    public async Task a_failing_destination_waits_out_its_backoff_instead_of_failing_its_whole_queue()
    {
        _sender.Answer = _ => new WebhookResult(false, 500, "HTTP 500", 1);
        await StageAsync("evt-1");
        await StageAsync("evt-2");
        await StageAsync("evt-3");

        await SweepAsync();
        await SweepAsync();

        Assert.Single(_sender.Sent);
        Assert.Equal(1, (await Engine().HealthAsync("org1", Hook, Ct))!.ConsecutiveFailures);
        _sender.Answer = _ => new WebhookResult(true, 200, null, 1);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await SweepAsync();
        Assert.Equal(["evt-1", "evt-1", "evt-2", "evt-3"], _sender.Sent.Select(s => EventIdOf(s)));
    }

    [Fact]
    public async Task the_same_event_staged_twice_for_a_destination_conflicts()
    {
        await StageAsync("evt-1");
        var batch = new RecordBatch();
        Engine().Enqueue(batch, "org1", Hook, Message("evt-1"));

        var second = await batch.CommitAsync(Ct);

        Assert.Equal(RecordWriteOutcome.Duplicate, second.Outcome);
    }

    [Fact]
    public async Task a_paused_destination_holds_its_deliveries_uncounted_until_it_sends_again()
    {
        _owner.Targets[Hook] = Target with { Sending = false };
        await StageAsync("evt-1");

        await SweepAsync();
        Assert.Empty(_sender.Sent);
        _owner.Targets[Hook] = Target;
        _clock.Advance(_options.HeldRecheck);
        await SweepAsync();

        var delivery = Assert.Single((await Engine().ListAsync("org1", Hook, ct: Ct)).Items);
        Assert.Equal((DeliveryStatus.Delivered, 1), (delivery.Status, delivery.AttemptCount));
    }

    [Fact]
    public async Task a_deleted_destination_cancels_its_deliveries()
    {
        _owner.Targets.TryRemove(Hook, out _);
        await StageAsync("evt-1");

        await SweepAsync();

        Assert.Empty(_sender.Sent);
        Assert.Equal(DeliveryStatus.Cancelled, (await Engine().ListAsync("org1", Hook, ct: Ct)).Items.Single().Status);
    }

    [Fact]
    public async Task replay_stages_a_new_delivery_of_each_in_the_window_with_the_original_message_id()
    {
        var first = await StageAsync("evt-1");
        await SweepAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        var second = await StageAsync("evt-2");
        await SweepAsync();

        var staged = await Engine().ReplayAsync("org1", Hook, first.CreatedAt.AddMinutes(30), _clock.GetUtcNow().AddSeconds(1), Ct);
        await SweepAsync();

        Assert.Equal(1, staged);
        Assert.Equal(["msg_" + first.DeliveryGuid, "msg_" + second.DeliveryGuid, "msg_" + second.DeliveryGuid], _sender.Sent.Select(s => s.MessageId));
        var replay = (await Engine().ListAsync("org1", Hook, ct: Ct)).Items.First();
        Assert.Equal(second.DeliveryGuid, replay.ReplayOf);
    }

    [Fact]
    public async Task send_now_attempts_once_and_logs_it()
    {
        _sender.Answer = _ => new WebhookResult(false, 404, "HTTP 404", 1, "not here");

        var result = await Engine().SendNowAsync("org1", Hook, Target, Message("test-1"), Ct);

        Assert.Equal((false, 404, "not here"), (result.Delivered, result.StatusCode, result.ResponseExcerpt));
        var delivery = Assert.Single((await Engine().ListAsync("org1", Hook, ct: Ct)).Items);
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Single(await Engine().AttemptsAsync("org1", delivery.DeliveryGuid, Ct));
    }

    private static string EventIdOf(WebhookDelivery delivery) =>
        System.Text.Json.JsonDocument.Parse(delivery.Payload).RootElement.GetProperty("id").GetString()!;

    public void Dispose()
    {
        _state.Dispose();
        _dir.Dispose();
    }

    private sealed class ScriptedSender : IWebhookSender
    {
        public ConcurrentQueue<WebhookDelivery> SentQueue { get; } = new();

        public IReadOnlyList<WebhookDelivery> Sent => [.. SentQueue];

        public Func<WebhookDelivery, WebhookResult> Answer { get; set; } = _ => new WebhookResult(true, 200, null, 1, "ok");

        public Task<WebhookResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
        {
            SentQueue.Enqueue(delivery);
            return Task.FromResult(Answer(delivery));
        }
    }

    private sealed class Destinations : IDeliveryDestinations
    {
        public ConcurrentDictionary<DestinationRef, DeliveryDestination> Targets { get; } = new();

        public List<(WebhookAttemptResult Attempt, int Failures)> Outcomes { get; } = [];

        public Task<DeliveryDestination?> GetAsync(string orgcode, DestinationRef destination, CancellationToken ct = default) =>
            Task.FromResult(Targets.GetValueOrDefault(destination));

        public Task OnAttemptAsync(string orgcode, DestinationRef destination, WebhookAttemptResult attempt, int consecutiveFailures, CancellationToken ct = default)
        {
            Outcomes.Add((attempt, consecutiveFailures));
            return Task.CompletedTask;
        }
    }
}
