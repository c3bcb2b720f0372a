using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Retail.Scm.Payments;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace Retail.Dapr.Tests;

/// <summary>SCM's payment provider in Dapr mode: the <c>payments</c> output binding (bindings.http to the provider's gateway).</summary>
public sealed class PaymentBindingTests : SidecarTest
{
    private DaprBindingPaymentProvider Provider => new(Dapr, new PaymentOptions());

    private static DaprProto.InvokeBindingResponse Answer(string json) => new() { Data = ByteString.CopyFromUtf8(json) };

    [Fact]
    public async Task A_capture_posts_the_command_to_the_gateway_with_its_idempotency_key_and_reads_the_approval()
    {
        Sidecar.BindingResponder = _ => Answer("""{"status": "approved", "provider_ref": "ch_123"}""");

        var outcome = await Provider.CaptureAsync(new CaptureCommand("org-1", "order-1:capture:key-1", "pm_abc", 3689, "EUR", "SO-1"), Ct);

        Assert.Equal(PaymentOutcome.Approved("ch_123"), outcome);
        var sent = Assert.Single(Sidecar.Recorded<DaprProto.InvokeBindingRequest>());
        Assert.Equal(("payments", "post", "/capture"), (sent.Name, sent.Operation, sent.Metadata["path"]));
        var headers = Fakes.FakeDaprSidecar.HttpBindingHeaders(sent);
        Assert.Equal("order-1:capture:key-1", headers["Idempotency-Key"]);
        using var body = JsonDocument.Parse(sent.Data.ToStringUtf8());
        Assert.Equal(3689, body.RootElement.GetProperty("amount_minor").GetInt64());
        Assert.Equal("pm_abc", body.RootElement.GetProperty("token").GetString());
    }

    [Fact]
    public async Task A_decline_is_read_as_declined_and_a_failing_binding_as_a_timeout_to_retry_with_the_same_key()
    {
        Sidecar.BindingResponder = _ => Answer("""{"status": "declined", "reason": "insufficient_funds"}""");
        var declined = await Provider.RefundAsync(new RefundCommand("org-1", "ret-1:refund:t-1", "ch_123", 100, "EUR"), Ct);
        Assert.Equal((PaymentOutcomeKind.Declined, "insufficient_funds"), (declined.Kind, declined.Reason));
        Assert.Equal("/refund", Assert.Single(Sidecar.Recorded<DaprProto.InvokeBindingRequest>()).Metadata["path"]);

        Sidecar.BindingResponder = _ => throw new RpcException(new Status(StatusCode.Internal, "error invoking output binding payments: 502"));
        Assert.Equal(PaymentOutcomeKind.Timeout, (await Provider.VoidAsync(new VoidCommand("org-1", "t-1:void", "ch_123", 100, "EUR"), Ct)).Kind);
    }
}
