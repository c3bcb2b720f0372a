using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Workflows;

/// <summary>The workflows app composed into the single-process host, driven as a client would.</summary>
public sealed class HostedWorkflowTests : IAsyncLifetime
{
    // The workflows app and OFM, which answers for the org its sagas run in.
    private readonly RetailHostFactory _factory = new() { Modules = ["ofm", "workflows"] };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task a_saga_started_through_the_host_completes_and_the_runtime_reports_ready()
    {
        using var client = _factory.CreateOperatorClient();
        await client.ActiveOrgAsync("acme");
        client.DefaultRequestHeaders.Add("x-orgcode", "acme");

        var started = await client.PostJsonAsync("/workflows/workflow/start",
            new { name = "FanOutSaga", instance_id = "hosted-1", input = new { reference = "r-1" } },
            HttpJson.Headers(("Idempotency-Key", "start-hosted-1")));
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);

        await Waits.UntilAsync(async () =>
        {
            var get = await (await client.PostJsonAsync("/workflows/workflow/get", new { instance_id = "hosted-1" })).JsonAsync();
            var status = get.GetProperty("runtime_status").GetString();
            Assert.NotEqual("failed", status);
            return status == "completed";
        }, "the saga hosted-1 completes");

        var health = await _factory.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var stat = await (await client.GetAsync("/workflows/stat")).JsonAsync();
        Assert.Contains(stat.GetProperty("dependencies").EnumerateArray(), d => d.GetProperty("name").GetString() == "workflows"
            && d.GetProperty("status").GetString() == "healthy");
    }
}
