using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Notifications;
using Retail.Shared.Webhooks;

namespace Retail.Shared.Embedded;

public static class EmbeddedTransportRegistration
{
    public const string SelfClient = "retail-self";
    public const string WebhookClient = "retail-webhooks";

    /// <summary>Service invocation over HTTP to the host itself, webhooks over HttpClient, mail as .eml files.</summary>
    public static IServiceCollection AddEmbeddedTransports(this IServiceCollection services, RetailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddHttpClient(SelfClient, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => options.InProcessInvocation && sp.GetService<IServer>() is InProcessServer server
                ? server.CreateHandler()
                : new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddResilienceHandler("self", pipeline =>
            {
                // Only calls that carry an Idempotency-Key are retried: a retried write must have its effect once.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(100),
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Result?.RequestMessage?.Headers.Contains("Idempotency-Key") != false
                        && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(30));
            });
        services.AddSingleton<IServiceInvoker, SelfHttpServiceInvoker>();

        // One attempt per send, within a timeout: the delivery engine schedules the retries. Connections go only to
        // addresses the policy allows (Retail:Webhooks:AllowedAddresses lists exceptions for development).
        services.TryAddSingleton(sp => WebhookAddressPolicy.Parse(sp.GetRequiredService<IConfiguration>()[WebhookDeliveryOptions.Section + ":AllowedAddresses"]));
        services.AddHttpClient(WebhookClient, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<WebhookAddressPolicy>().CreateHandler())
            .AddResilienceHandler("webhooks", pipeline => pipeline.AddTimeout(TimeSpan.FromSeconds(10)));
        services.AddSingleton<IWebhookSender, HttpWebhookSender>();
        services.AddSingleton<INotifier, MailboxNotifier>();
        return services;
    }
}
