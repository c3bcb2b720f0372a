using Microsoft.Extensions.Options;
using Retail.Shared.Collaboration;
using Retail.Shared.Webhooks;

namespace Retail.Ipm.Webhooks;

/// <summary>
/// IPM's webhooks as the delivery engine's destinations: where to send (URL, secret) and whether to send now (active
/// only; paused and disabled webhooks hold their queue), and the outcome of every attempt, which disables a webhook at
/// the end of a run of <see cref="IpmWebhookOptions.DisableAfterFailures"/> consecutive failures, with its event and an item
/// in the owner's inbox, in one transaction.
/// </summary>
public sealed class WebhookDestinations(RecordStore<Webhook> webhooks, WebhookSecrets secrets, IOptions<IpmWebhookOptions> options,
    IServiceProvider services, TimeProvider clock, ILogger<WebhookDestinations> logger) : IDeliveryDestinations
{
    public async Task<DeliveryDestination?> GetAsync(string orgcode, DestinationRef destination, CancellationToken ct = default)
    {
        if (destination.Kind != Webhook.DestinationKind || await webhooks.GetAsync(orgcode, destination.Key, ct: ct) is not { } loaded
            || loaded.Record.Status == WebhookStatus.Deleted)
        {
            return null;
        }
        var secret = await secrets.OpenAsync(orgcode, destination.Key, ct);
        if (secret is null)
        {
            logger.LogError("Webhook {WebhookGuid} of {Orgcode} has no secret that opens; its deliveries wait", destination.Key, orgcode);
            return new DeliveryDestination(new Uri(loaded.Record.Url), "", Sending: false);
        }
        return new DeliveryDestination(new Uri(loaded.Record.Url), secret, loaded.Record.Status == WebhookStatus.Active);
    }

    public async Task OnAttemptAsync(string orgcode, DestinationRef destination, WebhookAttemptResult attempt, int consecutiveFailures,
        CancellationToken ct = default)
    {
        var threshold = options.Value.DisableAfterFailures;
        if (attempt.Delivered || consecutiveFailures < threshold || destination.Kind != Webhook.DestinationKind)
        {
            return;
        }
        for (var tries = 0; tries < 5; tries++)
        {
            var loaded = await webhooks.GetAsync(orgcode, destination.Key, ct: ct);
            if (loaded is null || loaded.Record.Status != WebhookStatus.Active)
            {
                return;
            }
            var reason = $"{consecutiveFailures} consecutive failed delivery attempts; the last: {attempt.Error ?? "not delivered"}";
            var next = loaded.Record with { Status = WebhookStatus.Disabled, DisabledReason = reason, DisabledAt = clock.GetUtcNow() };
            var item = next.Owner is { } owner
                ? IpmInbox.Item($"Webhook to {next.Url} was disabled", $"IPM disabled it after {reason}. Deliveries wait; fix the endpoint and set the webhook active to send them.",
                    Webhook.Type.Entity, next.WebhookGuid, owner)
                : null;
            var batch = new RecordBatch();
            webhooks.Update(batch, orgcode, loaded, next, "disabled",
                [
                    new DomainEvent(IpmEvents.WebhookDisabled, new WebhookDisabled(orgcode, destination.Key, consecutiveFailures, reason, item?.InboxItemGuid)),
                    new DomainEvent(IpmEvents.WebhookStatusChanged,
                        new WebhookStatusChanged(orgcode, destination.Key, loaded.Record.Status, WebhookStatus.Disabled, loaded.Record.Revision + 1)),
                ]);
            if (item is not null)
            {
                services.GetRequiredKeyedService<CollaborationKit>(IpmModule.Id).Inbox.Create(batch, orgcode, item);
            }
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                logger.LogWarning("Webhook {WebhookGuid} of {Orgcode} disabled: {Reason}", destination.Key, orgcode, reason);
                return;
            }
        }
    }
}
