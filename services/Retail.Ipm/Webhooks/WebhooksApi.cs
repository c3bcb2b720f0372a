using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Collaboration;
using Retail.Shared.Webhooks;

namespace Retail.Ipm.Webhooks;

/// <summary>/webhook/create|get|list|status/set|replay (UC-IPM-001).</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup("/webhook").WithTags("Webhooks");
        // The answer carries the secret, so it is not kept for idempotent replay; the write gate (org status) still applies.
        webhooks.MapPost("/create", CreateWebhook).RequireRole(Role.Admin).WithMetadata(new WriteOperation())
            .WithSummary("Register an endpoint for the org's events; the signing secret is shown only in this answer.");
        webhooks.MapPost("/get", GetWebhook).RequireRole(Role.Viewer)
            .WithSummary("Read a webhook, its delivery health and, on request, its deliveries with every attempt (never the secret).");
        webhooks.MapPost("/list", ListWebhooks).RequireRole(Role.Viewer)
            .WithSummary("List the org's webhooks, by status (never their secrets).");
        webhooks.MapPost("/status/set", SetWebhookStatus).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Pause, resume, re-enable or delete a webhook.");
        webhooks.MapPost("/replay", ReplayWebhook).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Send again every delivery of a time window no older than the replay limit.");
        return webhooks;
    }

    public static async Task<Results<Created<WebhookCreatedResponse>, ProblemHttpResult>> CreateWebhook(WebhookCreateRequest request,
        RecordStore<Webhook> webhooks, WebhookSecrets secrets, IOptionsMonitor<WebhookDeliveryOptions> delivery, IOptions<IpmWebhookOptions> options,
        [FromKeyedServices(IpmModule.Id)] CollaborationKit collaboration, WebhookInterest interest, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var url = request.Url!.Trim();
        if (WebhookUrls.Check(url, delivery.Get(IpmModule.Id)) is { } refused)
        {
            return refused.ToProblem();
        }
        var types = request.EventTypes!.Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (types.FirstOrDefault(t => !EventTypeFilters.IsKnown(t, EventTypeFilters.Catalog)) is { } unknown)
        {
            return IpmProblems.UnknownEventType(unknown);
        }
        var existing = await webhooks.ListAsync(orgcode, limit: options.Value.MaxPerOrg, ct: ct);
        if (existing.NextToken is not null || existing.Items.Count >= options.Value.MaxPerOrg)
        {
            return ApiProblem.Business("webhook_limit_reached", "Too many webhooks.", $"An org has at most {options.Value.MaxPerOrg} webhooks.");
        }
        var (owner, ownerProblem) = await IpmInbox.OwnerAsync(request.Owner, collaboration, ct);
        if (ownerProblem is not null)
        {
            return ownerProblem;
        }
        var secret = WebhookSecrets.New();
        var webhook = new Webhook
        {
            WebhookGuid = Ids.New(),
            Url = url,
            Description = RequestRules.Trimmed(request.Description),
            EventTypes = types,
            SecretHint = WebhookSecrets.Hint(secret),
            Owner = owner,
        };
        // Before the commit: an event committed after the webhook is never skipped by the bus.
        interest.Add(orgcode);
        var batch = new RecordBatch();
        var created = webhooks.Create(batch, orgcode, webhook,
            [new DomainEvent(IpmEvents.WebhookCreated, new WebhookCreated(orgcode, webhook.WebhookGuid, url, types))]);
        await secrets.StageAsync(batch, orgcode, webhook.WebhookGuid, secret, ct);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Created((string?)null, new WebhookCreatedResponse(secret, WebhookView.From(created))) : write.Problem();
    }

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetWebhook(WebhookGetRequest request, RecordStore<Webhook> webhooks,
        [FromKeyedServices(IpmModule.Id)] IWebhookDeliveries deliveries, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = await webhooks.GetAsync(orgcode, request.WebhookGuid!, ct: ct);
        if (loaded is null)
        {
            return ApiProblem.NotFound("No such webhook.");
        }
        var webhook = loaded.Record;
        var view = WebhookView.From(webhook) with
        {
            DeliverySummary = WebhookDeliverySummary.From(await deliveries.HealthAsync(orgcode, webhook.Destination, ct)),
        };
        if (request.IncludeDeliveries == true)
        {
            var page = await deliveries.ListAsync(orgcode, webhook.Destination, request.DeliveryStatus, limit: request.DeliveryLimit ?? 20,
                token: request.DeliveryNextToken, ct: ct);
            var items = new List<WebhookDeliveryView>();
            foreach (var d in page.Items)
            {
                var attempts = await deliveries.AttemptsAsync(orgcode, d.DeliveryGuid, ct);
                items.Add(new WebhookDeliveryView(d.DeliveryGuid, d.EventId, d.EventType, d.Status, d.AttemptCount,
                    d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt, d.ReplayOf, d.CreatedAt,
                    [.. attempts.Select(WebhookAttemptView.From)]));
            }
            view = view with { Deliveries = new WebhookDeliveryPage(items, page.NextToken) };
        }
        return TypedResults.Ok(view);
    }

    public static async Task<Ok<WebhookListResponse>> ListWebhooks(WebhookListRequest request, RecordStore<Webhook> webhooks, RequestContext context,
        CancellationToken ct)
    {
        List<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", status)] : [];
        var page = await webhooks.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new WebhookListResponse([.. page.Items.Select(WebhookView.From)], page.NextToken));
    }

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> SetWebhookStatus(WebhookStatusRequest request, RecordStore<Webhook> webhooks,
        [FromKeyedServices(IpmModule.Id)] IWebhookDeliveries deliveries, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await webhooks.LoadForChangeAsync(orgcode, request.WebhookGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var to = request.Status!.Value;
        if (Webhook.Lifecycle.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        var next = current with
        {
            Status = to,
            DisabledReason = to == WebhookStatus.Active ? null : current.DisabledReason,
            DisabledAt = to == WebhookStatus.Active ? null : current.DisabledAt,
            DoomedAt = to == WebhookStatus.Deleted ? clock.GetUtcNow() : null,
        };
        if (to == WebhookStatus.Active && current.Status == WebhookStatus.Disabled)
        {
            // Re-enabled: the failure run starts again, and the queued deliveries go without waiting out the backoff.
            await deliveries.ClearFailuresAsync(orgcode, current.Destination, ct);
        }
        var write = await webhooks.UpdateAsync(orgcode, loaded, next, to == WebhookStatus.Deleted ? "doomed" : "status_changed",
            [new DomainEvent(IpmEvents.WebhookStatusChanged, new WebhookStatusChanged(orgcode, current.WebhookGuid, current.Status, to, current.Revision + 1))],
            ct);
        if (write.Succeeded && to == WebhookStatus.Deleted)
        {
            await deliveries.CancelPendingAsync(orgcode, current.Destination, ct);
        }
        return write.ToOk(WebhookView.From);
    }

    public static async Task<Results<Ok<WebhookReplayResponse>, ProblemHttpResult>> ReplayWebhook(WebhookReplayRequest request, RecordStore<Webhook> webhooks,
        [FromKeyedServices(IpmModule.Id)] IWebhookDeliveries deliveries, IOptions<IpmWebhookOptions> options, RequestContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = await webhooks.GetAsync(orgcode, request.WebhookGuid!, ct: ct);
        if (loaded is null)
        {
            return ApiProblem.NotFound("No such webhook.");
        }
        var limit = options.Value.ReplayLimit;
        if (request.From!.Value < clock.GetUtcNow() - limit)
        {
            return IpmProblems.ReplayWindowExceeded(limit);
        }
        var replayed = await deliveries.ReplayAsync(orgcode, loaded.Record.Destination, request.From.Value, request.To!.Value, ct);
        return TypedResults.Ok(new WebhookReplayResponse(loaded.Record.WebhookGuid, request.From.Value, request.To.Value, replayed));
    }
}
