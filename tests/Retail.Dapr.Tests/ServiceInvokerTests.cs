using System.Text.Json.Nodes;
using Dapr.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Retail.Shared.Dapr;
using Retail.Shared.Invocation;

namespace Retail.Dapr.Tests;

public sealed class ServiceInvokerTests : SidecarTest
{
    private sealed record GetOrg(string Orgcode);

    private DaprServiceInvoker Invoker(DaprClient? client = null) =>
        new(client ?? Dapr, "uas", NoDelays, NullLogger<DaprServiceInvoker>.Instance);

    [Fact]
    public async Task a_call_goes_through_the_sidecar_with_the_callers_context()
    {
        var response = await Invoker().InvokeAsync("ofm", "/org/get", new GetOrg("acme"),
            new InvocationOptions(Orgcode: "acme", IdempotencyKey: "wf-1:step-2",
                Headers: new Dictionary<string, string> { ["x-request-id"] = "req-7" }), Ct);

        Assert.Equal(200, response.StatusCode);
        Assert.True(response.ReadAs<JsonObject>()["ok"]!.GetValue<bool>());
        var call = Assert.Single(Host.Invocations);
        Assert.Equal(("ofm", "org/get", "POST"), (call.AppId, call.Method, call.HttpMethod));
        Assert.Equal("acme", call.Headers["x-orgcode"]);
        Assert.Equal("wf-1:step-2", call.Headers["Idempotency-Key"]);
        Assert.Equal("req-7", call.Headers["x-request-id"]);
        Assert.Equal("uas", call.Headers["x-caller-app-id"]);
        Assert.StartsWith("application/json", call.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("""{"orgcode":"acme"}""", call.Body);
    }

    [Fact]
    public async Task a_call_without_body_sends_an_empty_object()
    {
        await Invoker().InvokeAsync("ofm", "stat", null, cancellationToken: Ct);

        Assert.Equal("{}", Assert.Single(Host.Invocations).Body);
    }

    [Fact]
    public async Task a_non_success_answer_is_returned_not_thrown_and_not_retried()
    {
        Host.InvocationAnswers.Enqueue((404, """{"code":"not_found"}"""));

        var response = await Invoker().InvokeAsync("ofm", "org/get", new GetOrg("nope"),
            new InvocationOptions(IdempotencyKey: "k-1"), Ct);

        Assert.Equal(404, response.StatusCode);
        Assert.False(response.IsSuccess);
        Assert.Single(Host.Invocations);
    }

    [Fact]
    public async Task an_idempotent_call_is_retried_after_a_transient_answer_with_the_same_key_and_request_id()
    {
        Host.InvocationAnswers.Enqueue((503, """{"code":"dependency_unavailable"}"""));

        var response = await Invoker().InvokeAsync("ofm", "org/update", new GetOrg("acme"),
            new InvocationOptions(IdempotencyKey: "wf-9:step-1"), Ct);

        Assert.Equal(200, response.StatusCode);
        var calls = Host.Invocations.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.All(calls, call => Assert.Equal("wf-9:step-1", call.Headers["Idempotency-Key"]));
        Assert.Equal(calls[0].Headers["x-request-id"], calls[1].Headers["x-request-id"]);
    }

    [Fact]
    public async Task a_call_without_idempotency_key_is_not_retried()
    {
        Host.InvocationAnswers.Enqueue((503, """{"code":"dependency_unavailable"}"""));

        var response = await Invoker().InvokeAsync("ofm", "org/update", new GetOrg("acme"), cancellationToken: Ct);

        Assert.Equal(503, response.StatusCode);
        Assert.Single(Host.Invocations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("k-1")]
    public async Task an_unreachable_sidecar_is_a_dependency_failure(string? idempotencyKey)
    {
        using var client = ClientOfMissingSidecar();

        var failure = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            Invoker(client).InvokeAsync("ofm", "org/get", new GetOrg("acme"), new InvocationOptions(IdempotencyKey: idempotencyKey), Ct));

        Assert.Equal("ofm/org/get", failure.Dependency);
    }
}
