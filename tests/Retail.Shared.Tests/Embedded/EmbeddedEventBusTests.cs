using System.Collections.Concurrent;
using System.Text.Json;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared.Contract;
using Retail.Shared.Embedded;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.State;

namespace Retail.Shared.Tests.Embedded;

public sealed class EmbeddedEventBusTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A guard against a hung test, not an expectation about speed.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public sealed record OrderPlaced(string OrderGuid, int Sequence);

    /// <summary>What a subscriber saw: the event, the CloudEvent headers and the request context.</summary>
    public sealed record Received(OrderPlaced Event, string? CeId, string? CeType, string? CeSource, string? CeSubject, string? OrgHeader,
        string? RequestIdHeader, string? PrincipalId, string? ContextOrgcode, string? ContextAppId, string? ContextRequestId);

    /// <summary>Collects deliveries and lets a test await a condition over them.</summary>
    public sealed class Inbox
    {
        private readonly ConcurrentQueue<Received> _items = new();
        private readonly Lock _gate = new();
        private readonly List<(Func<IReadOnlyList<Received>, bool> Done, TaskCompletionSource Signal)> _waiters = [];

        public IReadOnlyList<Received> Items => [.. _items];

        public void Add(Received item)
        {
            _items.Enqueue(item);
            lock (_gate)
            {
                foreach (var waiter in _waiters.Where(w => w.Done(Items)).ToList())
                {
                    waiter.Signal.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        public Task WaitAsync(Func<IReadOnlyList<Received>, bool> done)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (done(Items))
                {
                    return Task.CompletedTask;
                }
                _waiters.Add((done, signal));
            }
            return signal.Task.WaitAsync(Hang);
        }
    }

    private async Task<WebApplication> StartHostAsync(Action<WebApplication> map, Action<RetailOptions>? configure = null, Inbox? inbox = null,
        Action<IServiceCollection>? services = null)
    {
        var app = BuildHost(map, configure, inbox, services);
        await app.StartAsync(Ct);
        return app;
    }

    /// <summary>A host built and not started: its stores open when first asked for, and no hosted service (the dispatcher) runs.</summary>
    private WebApplication BuildHost(Action<WebApplication> map, Action<RetailOptions>? configure = null, Inbox? inbox = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        // As the hosts do: the contract's snake_case JSON on the wire, which is also how events are stored.
        builder.Services.ConfigureHttpJsonOptions(o => Retail.Shared.Json.RetailJson.Configure(o.SerializerOptions, strict: false));
        var options = _dir.Options(o =>
        {
            o.Events.InitialBackoff = TimeSpan.FromMilliseconds(5);
            o.Events.MaxBackoff = TimeSpan.FromMilliseconds(40);
            o.Events.PollInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        });
        builder.Services.AddEmbeddedState(options, ["scm", "ofm"]);
        builder.Services.AddSingleton(inbox ?? new Inbox());
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        return app;
    }

    /// <summary>Whether a start position is still kept for subscribers that no dispatcher has recorded in the app's file.</summary>
    private bool StartKept(string appId) => _dir.Count(appId, "SELECT count(*) FROM meta WHERE name = 'subscriber_start'") > 0;

    private static Received Capture(OrderPlaced e, HttpRequest request, RequestContext context) => new(
        e,
        request.Headers["ce-id"],
        request.Headers["ce-type"],
        request.Headers["ce-source"],
        request.Headers["ce-subject"],
        request.Headers["x-orgcode"],
        request.Headers["x-request-id"],
        context.Principal?.Id,
        context.Orgcode,
        context.AppId,
        context.RequestId);

    private static void MapRecordingSubscriber(WebApplication app) =>
        app.MapPost("/ofm/events/order-placed", (OrderPlaced e, HttpRequest request, RequestContext context, Inbox inbox) =>
        {
            inbox.Add(Capture(e, request, context));
            return TypedResults.Ok();
        }).WithTopic(Topics.PubSubName, "order.placed");

    private static IEventBus Bus(WebApplication app, string appId = "scm") => app.Services.GetRequiredKeyedService<IEventBus>(appId);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var guard = new CancellationTokenSource(Hang);
        while (!await condition())
        {
            await Task.Delay(10, guard.Token);
        }
    }

    [Fact]
    public async Task a_published_event_reaches_the_WithTopic_endpoint_with_its_cloud_event_headers_and_context()
    {
        var inbox = new Inbox();
        await using var app = await StartHostAsync(MapRecordingSubscriber, inbox: inbox);

        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-1", 1), new EventOptions(Subject: "order/o-1", Orgcode: "acme", Id: "evt-1"), Ct);
        await inbox.WaitAsync(items => items.Count == 1);

        var received = Assert.Single(inbox.Items);
        Assert.Equal(new OrderPlaced("o-1", 1), received.Event);
        Assert.Equal("evt-1", received.CeId);
        Assert.Equal("order.placed", received.CeType);
        Assert.Equal("scm", received.CeSource);
        Assert.Equal("order/o-1", received.CeSubject);
        Assert.Equal("acme", received.OrgHeader);
        Assert.Equal("evt-1", received.RequestIdHeader);
        Assert.Equal("service:scm", received.PrincipalId);
        Assert.Equal("acme", received.ContextOrgcode);
        Assert.Equal("ofm", received.ContextAppId);
        Assert.Equal("evt-1", received.ContextRequestId);
        await WaitUntilAsync(async () => await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);
    }

    [Fact]
    public async Task an_event_committed_with_a_state_change_is_delivered()
    {
        var inbox = new Inbox();
        await using var app = await StartHostAsync(MapRecordingSubscriber, inbox: inbox);
        var store = app.Services.GetRequiredKeyedService<IStateStore>("scm");

        var message = new OutboxMessage("evt-2", "order.placed", "order.placed", "scm", "order/o-2", "acme",
            Retail.Shared.Json.RetailJson.ToBytes(new OrderPlaced("o-2", 1)), DateTimeOffset.UtcNow);
        await store.TransactAsync(new StateTransaction().Upsert("order/o-2", Json.Bytes("{}"), null).Publish(message), Ct);
        await inbox.WaitAsync(items => items.Count == 1);

        Assert.Equal("o-2", Assert.Single(inbox.Items).Event.OrderGuid);
    }

    [Fact]
    public async Task a_failing_message_holds_back_its_subject_only()
    {
        var inbox = new Inbox();
        var attempts = new ConcurrentQueue<string>();
        await using var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", Results<Ok, StatusCodeHttpResult> (OrderPlaced e, HttpRequest request, RequestContext context, Inbox box) =>
            {
                attempts.Enqueue($"{e.OrderGuid}#{e.Sequence}");
                // o-a's first message fails until o-b's message has been delivered, which shows o-b was not held back.
                if (e is { OrderGuid: "o-a", Sequence: 1 } && !box.Items.Any(r => r.Event.OrderGuid == "o-b"))
                {
                    return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }
                box.Add(Capture(e, request, context));
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed"),
            o => o.Events.MaxAttempts = 1000, inbox);

        var bus = Bus(app);
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-a", 1), new EventOptions(Subject: "order/o-a"), Ct);
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-a", 2), new EventOptions(Subject: "order/o-a"), Ct);
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-a", 3), new EventOptions(Subject: "order/o-a"), Ct);
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-b", 1), new EventOptions(Subject: "order/o-b"), Ct);
        await inbox.WaitAsync(items => items.Count == 4);

        var delivered = inbox.Items.Select(r => $"{r.Event.OrderGuid}#{r.Event.Sequence}").ToList();
        Assert.Equal(["o-a#1", "o-a#2", "o-a#3"], delivered.Where(d => d.StartsWith("o-a", StringComparison.Ordinal)));
        Assert.True(delivered.IndexOf("o-b#1") < delivered.IndexOf("o-a#1"));
        // Nothing behind the failing message was tried before it went through.
        var tried = attempts.ToList();
        Assert.True(tried.IndexOf("o-a#2") > tried.LastIndexOf("o-a#1"));
    }

    [Fact]
    public async Task a_message_in_flight_when_the_host_stops_is_delivered_by_the_next_host()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", async (OrderPlaced e, HttpContext http) =>
            {
                entered.TrySetResult();
                // Hangs until the host shuts down, like a handler cut off by a crash or a deploy.
                await Task.Delay(Timeout.InfiniteTimeSpan, http.RequestAborted);
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed"));
        await Bus(first).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-r", 1), new EventOptions(Subject: "order/o-r", Id: "evt-r"), Ct);
        await entered.Task.WaitAsync(Hang, Ct);
        await first.StopAsync(Ct);
        await first.DisposeAsync();
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM deliveries"));

        var inbox = new Inbox();
        await using var second = await StartHostAsync(MapRecordingSubscriber, inbox: inbox);
        await inbox.WaitAsync(items => items.Count == 1);

        Assert.Equal("evt-r", Assert.Single(inbox.Items).CeId);
    }

    [Fact]
    public async Task a_handler_failing_because_the_host_is_stopping_does_not_fail_the_stop_and_its_message_stays_due()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", async (OrderPlaced e, HttpContext http) =>
            {
                entered.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // What a handler sees when what it uses (a workflow engine, a store) has shut down first.
                    throw new ObjectDisposedException("journal");
                }
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed"));
        await Bus(first).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-s", 1), new EventOptions(Subject: "order/o-s", Id: "evt-s"), Ct);
        await entered.Task.WaitAsync(Hang, Ct);

        await first.StopAsync(Ct);
        await first.DisposeAsync();

        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM deliveries"));
    }

    [Fact]
    public async Task a_host_that_begins_to_stop_attempts_no_more_deliveries_and_leaves_a_failing_message_its_attempts()
    {
        var calls = 0;
        var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", (OrderPlaced e) =>
            {
                Interlocked.Increment(ref calls);
                // What a handler answers while what it needs is shutting down.
                return TypedResults.Problem("stopping", statusCode: 503);
            }).WithTopic(Topics.PubSubName, "order.placed"),
            o => o.Events.MaxAttempts = 10_000);
        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-x", 1), new EventOptions(Subject: "order/o-x", Id: "evt-x"), Ct);
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref calls) >= 2));

        // The stop begins; the other hosted services may take long to stop before the dispatcher's own turn comes.
        app.Lifetime.StopApplication();
        await Task.Delay(200, Ct);
        var atStop = Volatile.Read(ref calls);
        // Dozens of backoffs (5 to 40 ms) long: a dispatcher still running would have tried again many times.
        await Task.Delay(1000, Ct);

        Assert.Equal(atStop, Volatile.Read(ref calls));
        await app.StopAsync(Ct);
        await app.DisposeAsync();
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM deliveries"));
        Assert.Equal(0, _dir.Count("scm", "SELECT count(*) FROM dead_letters"));
    }

    [Fact]
    public async Task a_message_that_keeps_failing_goes_to_the_dead_letters_and_unblocks_its_subject()
    {
        var calls = new ConcurrentQueue<int>();
        var healthy = false;
        var inbox = new Inbox();
        await using var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", Results<Ok, ProblemHttpResult> (OrderPlaced e, HttpRequest request, RequestContext context, Inbox box) =>
            {
                calls.Enqueue(e.Sequence);
                if (e.Sequence == 1 && !Volatile.Read(ref healthy))
                {
                    return TypedResults.Problem("broken", statusCode: 500);
                }
                box.Add(Capture(e, request, context));
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed"),
            o => o.Events.MaxAttempts = 3, inbox);
        var diagnostics = app.Services.GetRequiredService<EventBusDiagnostics>();

        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-d", 1), new EventOptions(Subject: "order/o-d", Id: "evt-d1"), Ct);
        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-d", 2), new EventOptions(Subject: "order/o-d", Id: "evt-d2"), Ct);
        await inbox.WaitAsync(items => items.Count == 1);

        var dead = Assert.Single(await diagnostics.DeadLettersAsync(cancellationToken: Ct));
        Assert.Equal(("scm", "/ofm/events/order-placed", "evt-d1", 3, "HTTP 500"), (dead.AppId, dead.Subscriber, dead.MessageId, dead.Attempts, dead.LastError));
        Assert.Equal(3, calls.Count(c => c == 1));
        Assert.Equal(2, Assert.Single(inbox.Items).Event.Sequence);

        Volatile.Write(ref healthy, true);
        Assert.True(await diagnostics.RequeueAsync("scm", dead.Subscriber, dead.MessageId, Ct));
        await inbox.WaitAsync(items => items.Count == 2);
        Assert.Empty(await diagnostics.DeadLettersAsync(cancellationToken: Ct));
        Assert.False(await diagnostics.RequeueAsync("scm", dead.Subscriber, dead.MessageId, Ct));
    }

    [Fact]
    public async Task a_subscriber_answering_drop_dead_letters_at_once_and_retry_is_retried()
    {
        var calls = new ConcurrentDictionary<int, int>();
        var inbox = new Inbox();
        await using var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", (OrderPlaced e, HttpRequest request, RequestContext context, Inbox box) =>
            {
                var call = calls.AddOrUpdate(e.Sequence, 1, (_, n) => n + 1);
                if (e.Sequence == 1)
                {
                    return TypedResults.Ok(new { status = "DROP" });
                }
                if (call == 1)
                {
                    return TypedResults.Ok(new { status = "RETRY" });
                }
                box.Add(Capture(e, request, context));
                return TypedResults.Ok(new { status = "SUCCESS" });
            }).WithTopic(Topics.PubSubName, "order.placed"),
            inbox: inbox);
        var diagnostics = app.Services.GetRequiredService<EventBusDiagnostics>();

        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-1", 1), cancellationToken: Ct);
        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-2", 2), cancellationToken: Ct);
        await inbox.WaitAsync(items => items.Count == 1);
        await WaitUntilAsync(async () => (await diagnostics.DeadLettersAsync()).Count == 1);

        Assert.Equal(1, calls[1]);
        Assert.Equal(2, calls[2]);
        Assert.Equal(1, (await diagnostics.DeadLettersAsync(cancellationToken: Ct))[0].Attempts);
    }

    [Fact]
    public async Task an_idempotent_consumer_applies_a_redelivered_event_once()
    {
        var calls = 0;
        var inbox = new Inbox();
        await using var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", async Task<Results<Ok, StatusCodeHttpResult>> (OrderPlaced e, HttpRequest request, RequestContext context,
                [FromKeyedServices("ofm")] IStateStore store, Inbox box) =>
            {
                var call = Interlocked.Increment(ref calls);
                // The pattern: remember the event id in the same transaction as the effect; a second delivery finds it.
                var counter = await store.GetAsync("orders-placed/acme");
                var count = counter is null ? 0 : int.Parse(Json.Text(counter.Value), System.Globalization.CultureInfo.InvariantCulture);
                var commit = await store.TransactAsync(new StateTransaction()
                    .Upsert($"inbox/{request.Headers["ce-id"]}", Json.Bytes("{}"), null, TimeSpan.FromDays(7))
                    .Upsert("orders-placed/acme", Json.Bytes((count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), counter?.ETag));
                if (!commit.Committed && commit.ConflictKey!.StartsWith("inbox/", StringComparison.Ordinal))
                {
                    box.Add(Capture(e, request, context));
                    return TypedResults.Ok();
                }
                if (!commit.Committed)
                {
                    return TypedResults.StatusCode(StatusCodes.Status409Conflict);
                }
                // The first time, the effect is committed but the acknowledgement is lost (say, the process dies here).
                return call == 1 ? TypedResults.StatusCode(StatusCodes.Status500InternalServerError) : TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed"),
            inbox: inbox);

        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-i", 1), new EventOptions(Id: "evt-i"), Ct);
        await inbox.WaitAsync(items => items.Count == 1);

        var store = app.Services.GetRequiredKeyedService<IStateStore>("ofm");
        Assert.Equal("1", Json.Text((await store.GetAsync("orders-placed/acme", Ct))!.Value));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task a_subscriber_receives_what_was_published_since_it_was_first_seen()
    {
        await using (var before = await StartHostAsync(_ => { }))
        {
            await Bus(before).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-old", 1), cancellationToken: Ct);
            // Its dispatcher's first round has recorded that it has no subscribers (a host stopped before that round
            // leaves its start position to the next one: the test below).
            await WaitUntilAsync(() => Task.FromResult(!StartKept("scm")));
        }

        var inbox = new Inbox();
        await using var app = await StartHostAsync(MapRecordingSubscriber, inbox: inbox);
        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-new", 1), cancellationToken: Ct);
        await inbox.WaitAsync(items => items.Count == 1);
        await WaitUntilAsync(async () => await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);

        Assert.Equal("o-new", Assert.Single(inbox.Items).Event.OrderGuid);
        Assert.Equal(2, _dir.Count("scm", "SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task a_subscriber_gets_what_a_host_that_had_it_committed_before_its_dispatcher_ever_ran()
    {
        // A host that stops in its first moments: what it committed is in the outbox, its subscribers are not yet
        // recorded in the file. Before the start position was kept, the next host recorded them from where it opened
        // the file and passed over these messages (a saga never started in one CI run in four).
        await using (var stopped = BuildHost(MapRecordingSubscriber))
        {
            await Bus(stopped).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-1", 1), cancellationToken: Ct);
            await Bus(stopped).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-2", 2), cancellationToken: Ct);
        }
        Assert.True(StartKept("scm"));

        var inbox = new Inbox();
        await using var app = await StartHostAsync(MapRecordingSubscriber, inbox: inbox);
        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-3", 3), cancellationToken: Ct);
        await inbox.WaitAsync(items => items.Count == 3);
        await WaitUntilAsync(async () => await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);

        // Published without a subject, so in no particular order: each once is what counts.
        Assert.Equal(["o-1", "o-2", "o-3"], inbox.Items.Select(i => i.Event.OrderGuid).Order());
        Assert.False(StartKept("scm"));
        Assert.Equal(3, _dir.Count("scm", "SELECT min(cursor) FROM subscribers"));
    }

    [Fact]
    public async Task a_subscriber_absent_from_a_host_gets_what_was_published_meanwhile_when_it_is_back_and_the_others_get_nothing_twice()
    {
        var audited = new ConcurrentQueue<int>();
        void MapBoth(WebApplication a)
        {
            MapRecordingSubscriber(a);
            a.MapPost("/ofm/events/order-audit", (OrderPlaced e) =>
            {
                audited.Enqueue(e.Sequence);
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed");
        }
        async Task DrainAsync(WebApplication app) =>
            await WaitUntilAsync(async () => await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);

        var first = new Inbox();
        await using (var app = await StartHostAsync(MapBoth, inbox: first))
        {
            await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-1", 1), cancellationToken: Ct);
            await first.WaitAsync(items => items.Count == 1);
            await DrainAsync(app);
        }
        // The audit subscriber is not part of this host: its cursor stays where it was.
        var second = new Inbox();
        await using (var app = await StartHostAsync(MapRecordingSubscriber, inbox: second))
        {
            await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-2", 2), cancellationToken: Ct);
            await second.WaitAsync(items => items.Count == 1);
            await DrainAsync(app);
        }
        var third = new Inbox();
        await using (var app = await StartHostAsync(MapBoth, inbox: third))
        {
            await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-3", 3), cancellationToken: Ct);
            await WaitUntilAsync(() => Task.FromResult(audited.Count == 3));
            await DrainAsync(app);
        }

        Assert.Equal([1, 2, 3], audited.Order());
        Assert.Equal([3], third.Items.Select(i => i.Event.Sequence));
        Assert.Equal(0, _dir.Count("scm", "SELECT count(*) FROM subscribers WHERE cursor < 3"));
    }

    [Fact]
    public async Task among_hundreds_of_subscribers_each_gets_its_own_topic_and_every_cursor_moves_past_what_was_fanned_out()
    {
        var noise = new ConcurrentQueue<string>();
        var inbox = new Inbox();
        await using var app = await StartHostAsync(a =>
        {
            MapRecordingSubscriber(a);
            for (var i = 0; i < 300; i++)
            {
                var topic = $"noise.{i}";
                a.MapPost($"/ofm/events/noise-{i}", () =>
                {
                    noise.Enqueue(topic);
                    return TypedResults.Ok();
                }).WithTopic(Topics.PubSubName, topic);
            }
        }, inbox: inbox);

        for (var i = 1; i <= 5; i++)
        {
            await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-many", i), new EventOptions(Subject: "order/o-many"), Ct);
        }
        await Bus(app).PublishAsync("noise.7", "noise.7", new OrderPlaced("o-noise", 1), cancellationToken: Ct);
        await inbox.WaitAsync(items => items.Count == 5);
        await WaitUntilAsync(async () => await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);

        Assert.Equal([1, 2, 3, 4, 5], inbox.Items.Select(i => i.Event.Sequence));
        Assert.Equal(["noise.7"], noise);
        Assert.Equal(301, _dir.Count("scm", "SELECT count(*) FROM subscribers"));
        Assert.Equal(0, _dir.Count("scm", "SELECT count(*) FROM subscribers WHERE cursor < (SELECT max(seq) FROM outbox)"));
    }

    [Fact]
    public async Task a_dead_letter_requeued_by_a_later_host_is_delivered()
    {
        await using (var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", () => TypedResults.Problem("broken", statusCode: 500)).WithTopic(Topics.PubSubName, "order.placed"),
            o => o.Events.MaxAttempts = 1))
        {
            await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-late", 1), new EventOptions(Id: "evt-late"), Ct);
            await WaitUntilAsync(async () => (await app.Services.GetRequiredService<EventBusDiagnostics>().DeadLettersAsync(cancellationToken: Ct)).Count == 1);
        }
        Assert.Equal(0, _dir.Count("scm", "SELECT count(*) FROM deliveries"));

        var inbox = new Inbox();
        await using var later = await StartHostAsync(MapRecordingSubscriber, inbox: inbox);
        Assert.True(await later.Services.GetRequiredService<EventBusDiagnostics>().RequeueAsync("scm", "/ofm/events/order-placed", "evt-late", Ct));
        await inbox.WaitAsync(items => items.Count == 1);

        Assert.Equal("evt-late", Assert.Single(inbox.Items).CeId);
    }

    [Fact]
    public async Task events_of_every_app_reach_subscribers_in_other_apps()
    {
        var inbox = new Inbox();
        await using var app = await StartHostAsync(MapRecordingSubscriber, inbox: inbox);

        await Bus(app, "scm").PublishAsync("order.placed", "order.placed", new OrderPlaced("o-s", 1), cancellationToken: Ct);
        await Bus(app, "ofm").PublishAsync("order.placed", "order.placed", new OrderPlaced("o-o", 1), cancellationToken: Ct);
        await inbox.WaitAsync(items => items.Count == 2);

        Assert.Equal(["ofm", "scm"], inbox.Items.Select(i => i.CeSource!).Order(StringComparer.Ordinal));
        Assert.Equal(["/ofm/events/order-placed"], app.Services.GetRequiredService<EventBusDiagnostics>().Subscribers().Select(s => s.Id));
    }

    [Fact]
    public async Task a_hung_handler_times_out_into_the_dead_letters_without_holding_up_other_subjects()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inbox = new Inbox();
        await using var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", async (OrderPlaced e, HttpRequest request, RequestContext context, Inbox box) =>
            {
                if (e.OrderGuid == "o-hung")
                {
                    // Ignores RequestAborted, the worst case.
                    await release.Task;
                }
                box.Add(Capture(e, request, context));
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed"),
            o =>
            {
                o.Events.DeliveryTimeout = TimeSpan.FromSeconds(1);
                o.Events.MaxAttempts = 2;
            },
            inbox);
        var diagnostics = app.Services.GetRequiredService<EventBusDiagnostics>();

        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-hung", 1), new EventOptions(Subject: "order/o-hung", Id: "evt-hung"), Ct);
        await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced("o-next", 1), new EventOptions(Subject: "order/o-next"), Ct);
        await inbox.WaitAsync(items => items.Any(i => i.Event.OrderGuid == "o-next"));
        await WaitUntilAsync(async () => (await diagnostics.DeadLettersAsync(cancellationToken: Ct)).Any(d => d.MessageId == "evt-hung"));

        var dead = (await diagnostics.DeadLettersAsync(cancellationToken: Ct)).Single(d => d.MessageId == "evt-hung");
        Assert.StartsWith("timed out", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(2, dead.Attempts);
        release.SetResult();
    }

    [Fact]
    public async Task a_backlog_larger_than_a_round_is_delivered_whole_and_in_order_per_subject()
    {
        var inbox = new Inbox();
        await using var app = await StartHostAsync(MapRecordingSubscriber, inbox: inbox);
        var bus = Bus(app);

        // More messages than one round takes (256 heads, runs of 64 behind a head), some subjects longer than a run.
        const int Subjects = 40, PerSubject = 70, Unordered = 300;
        var published = new List<Task>();
        for (var n = 1; n <= PerSubject; n++)
        {
            for (var subject = 0; subject < Subjects; subject++)
            {
                published.Add(bus.PublishAsync("order.placed", "order.placed", new OrderPlaced($"o-{subject}", n),
                    new EventOptions(Subject: $"order/o-{subject}"), Ct));
            }
            // Published one wave at a time, so each subject's sequence is in commit order.
            await Task.WhenAll(published);
            published.Clear();
        }
        for (var n = 1; n <= Unordered; n++)
        {
            published.Add(bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-free", n), cancellationToken: Ct));
        }
        await Task.WhenAll(published);
        await inbox.WaitAsync(items => items.Count == (Subjects * PerSubject) + Unordered);

        foreach (var subject in inbox.Items.Where(i => i.Event.OrderGuid != "o-free").GroupBy(i => i.Event.OrderGuid))
        {
            Assert.Equal(Enumerable.Range(1, PerSubject), subject.Select(i => i.Event.Sequence));
        }
        Assert.Equal(Enumerable.Range(1, Unordered), inbox.Items.Where(i => i.Event.OrderGuid == "o-free").Select(i => i.Event.Sequence).Order());
        await WaitUntilAsync(async () => await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);
    }

    [Fact]
    public async Task delivered_messages_past_the_retention_are_purged_while_undelivered_and_recent_ones_stay()
    {
        var inbox = new Inbox();
        await using var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-placed", Results<Ok, StatusCodeHttpResult> (OrderPlaced e, HttpRequest request, RequestContext context, Inbox box) =>
            {
                if (e.OrderGuid == "o-stuck")
                {
                    return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }
                box.Add(Capture(e, request, context));
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed"),
            o =>
            {
                o.Events.MaxAttempts = 100_000;
                o.Events.OutboxRetention = TimeSpan.FromSeconds(3);
                o.State.SweepInterval = TimeSpan.FromMilliseconds(100);
            },
            inbox);
        var bus = Bus(app);

        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-1", 1), new EventOptions(Subject: "order/o-1", Id: "evt-1"), Ct);
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-stuck", 1), new EventOptions(Subject: "order/o-stuck", Id: "evt-stuck"), Ct);
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-2", 1), new EventOptions(Id: "evt-2"), Ct);
        await inbox.WaitAsync(items => items.Count == 2);
        Assert.Equal(3, _dir.Count("scm", "SELECT count(*) FROM outbox"));

        // Past the retention, the delivered ones go; the one still being retried stays.
        await WaitUntilAsync(() => Task.FromResult(_dir.Count("scm", "SELECT count(*) FROM outbox") == 1));
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM outbox WHERE id = 'evt-stuck'"));

        // A message delivered now is younger than the retention and stays, behind the old one still pending.
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-3", 1), new EventOptions(Id: "evt-3"), Ct);
        await inbox.WaitAsync(items => items.Count == 3);
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM outbox WHERE id = 'evt-3'"));
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM deliveries d JOIN outbox o ON o.seq = d.seq WHERE o.id = 'evt-stuck' AND d.attempts > 0"));
    }

    /// <summary>Wants the orgs added to it, once loaded; every org before.</summary>
    public sealed class PartnerOrgs : OrgDeliveryInterest;

    [Fact]
    public async Task a_subscriber_with_a_delivery_interest_gets_deliveries_only_for_the_orgs_it_wants()
    {
        var everyOrg = new ConcurrentQueue<string>();
        var wanted = new ConcurrentQueue<string>();
        var partners = new PartnerOrgs();
        await using var app = await StartHostAsync(a =>
        {
            a.MapPost("/ofm/events/order-placed", (OrderPlaced e) =>
            {
                everyOrg.Enqueue(e.OrderGuid);
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed");
            a.MapPost("/ofm/events/partner-order-placed", (OrderPlaced e) =>
            {
                wanted.Enqueue(e.OrderGuid);
                return TypedResults.Ok();
            }).WithTopic(Topics.PubSubName, "order.placed").WithDeliveryInterest<PartnerOrgs>();
        }, configure: null, inbox: null, services: s => s.AddSingleton(partners));
        var diagnostics = app.Services.GetRequiredService<EventBusDiagnostics>();
        async Task PublishAndDrainAsync(string orderGuid, string? orgcode)
        {
            await Bus(app).PublishAsync("order.placed", "order.placed", new OrderPlaced(orderGuid, 1), new EventOptions(Orgcode: orgcode), Ct);
            await WaitUntilAsync(async () => everyOrg.Contains(orderGuid) && await diagnostics.PendingCountAsync() == 0);
        }

        // Not loaded yet: every org is wanted.
        await PublishAndDrainAsync("before-load", "globex");
        partners.Add("acme");
        partners.MarkLoaded();
        await PublishAndDrainAsync("acme-1", "acme");
        await PublishAndDrainAsync("globex-1", "globex");
        await PublishAndDrainAsync("no-org", null);
        partners.Add("globex");
        await PublishAndDrainAsync("globex-2", "globex");

        Assert.Equal(["before-load", "acme-1", "globex-1", "no-org", "globex-2"], everyOrg);
        Assert.Equal(["before-load", "acme-1", "no-org", "globex-2"], wanted);
        // The skipped message left no delivery row behind: everything published was fanned out and settled.
        Assert.Equal(0, _dir.Count("scm", "SELECT count(*) FROM deliveries"));
    }

    /// <summary>One entry of a bulk request as the subscriber read it: the entry id and its CloudEvent's attributes and data.</summary>
    public sealed record BulkEntry(string EntryId, string? Id, string? Source, string? Type, string? Subject, string? Orgcode, string? SpecVersion,
        OrderPlaced Data)
    {
        public string Name => $"{Data.OrderGuid}#{Data.Sequence}";
    }

    /// <summary>
    /// A bulk subscriber (Dapr's <c>.WithBulkSubscribe</c>) that records each request and answers each entry with the
    /// status <paramref name="statusOf"/> gives (null leaves the entry out of the reply). Its first request waits for
    /// <paramref name="release"/>, so what is published meanwhile is due together at the next round.
    /// </summary>
    private static Action<WebApplication> MapBulkSubscriber(int max, ConcurrentQueue<(string Topic, List<BulkEntry> Entries)> requests,
        Func<BulkEntry, int, string?> statusOf, TaskCompletionSource entered, Task release) => a =>
        a.MapPost("/ofm/events/order-bulk", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: Ct);
            var entries = document.RootElement.GetProperty("entries").EnumerateArray().Select(entry =>
            {
                var e = entry.GetProperty("event");
                string? Attribute(string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;
                return new BulkEntry(entry.GetProperty("entryId").GetString()!, Attribute("id"), Attribute("source"), Attribute("type"),
                    Attribute("subject"), Attribute("orgcode"), Attribute("specversion"),
                    e.GetProperty("data").Deserialize<OrderPlaced>(Retail.Shared.Json.RetailJson.Storage)!);
            }).ToList();
            var seen = requests.SelectMany(r => r.Entries).ToList();
            requests.Enqueue((document.RootElement.GetProperty("topic").GetString()!, entries));
            if (entered.TrySetResult())
            {
                await release;
            }
            var statuses = entries
                .Select(e => (e.EntryId, Status: statusOf(e, seen.Count(s => s.EntryId == e.EntryId))))
                .Where(e => e.Status is not null)
                .Select(e => new { entryId = e.EntryId, status = e.Status });
            return TypedResults.Json(new { statuses }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }).WithTopic(Topics.PubSubName, "order.placed")
            .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = "order.placed", MaxMessagesCount = max });

    [Fact]
    public async Task a_bulk_subscriber_gets_what_is_due_in_requests_of_at_most_its_max_as_dapr_sends_them_and_in_order_per_subject()
    {
        var requests = new ConcurrentQueue<(string Topic, List<BulkEntry> Entries)>();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartHostAsync(MapBulkSubscriber(4, requests, (_, _) => "SUCCESS", entered, release.Task));
        var bus = Bus(app);

        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-first", 1), new EventOptions(Subject: "order/o-first"), Ct);
        await entered.Task.WaitAsync(Hang, Ct);
        // While the first request is held, a backlog: two subjects of four messages each and three unordered ones.
        foreach (var n in Enumerable.Range(1, 4))
        {
            await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-a", n),
                new EventOptions(Subject: "order/o-a", Orgcode: "acme", Id: $"evt-a{n}"), Ct);
            await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-b", n), new EventOptions(Subject: "order/o-b"), Ct);
        }
        foreach (var n in Enumerable.Range(1, 3))
        {
            await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-free", n), cancellationToken: Ct);
        }
        release.SetResult();
        await WaitUntilAsync(async () => await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);

        var all = requests.ToList();
        Assert.All(all, r => Assert.Equal("order.placed", r.Topic));
        Assert.All(all, r => Assert.InRange(r.Entries.Count, 1, 4));
        // The backlog of 11 went in requests as full as the max allows, oldest first.
        Assert.Equal(["o-first#1"], all[0].Entries.Select(e => e.Name));
        Assert.Equal([4, 4, 3], all.Skip(1).Select(r => r.Entries.Count));
        var delivered = all.SelectMany(r => r.Entries).ToList();
        Assert.Equal(12, delivered.Select(e => e.EntryId).Distinct().Count());
        Assert.Equal(delivered.Count, delivered.Select(e => e.EntryId).Distinct().Count());
        Assert.Equal(["o-a#1", "o-a#2", "o-a#3", "o-a#4"], delivered.Where(e => e.Data.OrderGuid == "o-a").Select(e => e.Name));
        Assert.Equal(["o-b#1", "o-b#2", "o-b#3", "o-b#4"], delivered.Where(e => e.Data.OrderGuid == "o-b").Select(e => e.Name));
        // Each entry is the message's CloudEvent, with the contract's orgcode extension, keyed by the message id.
        var a2 = Assert.Single(delivered, e => e.Name == "o-a#2");
        Assert.Equal(("evt-a2", "evt-a2", "scm", "order.placed", "order/o-a", "acme", "1.0"),
            (a2.EntryId, a2.Id, a2.Source, a2.Type, a2.Subject, a2.Orgcode, a2.SpecVersion));
        Assert.Null(Assert.Single(delivered, e => e.Name == "o-free#2").Subject);
    }

    [Fact]
    public async Task a_bulk_request_stops_at_the_byte_cap_and_a_message_larger_than_the_cap_still_goes_alone()
    {
        var requests = new ConcurrentQueue<(string Topic, List<BulkEntry> Entries)>();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // {"order_guid":"o-a","sequence":1} is 33 bytes: two fit in 70, three do not.
        await using var app = await StartHostAsync(MapBulkSubscriber(100, requests, (_, _) => "SUCCESS", entered, release.Task),
            o => o.Events.MaxBulkBytes = 70);
        var bus = Bus(app);

        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-first", 1), new EventOptions(Subject: "order/o-first"), Ct);
        await entered.Task.WaitAsync(Hang, Ct);
        foreach (var n in Enumerable.Range(1, 5))
        {
            await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-a", n), new EventOptions(Subject: "order/o-a"), Ct);
        }
        // Larger than the cap on its own.
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced(new string('x', 200), 1), new EventOptions(Subject: "order/o-big"), Ct);
        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-a", 6), new EventOptions(Subject: "order/o-a"), Ct);
        release.SetResult();
        await WaitUntilAsync(async () => await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);

        var all = requests.ToList();
        Assert.Equal(["o-first#1"], all[0].Entries.Select(e => e.Name));
        // The backlog of 7, oldest first, in requests of at most 70 bytes of data: the fifth alone (the large one does not fit
        // beside it), then the large one alone, over the cap.
        Assert.Equal([2, 2, 1, 1, 1], all.Skip(1).Select(r => r.Entries.Count));
        Assert.Equal(200, Assert.Single(all[4].Entries).Data.OrderGuid.Length);
        Assert.Equal(["o-a#1", "o-a#2", "o-a#3", "o-a#4", "o-a#5", "o-a#6"],
            all.SelectMany(r => r.Entries).Where(e => e.Data.OrderGuid == "o-a").Select(e => e.Name));
    }

    [Fact]
    public async Task a_bulk_entry_to_retry_holds_back_only_what_follows_it_in_its_subject_and_a_dropped_one_is_dead_lettered_at_once()
    {
        var requests = new ConcurrentQueue<(string Topic, List<BulkEntry> Entries)>();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // First attempts: o-a#1 asks for a retry, o-d#1 gets no status (retried as Dapr does), o-c#1 is dropped.
        string? StatusOf(BulkEntry e, int earlier) => (e.Name, earlier) switch
        {
            ("o-a#1", 0) => "RETRY",
            ("o-d#1", 0) => null,
            ("o-c#1", _) => "DROP",
            _ => "SUCCESS",
        };
        await using var app = await StartHostAsync(MapBulkSubscriber(50, requests, StatusOf, entered, release.Task));
        var bus = Bus(app);
        var diagnostics = app.Services.GetRequiredService<EventBusDiagnostics>();

        await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-first", 1), cancellationToken: Ct);
        await entered.Task.WaitAsync(Hang, Ct);
        foreach (var (subject, count) in new[] { ("o-a", 3), ("o-b", 1), ("o-c", 2), ("o-d", 2) })
        {
            foreach (var n in Enumerable.Range(1, count))
            {
                await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced(subject, n),
                    new EventOptions(Subject: $"order/{subject}", Id: $"evt-{subject}-{n}"), Ct);
            }
        }
        release.SetResult();
        await WaitUntilAsync(async () => await diagnostics.PendingCountAsync() == 0);

        var all = requests.ToList();
        // The backlog came in one request, in commit order.
        Assert.Equal(["o-a#1", "o-a#2", "o-a#3", "o-b#1", "o-c#1", "o-c#2", "o-d#1", "o-d#2"], all[1].Entries.Select(e => e.Name));
        // Later requests carried again exactly the subjects held back, each from its failed message on, in order;
        // o-b and o-c (dropped, then moved on) were not held back.
        var again = all.Skip(2).SelectMany(r => r.Entries).Select(e => e.Name).ToList();
        Assert.Equal(["o-a#1", "o-a#2", "o-a#3"], again.Where(n => n.StartsWith("o-a", StringComparison.Ordinal)));
        Assert.Equal(["o-d#1", "o-d#2"], again.Where(n => n.StartsWith("o-d", StringComparison.Ordinal)));
        Assert.DoesNotContain(again, n => n.StartsWith("o-b", StringComparison.Ordinal) || n.StartsWith("o-c", StringComparison.Ordinal));
        var dead = Assert.Single(await diagnostics.DeadLettersAsync(cancellationToken: Ct));
        Assert.Equal(("/ofm/events/order-bulk", "evt-o-c-1", 1), (dead.Subscriber, dead.MessageId, dead.Attempts));
    }

    [Fact]
    public async Task a_bulk_request_that_fails_as_a_whole_retries_each_subject_from_its_first_message()
    {
        var requests = new ConcurrentQueue<(string Topic, List<BulkEntry> Entries)>();
        var failures = 0;
        await using var app = await StartHostAsync(a =>
            a.MapPost("/ofm/events/order-bulk", async Task<IResult> (HttpRequest request) =>
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: Ct);
                var ids = document.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("entryId").GetString()!).ToList();
                requests.Enqueue(("order.placed", ids.Select(id => new BulkEntry(id, id, null, null, null, null, null, new OrderPlaced(id, 0))).ToList()));
                // The first two requests fail whole: an error, then an answer that is not Dapr's bulk reply.
                return Interlocked.Increment(ref failures) switch
                {
                    1 => TypedResults.StatusCode(StatusCodes.Status500InternalServerError),
                    2 => TypedResults.Ok(),
                    _ => TypedResults.Json(new { statuses = ids.Select(id => new { entryId = id, status = "SUCCESS" }) },
                        new JsonSerializerOptions(JsonSerializerDefaults.Web)),
                };
            }).WithTopic(Topics.PubSubName, "order.placed")
                .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = "order.placed", MaxMessagesCount = 50 }));
        var bus = Bus(app);

        foreach (var n in Enumerable.Range(1, 3))
        {
            await bus.PublishAsync("order.placed", "order.placed", new OrderPlaced("o-a", n), new EventOptions(Subject: "order/o-a", Id: $"a{n}"), Ct);
        }
        // Nothing is owed once a request after the two failed ones has been answered (the pending count alone reads 0
        // before the dispatcher has first seen the subscriber).
        await WaitUntilAsync(async () => Volatile.Read(ref failures) >= 3
            && await app.Services.GetRequiredService<EventBusDiagnostics>().PendingCountAsync() == 0);

        // Whatever the failed requests held, the subject's messages were finally taken once each, in order, the last
        // request holding every one not yet taken.
        var all = requests.ToList();
        Assert.Equal(["a1", "a2", "a3"], all.Skip(2).SelectMany(r => r.Entries).Select(e => e.EntryId));
        Assert.Empty(await app.Services.GetRequiredService<EventBusDiagnostics>().DeadLettersAsync(cancellationToken: Ct));
    }

    [Fact]
    public void the_dispatchers_queries_read_their_index_in_order_and_never_sort_the_backlog()
    {
        using (_dir.OpenStore("scm"))
        {
            // Creates the file and its schema.
        }
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir.Path, "state", "scm.db")};Pooling=False");
        connection.Open();

        // As the host's file is while a backlog drains: no statistics for the dispatcher's tables.
        var followingUnanalyzed = Plan(DeliveryLedger.FollowingSql(15));
        Assert.Contains("SEARCH d USING INDEX deliveries_order (subscriber=? AND order_key=? AND seq>?)", followingUnanalyzed, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", followingUnanalyzed, StringComparison.Ordinal);

        using (var fill = connection.CreateCommand())
        {
            // A backlog of 20,000 deliveries for three subscribers, with the statistics the host's optimize would gather.
            fill.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                INSERT INTO outbox (id, topic, type, source, subject, orgcode, data, time, traceparent, is_cdc, committed_at)
                SELECT 'm-' || i, 't', 't', 'scm', 's-' || (i % 500), 'org', x'7b7d', '2026-12-01T00:00:00Z', NULL, 0, i FROM n;
                INSERT INTO deliveries (subscriber, seq, order_key, attempts, next_attempt_at)
                SELECT '/s' || (seq % 3), seq, subject, CASE WHEN seq % 997 = 0 THEN 1 ELSE 0 END, CASE WHEN seq % 997 = 0 THEN 5 ELSE 0 END FROM outbox;
                ANALYZE;
                """;
            fill.ExecuteNonQuery();
        }

        string Plan(string sql)
        {
            using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var name in new[] { "$sub0", "$sub1", "$sub2" })
            {
                explain.Parameters.AddWithValue(name, "/s0");
            }
            explain.Parameters.AddWithValue("$now", 10);
            explain.Parameters.AddWithValue("$s", "/s0");
            explain.Parameters.AddWithValue("$k", "s-7");
            explain.Parameters.AddWithValue("$after", 100);
            using var reader = explain.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(reader.GetString(3));
            }
            return string.Join("\n", lines);
        }

        var heads = Plan(DeliveryLedger.DueHeadsSql(3, 256));
        Assert.Contains("SCAN d USING INDEX deliveries_seq", heads, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", heads, StringComparison.Ordinal);
        var nextDue = Plan(DeliveryLedger.NextDueSql(3));
        Assert.Contains("deliveries_retry", nextDue, StringComparison.Ordinal);
        Assert.DoesNotContain("CORRELATED", nextDue, StringComparison.Ordinal);
        var following = Plan(DeliveryLedger.FollowingSql(15));
        Assert.Contains("SEARCH d USING INDEX deliveries_order (subscriber=? AND order_key=? AND seq>?)", following, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", following, StringComparison.Ordinal);
        // A bulk subscriber's batch: its own deliveries in key order, the subjects backing off read once from the retry index.
        var batch = Plan(DeliveryLedger.DueBatchSql(250));
        Assert.Contains("SEARCH d USING PRIMARY KEY (subscriber=?)", batch, StringComparison.Ordinal);
        Assert.Contains("deliveries_retry", batch, StringComparison.Ordinal);
        Assert.DoesNotContain("CORRELATED", batch, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", batch, StringComparison.Ordinal);
    }
}
