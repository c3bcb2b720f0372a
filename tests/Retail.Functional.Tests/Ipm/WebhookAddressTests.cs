using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ipm;

/// <summary>SSRF safety with nothing allow-listed (<c>Retail:Webhooks:AllowedAddresses</c> empty, as in production).</summary>
public sealed class WebhookAddressTests
{
    [Fact]
    public async Task UC_IPM_001_loopback_private_and_metadata_urls_are_refused_when_nothing_is_allow_listed()
    {
        await using var factory = IpmHost.Start();
        factory.Settings["Retail:Webhooks:AllowedAddresses"] = "";
        using var @operator = factory.CreateOperatorClient();
        var org = await IpmHost.NewOrgAsync(factory, @operator, "whl");
        await using var receiver = await WebhookReceiver.StartAsync();

        await org.Post("/ipm/webhook/create", new { url = receiver.Url("/hooks/in").ToString(), event_types = new[] { "*" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "webhook_url_https_required");
        foreach (var url in new[] { "https://127.0.0.1/in", "https://localhost/in", "https://10.0.0.8/in", "https://[::1]/in", "https://169.254.169.254/latest" })
        {
            await org.Post("/ipm/webhook/create", new { url, event_types = new[] { "*" } }).Problem(HttpStatusCode.UnprocessableEntity, "webhook_url_address_refused");
        }
        Assert.Empty(receiver.Received);
    }
}
