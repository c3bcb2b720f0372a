using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Retail.Shared.Dapr;
using Retail.Shared.Webhooks;
using StandardWebhooks;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace Retail.Dapr.Tests;

public sealed class WebhookSenderTests : SidecarTest
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private DaprWebhookSender Sender() => new(Dapr, Options, NoDelays, NullLogger<DaprWebhookSender>.Instance);

    private static WebhookDelivery Delivery() => new(
        new Uri("https://merchant.example/hooks/retail?tenant=acme"),
        "msg_2xyz",
        "order.placed",
        Encoding.UTF8.GetBytes("""{"type":"order.placed","data":{"order_guid":"abc"}}"""),
        Secret,
        DateTimeOffset.UtcNow);

    private static DaprProto.InvokeBindingResponse Answer(int status)
    {
        var response = new DaprProto.InvokeBindingResponse();
        response.Metadata["statusCode"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return response;
    }

    [Fact]
    public async Task a_delivery_posts_through_the_http_binding_with_standard_webhooks_headers_that_verify()
    {
        Sidecar.BindingResponder = _ => Answer(204);
        var delivery = Delivery();

        var result = await Sender().SendAsync(delivery, Ct);

        Assert.Equal(new WebhookResult(true, 204, null, 1), result);
        var sent = Assert.Single(Sidecar.Recorded<DaprProto.InvokeBindingRequest>());
        Assert.Equal(("webhooks", "post"), (sent.Name, sent.Operation));
        Assert.Equal(delivery.Payload, sent.Data.ToByteArray());
        Assert.Equal("/hooks/retail?tenant=acme", sent.Metadata["path"]);
        // What the binding turns into headers is all the egress relay learns: the destination must be among them.
        var headers = Fakes.FakeDaprSidecar.HttpBindingHeaders(sent);
        Assert.Equal("https://merchant.example/hooks/retail?tenant=acme", headers[DaprWebhookSender.DestinationHeader]);
        Assert.Equal("msg_2xyz", sent.Metadata["Webhook-Id"]);
        Assert.Equal(delivery.Timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            sent.Metadata["Webhook-Timestamp"]);
        Assert.StartsWith("v1,", sent.Metadata["Webhook-Signature"], StringComparison.Ordinal);
        Assert.DoesNotContain(sent.Metadata.Values, value => value.Contains(Secret[6..], StringComparison.Ordinal));

        // A receiver holding the secret accepts what the binding would send.
        var received = new HeaderDictionary
        {
            ["webhook-id"] = headers["webhook-id"],
            ["webhook-timestamp"] = headers["webhook-timestamp"],
            ["webhook-signature"] = headers["webhook-signature"],
        };
        new StandardWebhook(Secret).Verify(sent.Data.ToStringUtf8(), received);
    }

    [Fact]
    public async Task a_transient_failure_is_retried_and_the_attempts_are_counted()
    {
        var calls = 0;
        Sidecar.BindingResponder = _ => ++calls == 1
            ? throw new RpcException(new Status(StatusCode.Internal, "error invoking output binding webhooks: received status code 503"))
            : Answer(200);

        var result = await Sender().SendAsync(Delivery(), Ct);

        Assert.Equal(new WebhookResult(true, 200, null, 2), result);
    }

    [Fact]
    public async Task a_permanent_client_error_is_not_retried()
    {
        Sidecar.BindingResponder = _ => Answer(410);

        var result = await Sender().SendAsync(Delivery(), Ct);

        Assert.False(result.Delivered);
        Assert.Equal((410, 1), (result.StatusCode, result.Attempts));
        Assert.Single(Sidecar.Recorded<DaprProto.InvokeBindingRequest>());
    }

    [Fact]
    public async Task a_failing_endpoint_is_given_up_after_the_configured_attempts()
    {
        Sidecar.BindingResponder = _ => Answer(503);

        var result = await Sender().SendAsync(Delivery(), Ct);

        Assert.False(result.Delivered);
        Assert.Equal((503, NoDelays.WebhookMaxAttempts), (result.StatusCode, result.Attempts));
        Assert.Equal(NoDelays.WebhookMaxAttempts, Sidecar.Recorded<DaprProto.InvokeBindingRequest>().Length);
    }
}
