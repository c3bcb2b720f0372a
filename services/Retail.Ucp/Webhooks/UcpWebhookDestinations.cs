using Microsoft.Extensions.Options;
using Retail.Shared.Webhooks;

namespace Retail.Ucp.Webhooks;

/// <summary>UCP's webhook settings (configuration section <c>Retail:Ucp:Webhooks</c>).</summary>
public sealed class UcpWebhookOptions
{
    public const string Section = "Retail:Ucp:Webhooks";

    /// <summary>A run of this many failed attempts pauses a platform's webhook (UC-UCP-006: 10).</summary>
    public int PauseAfterFailures { get; set; } = 10;
}

/// <summary>
/// UCP's side of the delivery engine (keyed <c>ucp</c>, kind <c>ucp_webhook</c>): where and how to send now (the config's
/// URL, signed by <see cref="UcpDeliverySigner"/> with its secret and the org's current key), and what became of every
/// attempt. Only an active config of an active platform sends; a paused one holds its deliveries; a revoked platform (or a
/// missing config) answers null, so its queued deliveries are cancelled. A run of
/// <see cref="UcpWebhookOptions.PauseAfterFailures"/> failures pauses an active config, with the reason and an event.
/// </summary>
public sealed class UcpWebhookDestinations(RecordStore<UcpWebhookConfig> configs, RecordStore<Platform> platforms, UcpWebhookSecrets secrets,
    IUcpSigningKeys keys, IOptions<UcpWebhookOptions> options, TimeProvider clock) : IDeliveryDestinations
{
    public async Task<DeliveryDestination?> GetAsync(string orgcode, DestinationRef destination, CancellationToken ct = default)
    {
        if (destination.Kind != UcpWebhookConfig.DestinationKind || await configs.GetAsync(orgcode, destination.Key, ct: ct) is not { } loaded
            || loaded.Record.Status == UcpWebhookStatus.Revoked
            || await platforms.GetAsync(orgcode, destination.Key, ct: ct) is not { Record.Status: PlatformStatus.Active })
        {
            return null;
        }
        var secret = await secrets.OpenAsync(orgcode, destination.Key, ct);
        if (secret is null)
        {
            return null;
        }
        var key = await keys.CurrentAsync(orgcode, ct);
        return new DeliveryDestination(new Uri(loaded.Record.Url), secret, loaded.Record.Status == UcpWebhookStatus.Active, new UcpDeliverySigner(key));
    }

    public async Task OnAttemptAsync(string orgcode, DestinationRef destination, WebhookAttemptResult attempt, int consecutiveFailures,
        CancellationToken ct = default)
    {
        if (destination.Kind != UcpWebhookConfig.DestinationKind || attempt.Delivered || consecutiveFailures < options.Value.PauseAfterFailures)
        {
            return;
        }
        for (var tries = 0; tries < 5; tries++)
        {
            if (await configs.GetAsync(orgcode, destination.Key, ct: ct) is not { } loaded || loaded.Record.Status != UcpWebhookStatus.Active)
            {
                return;
            }
            var next = loaded.Record with
            {
                Status = UcpWebhookStatus.Paused,
                StatusReason = $"{consecutiveFailures} failed deliveries in a row (last: {attempt.Error ?? "HTTP " + attempt.StatusCode})",
                PausedAt = clock.GetUtcNow(),
            };
            var write = await configs.UpdateAsync(orgcode, loaded, next, "status_changed",
                [new DomainEvent(UcpEvents.WebhookPaused, UcpWebhookChanged.Of(next, loaded.Record.Revision + 1))], ct);
            if (write.Succeeded)
            {
                return;
            }
        }
        throw new InvalidOperationException($"the webhook config of platform {destination.Key} in {orgcode} kept changing while it was being paused");
    }
}
