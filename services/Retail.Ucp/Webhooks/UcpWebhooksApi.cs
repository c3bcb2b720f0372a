using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Webhooks;

namespace Retail.Ucp.Webhooks;

/// <summary>/webhook/config/set|get and /webhook/test (UC-UCP-005/006): a platform's order webhook, set by an org admin.</summary>
public static class UcpWebhooksApi
{
    public const string TestEventType = "webhook.test";

    public static RouteGroupBuilder MapUcpWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup("/webhook").WithTags("Webhooks");
        // The first answer carries the secret, so it is not kept for idempotent replay; the write gate (org status) still applies.
        webhooks.MapPost("/config/set", SetConfig).RequireRole(Role.Admin).WithMetadata(new WriteOperation())
            .WithSummary("Set a platform's order webhook (callback URL, event types, active or paused); the secret is shown only when it is created.");
        webhooks.MapPost("/config/get", GetConfig).RequireRole(Role.Viewer)
            .WithSummary("Read a platform's order webhook and its delivery health (never the secret).");
        webhooks.MapPost("/test", TestWebhook).RequireRole(Role.Admin)
            .WithSummary("Send one signed test event to the platform's webhook now and answer what its endpoint did.");
        return webhooks;
    }

    public static async Task<Results<Ok<UcpWebhookConfigResponse>, ProblemHttpResult>> SetConfig(UcpWebhookConfigSetRequest request,
        RecordStore<UcpWebhookConfig> configs, RecordStore<Platform> platforms, UcpWebhookSecrets secrets,
        [FromKeyedServices(UcpModule.Id)] IWebhookDeliveries deliveries, IOptionsMonitor<WebhookDeliveryOptions> delivery, UcpWebhookInterest interest,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var platform = await platforms.GetAsync(orgcode, request.PlatformGuid!, ct: ct);
        if (platform is null)
        {
            return ApiProblem.NotFound("No such platform.");
        }
        if (platform.Record.Status != PlatformStatus.Active)
        {
            return UcpProblems.PlatformRevoked(platform.Record.PlatformGuid);
        }
        var url = request.Url!.Trim();
        if (WebhookUrls.Check(url, delivery.Get(UcpModule.Id)) is { } refused)
        {
            return refused.ToProblem();
        }
        var types = request.EventTypes!.Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (types.FirstOrDefault(t => !UcpWebhookEventTypes.IsKnown(t)) is { } unknown)
        {
            return UcpProblems.UnknownEventType(unknown);
        }
        var (loaded, problem) = await configs.LoadForUpsertAsync(orgcode, platform.Record.PlatformGuid, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var status = request.Status ?? UcpWebhookStatus.Active;
        var batch = new RecordBatch();
        string? secret = null;
        UcpWebhookConfig written;
        if (loaded is null)
        {
            secret = UcpWebhookSecrets.New();
            var config = new UcpWebhookConfig
            {
                PlatformGuid = platform.Record.PlatformGuid,
                Url = url,
                EventTypes = types,
                Status = status,
                SecretHint = UcpWebhookSecrets.Hint(secret),
            };
            written = configs.Create(batch, orgcode, config, [new DomainEvent(UcpEvents.WebhookConfigured, UcpWebhookChanged.Of(config, 1))]);
            await secrets.StageAsync(batch, orgcode, config.PlatformGuid, secret, ct);
        }
        else
        {
            var current = loaded.Record;
            var next = current with
            {
                Url = url,
                EventTypes = types,
                Status = status,
                StatusReason = status == current.Status ? current.StatusReason : null,
                PausedAt = status == UcpWebhookStatus.Paused ? current.PausedAt ?? clock.GetUtcNow() : null,
            };
            written = configs.Update(batch, orgcode, loaded, next, "updated", [new DomainEvent(UcpEvents.WebhookConfigured, UcpWebhookChanged.Of(next, current.Revision + 1))]);
        }
        // Before the commit: an SCM event committed after the config must find the org wanted (a refused write leaves the
        // org wanted, which only costs deliveries the fan-out answers with nothing).
        interest.Add(orgcode);
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        if (loaded is not null && loaded.Record.Status == UcpWebhookStatus.Paused && status == UcpWebhookStatus.Active)
        {
            // Re-enabled: the failure run starts again, and the queued deliveries go without waiting out the backoff.
            await deliveries.ClearFailuresAsync(orgcode, written.Destination, ct);
        }
        return TypedResults.Ok(new UcpWebhookConfigResponse(UcpWebhookConfigView.From(written), secret));
    }

    public static async Task<Results<Ok<UcpWebhookConfigView>, ProblemHttpResult>> GetConfig(UcpWebhookPlatformRequest request,
        RecordStore<UcpWebhookConfig> configs, [FromKeyedServices(UcpModule.Id)] IWebhookDeliveries deliveries, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await configs.GetAsync(orgcode, request.PlatformGuid!, ct: ct) is not { } loaded)
        {
            return ApiProblem.NotFound("The platform has no webhook config.");
        }
        var health = await deliveries.HealthAsync(orgcode, loaded.Record.Destination, ct);
        return TypedResults.Ok(UcpWebhookConfigView.From(loaded.Record) with
        {
            DeliverySummary = health is null ? null
                : new UcpWebhookHealthView(health.ConsecutiveFailures, health.LastAttemptAt, health.LastDeliveredAt, health.LastError),
        });
    }

    public static async Task<Results<Ok<UcpWebhookTestResponse>, ProblemHttpResult>> TestWebhook(UcpWebhookPlatformRequest request,
        [FromKeyedServices(UcpModule.Id)] IDeliveryDestinations destinations, RecordStore<UcpWebhookConfig> configs,
        [FromKeyedServices(UcpModule.Id)] IWebhookDeliveries deliveries, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await configs.GetAsync(orgcode, request.PlatformGuid!, ct: ct) is not { } loaded)
        {
            return ApiProblem.NotFound("The platform has no webhook config.");
        }
        var destination = loaded.Record.Destination;
        if (await destinations.GetAsync(orgcode, destination, ct) is not { } target)
        {
            return UcpProblems.PlatformRevoked(loaded.Record.PlatformGuid);
        }
        var now = clock.GetUtcNow();
        var data = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["platform_guid"] = loaded.Record.PlatformGuid,
            ["test"] = true,
            ["message"] = "A test event: the webhook is reachable and its signatures verify.",
        });
        var message = new BusEvent(Ids.New(), TestEventType, "retail/ucp", loaded.Record.PlatformGuid, now, orgcode, data).Message();
        // A test goes now even to a paused webhook: the admin asked for it.
        var attempt = await deliveries.SendNowAsync(orgcode, destination, target with { Sending = true }, message, ct);
        return TypedResults.Ok(new UcpWebhookTestResponse(loaded.Record.PlatformGuid, message.EventId, attempt.Delivered, attempt.StatusCode,
            attempt.LatencyMs, attempt.Error, attempt.ResponseExcerpt));
    }
}
