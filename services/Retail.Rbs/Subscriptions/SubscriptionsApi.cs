using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Json;
using Retail.Shared.Webhooks;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// Partner subscriptions (UC-RBS-001/002): registered by an admin (pending until verified; the signing secret is answered
/// this once), verified by a challenge the endpoint must echo, changed, paused and resumed (expected_revision), tested with
/// a signed test event, unregistered; read by viewers, never with the secret.
/// </summary>
public static class SubscriptionsApi
{
    public static RouteGroupBuilder MapSubscriptionsApi(this IEndpointRouteBuilder routes)
    {
        var subscriptions = routes.MapGroup("/subscription").WithTags("RBS subscriptions");
        subscriptions.MapPost("/register", Register).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Subscribe a partner endpoint (https URL) to bus topics with filters; pending until verified; answers the signing secret once.");
        subscriptions.MapPost("/verify", Verify).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Send a signed challenge to the endpoint (expected_revision); an echo within the time limit activates the subscription.");
        subscriptions.MapPost("/update", Update).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Change the URL, topics, filters or description (expected_revision); a new URL must be verified again.");
        subscriptions.MapPost("/status/set", SetStatus).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Pause or resume a verified subscription, or re-activate a disabled one (expected_revision).");
        subscriptions.MapPost("/unregister", Unregister).RequireRole(Role.Admin).AsWrite()
            .WithSummary("End a subscription (expected_revision): nothing more is delivered and its queued deliveries are cancelled.");
        subscriptions.MapPost("/test", Test).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Send a signed test event to a verified subscription now; answers the attempt's outcome (status, latency).");
        subscriptions.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("Read a subscription: its verification and delivery state (never its secret).");
        subscriptions.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List subscriptions, optionally of one status.");
        return subscriptions;
    }

    public static async Task<Results<Created<RegisteredSubscription>, ProblemHttpResult>> Register(RegisterSubscriptionRequest request,
        RecordStore<Subscription> subscriptions, SubscriptionSecrets secrets, SubscriptionUrls urls, SubscriptionInterest interest, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var url = request.Url!.Trim();
        if (urls.Problem(url) is { } invalid)
        {
            return invalid;
        }
        var subscription = new Subscription
        {
            SubscriptionGuid = Ids.New(),
            Url = url,
            Topics = SubscriptionRules.NormalizeTopics(request.Topics!),
            Filters = SubscriptionRequestRules.FiltersOf(request.Filters),
            Description = RequestRules.Trimmed(request.Description),
        };
        var secret = SubscriptionRules.NewSecret();
        // Before the commit: an event committed after the subscription is never skipped by the bus.
        interest.Add(orgcode);
        var batch = new RecordBatch();
        var created = subscriptions.Create(batch, orgcode, subscription, [SubscriptionEvents.Registered(orgcode, subscription)]);
        await secrets.AddAsync(batch, orgcode, created.SubscriptionGuid, secret, ct);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Created((string?)null, new RegisteredSubscription(created, secret)) : write.Problem();
    }

    public static async Task<Results<Ok<Subscription>, ProblemHttpResult>> Verify(SubscriptionChange request, RecordStore<Subscription> subscriptions,
        SubscriptionSecrets secrets, [FromKeyedServices(RbsModule.Id)] IWebhookDeliveries deliveries, IOptions<SubscriptionOptions> options,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadLiveForChangeAsync(subscriptions, orgcode, request.SubscriptionGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.VerifiedAt is not null)
        {
            return RbsProblems.AlreadyVerified(current.SubscriptionGuid, SnakeCase.Name(current.Status));
        }
        var challenge = SubscriptionRules.NewChallenge();
        var message = new BusEvent(Ids.New(), RbsMessages.SubscriptionVerification, RbsModule.Id, $"subscription/{current.SubscriptionGuid}",
            clock.GetUtcNow(), orgcode, JsonSerializer.SerializeToElement(new ChallengeEvent(current.SubscriptionGuid, challenge), RetailJson.Storage));
        var (reason, statusCode, latencyMs) = await SendChallengeAsync(deliveries, secrets, orgcode, current, message, options.Value.VerificationTimeout, challenge, ct);
        var attempt = new VerificationAttempt(clock.GetUtcNow(), reason is null, reason, statusCode, latencyMs);
        if (reason is null)
        {
            await deliveries.ClearFailuresAsync(orgcode, SubscriptionDestinations.Of(current.SubscriptionGuid), ct);
        }
        // The engine told the owner of the attempt (SubscriptionDestinations.OnAttemptAsync), which may have written the
        // subscription since it was read: the outcome is written on the latest revision.
        var write = await RecordVerificationAsync(subscriptions, orgcode, loaded, attempt, ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        return reason is null ? TypedResults.Ok(write.Record!) : RbsProblems.VerificationFailed(current.SubscriptionGuid, reason, statusCode, latencyMs, write.Record!.Revision);
    }

    private static async Task<RecordWrite<Subscription>> RecordVerificationAsync(RecordStore<Subscription> subscriptions, string orgcode, Loaded<Subscription> read,
        VerificationAttempt attempt, CancellationToken ct)
    {
        var loaded = read;
        for (var tries = 0; ; tries++)
        {
            var current = loaded.Record;
            var next = attempt.Verified && current.Status == SubscriptionStatus.PendingVerification && current.Url == read.Record.Url
                ? current with { Status = SubscriptionStatus.Active, StatusReason = null, VerifiedAt = attempt.At, LastVerification = attempt, ConsecutiveFailures = 0 }
                : current with { LastVerification = attempt };
            var write = await subscriptions.UpdateAsync(orgcode, loaded, next, next.Status == current.Status ? "updated" : "status_changed",
                next.Status == current.Status ? [] : [SubscriptionEvents.Verified(orgcode, current, next)], ct);
            if (write.Succeeded || tries >= 4 || await subscriptions.GetAsync(orgcode, current.SubscriptionGuid, ct: ct) is not { } latest
                || latest.Record.Url != read.Record.Url)
            {
                return write;
            }
            loaded = latest;
        }
    }

    /// <summary>One attempt, within the time limit: the failure reason (null when echoed), the endpoint's status and the latency.</summary>
    private static async Task<(string? Reason, int? StatusCode, long LatencyMs)> SendChallengeAsync(IWebhookDeliveries deliveries, SubscriptionSecrets secrets,
        string orgcode, Subscription subscription, BusEvent message, TimeSpan limit, string challenge, CancellationToken ct)
    {
        if (await secrets.GetAsync(orgcode, subscription.SubscriptionGuid, ct) is not { } secret)
        {
            throw new InvalidOperationException($"subscription {subscription.SubscriptionGuid} in {orgcode} has no signing secret");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        WebhookAttemptResult attempt;
        try
        {
            attempt = await deliveries.SendNowAsync(orgcode, SubscriptionDestinations.Of(subscription.SubscriptionGuid),
                new DeliveryDestination(new Uri(subscription.Url), secret, Sending: true), message.Message(), timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ("timeout", null, (long)limit.TotalMilliseconds);
        }
        if (attempt.LatencyMs > limit.TotalMilliseconds)
        {
            return ("timeout", attempt.StatusCode, attempt.LatencyMs);
        }
        return (SubscriptionRules.EchoProblem(challenge, attempt.Delivered, attempt.StatusCode, attempt.Error, attempt.ResponseExcerpt), attempt.StatusCode,
            attempt.LatencyMs);
    }

    public static async Task<Results<Ok<Subscription>, ProblemHttpResult>> Update(UpdateSubscriptionRequest request, RecordStore<Subscription> subscriptions,
        SubscriptionUrls urls, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadLiveForChangeAsync(subscriptions, orgcode, request.SubscriptionGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var url = request.Url?.Trim();
        if (url is not null && urls.Problem(url) is { } invalid)
        {
            return invalid;
        }
        var next = current with
        {
            Topics = request.Topics is null ? current.Topics : SubscriptionRules.NormalizeTopics(request.Topics),
            Filters = request.Filters is null ? current.Filters : SubscriptionRequestRules.FiltersOf(request.Filters),
            Description = request.Description is null ? current.Description : RequestRules.Trimmed(request.Description),
        };
        List<DomainEvent> events = [];
        if (url is not null && !string.Equals(url, current.Url, StringComparison.Ordinal))
        {
            // A new endpoint has proved nothing yet: it is verified again before anything is delivered to it.
            next = next with
            {
                Url = url,
                Status = SubscriptionStatus.PendingVerification,
                StatusReason = "url changed",
                VerifiedAt = null,
                ConsecutiveFailures = 0,
                DisabledAt = null,
            };
            if (current.Status != SubscriptionStatus.PendingVerification)
            {
                events.Add(SubscriptionEvents.StatusChanged(orgcode, current, next));
            }
        }
        return (await subscriptions.UpdateAsync(orgcode, loaded, next, next.Status == current.Status ? "updated" : "status_changed", events, ct)).ToOk();
    }

    public static async Task<Results<Ok<Subscription>, ProblemHttpResult>> SetStatus(SetSubscriptionStatusRequest request,
        RecordStore<Subscription> subscriptions, [FromKeyedServices(RbsModule.Id)] IWebhookDeliveries deliveries, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadLiveForChangeAsync(subscriptions, orgcode, request.SubscriptionGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.Status == SubscriptionStatus.PendingVerification)
        {
            return RbsProblems.NotVerified(current.SubscriptionGuid);
        }
        var target = request.Status!.Value;
        if (Subscription.StatusSet.Check(current.Status, target) is { } refused)
        {
            return refused;
        }
        var next = current with
        {
            Status = target,
            StatusReason = RequestRules.Trimmed(request.Reason),
            ConsecutiveFailures = current.Status == SubscriptionStatus.Disabled ? 0 : current.ConsecutiveFailures,
            DisabledAt = target == SubscriptionStatus.Active ? null : current.DisabledAt,
        };
        var write = await subscriptions.UpdateAsync(orgcode, loaded, next, "status_changed", [SubscriptionEvents.StatusChanged(orgcode, current, next)], ct);
        if (write.Succeeded && current.Status == SubscriptionStatus.Disabled)
        {
            // Re-enabled: the engine's failure run and backoff are cleared, so queued deliveries go at once.
            await deliveries.ClearFailuresAsync(orgcode, SubscriptionDestinations.Of(current.SubscriptionGuid), ct);
        }
        return write.ToOk();
    }

    public static async Task<Results<Ok<Subscription>, ProblemHttpResult>> Unregister(SubscriptionChange request, RecordStore<Subscription> subscriptions,
        SubscriptionSecrets secrets, [FromKeyedServices(RbsModule.Id)] IWebhookDeliveries deliveries, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadLiveForChangeAsync(subscriptions, orgcode, request.SubscriptionGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var next = current with { Status = SubscriptionStatus.Unregistered, StatusReason = null, UnregisteredAt = clock.GetUtcNow() };
        var write = await subscriptions.UpdateAsync(orgcode, loaded, next, "status_changed", [SubscriptionEvents.Unregistered(orgcode, current, next)], ct);
        if (write.Succeeded)
        {
            // The engine already finds it unregistered (queued deliveries are cancelled); the secret is no longer needed.
            await deliveries.CancelPendingAsync(orgcode, SubscriptionDestinations.Of(current.SubscriptionGuid), ct);
            await secrets.RemoveAsync(orgcode, current.SubscriptionGuid, ct);
        }
        return write.ToOk();
    }

    public static async Task<Results<Ok<TestDelivery>, ProblemHttpResult>> Test(SubscriptionKey request, RecordStore<Subscription> subscriptions,
        SubscriptionSecrets secrets, [FromKeyedServices(RbsModule.Id)] IWebhookDeliveries deliveries, RequestContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await subscriptions.GetAsync(orgcode, SubscriptionRequestRules.GuidKey(request.SubscriptionGuid!), ct: ct) is not { Record: var subscription })
        {
            return ApiProblem.NotFound("No such subscription in this org.");
        }
        if (subscription.Status == SubscriptionStatus.Unregistered)
        {
            return RbsProblems.Unregistered(subscription.SubscriptionGuid);
        }
        if (subscription.VerifiedAt is null)
        {
            return RbsProblems.NotVerified(subscription.SubscriptionGuid);
        }
        var secret = await secrets.GetAsync(orgcode, subscription.SubscriptionGuid, ct)
            ?? throw new InvalidOperationException($"subscription {subscription.SubscriptionGuid} in {orgcode} has no signing secret");
        var now = clock.GetUtcNow();
        var message = new BusEvent(Ids.New(), RbsMessages.SubscriptionTest, RbsModule.Id, $"subscription/{subscription.SubscriptionGuid}", now, orgcode,
            JsonSerializer.SerializeToElement(new TestEvent(subscription.SubscriptionGuid, subscription.Topics, now), RetailJson.Storage));
        // A test goes to a paused or disabled subscription too: it is how an admin checks the endpoint before resuming.
        var attempt = await deliveries.SendNowAsync(orgcode, SubscriptionDestinations.Of(subscription.SubscriptionGuid),
            new DeliveryDestination(new Uri(subscription.Url), secret, Sending: true), message.Message(), ct);
        return TypedResults.Ok(TestDelivery.Of(subscription.SubscriptionGuid, message.Id, attempt));
    }

    public static async Task<Results<Ok<Subscription>, ProblemHttpResult>> Get(SubscriptionKey request, RecordStore<Subscription> subscriptions,
        [FromKeyedServices(RbsModule.Id)] IWebhookDeliveries deliveries, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = await subscriptions.GetAsync(orgcode, SubscriptionRequestRules.GuidKey(request.SubscriptionGuid!), ct: ct);
        return loaded is null
            ? ApiProblem.NotFound("No such subscription in this org.")
            : TypedResults.Ok(await SubscriptionDestinations.WithHealthAsync(loaded.Record, orgcode, deliveries, ct));
    }

    public static async Task<Ok<Page<Subscription>>> List(SubscriptionListRequest request, RecordStore<Subscription> subscriptions, RequestContext context,
        CancellationToken ct)
    {
        IReadOnlyList<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", status)] : [];
        return TypedResults.Ok(await subscriptions.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    /// <summary>A subscription loaded for a change (<c>expected_revision</c> checked); an unregistered one is final (422 <c>subscription_unregistered</c>).</summary>
    private static async Task<ChangeBase<Subscription>> LoadLiveForChangeAsync(RecordStore<Subscription> subscriptions, string orgcode, string subscriptionGuid,
        long? expectedRevision, CancellationToken ct)
    {
        var change = await subscriptions.LoadForChangeAsync(orgcode, SubscriptionRequestRules.GuidKey(subscriptionGuid), expectedRevision, ct: ct);
        return change is { Problem: null, Loaded.Record: { Status: SubscriptionStatus.Unregistered } gone }
            ? new ChangeBase<Subscription>(null, RbsProblems.Unregistered(gone.SubscriptionGuid))
            : change;
    }

    private sealed record ChallengeEvent(string SubscriptionGuid, string Challenge);

    private sealed record TestEvent(string SubscriptionGuid, IReadOnlyList<string> Topics, DateTimeOffset SentAt);
}
