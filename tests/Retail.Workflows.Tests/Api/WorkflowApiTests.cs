using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Retail.Workflows.App;
using Retail.Workflows.Tests.Support;

namespace Retail.Workflows.Tests.Api;

/// <summary>The management API of the workflows app, over HTTP, as a client sees it.</summary>
public sealed class WorkflowApiTests : IAsyncLifetime
{
    private readonly TempDataDir _dir = new();
    private WebApplication? _app;
    private HttpClient _client = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = Program.CreateApp([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration["Retail:DataDir"] = _dir.Path;
        });
        await _app.StartAsync(Token);
        _client = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _dir.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string path, object body)
    {
        using var response = await _client.PostAsJsonAsync(path, body, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        return (response.StatusCode, string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<JsonElement> WaitForStatus(string instanceId, string status)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        JsonElement last = default;
        while (!patience.IsCancellationRequested)
        {
            (_, last) = await Post("/workflow/get", new { instance_id = instanceId });
            if (last.TryGetProperty("runtime_status", out var s) && s.GetString() == status)
            {
                return last;
            }
            await Task.Delay(10, Token);
        }
        throw new TimeoutException($"{instanceId} never became {status}; last {last}");
    }

    [Fact]
    public async Task a_started_sequential_saga_completes_and_its_journal_can_be_read()
    {
        var (status, started) = await Post("/workflow/start", new { name = "SequentialSaga", instance_id = "api-seq", input = new { reference = "r1" } });

        var done = await WaitForStatus("api-seq", "completed");
        var (_, history) = await Post("/workflow/history", new { instance_id = "api-seq" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("api-seq", started.GetProperty("instance_id").GetString());
        Assert.Equal(5, done.GetProperty("output").GetProperty("idempotency_keys").GetArrayLength());
        Assert.Equal("api-seq:0", done.GetProperty("output").GetProperty("idempotency_keys")[0].GetString());
        Assert.Equal(5, history.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "task_completed"));
        Assert.EndsWith("Z", done.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", history.GetProperty("events")[0].GetProperty("timestamp").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_approval_is_raised_as_an_event_and_completes_the_saga()
    {
        await Post("/workflow/start", new { name = "ApprovalSaga", instance_id = "api-approval", input = new { reference = "r2" } });
        await WaitForStatus("api-approval", "running");

        var (status, _) = await Post("/workflow/raise-event", new { instance_id = "api-approval", event_name = "approval", payload = new { approved = true, by = "ops" } });
        var done = await WaitForStatus("api-approval", "completed");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("approved", done.GetProperty("output").GetString());
    }

    [Fact]
    public async Task starting_a_running_instance_again_is_409_duplicate()
    {
        await Post("/workflow/start", new { name = "ApprovalSaga", instance_id = "api-dup", input = new { reference = "r3" } });

        var (status, body) = await Post("/workflow/start", new { name = "ApprovalSaga", instance_id = "api-dup", input = new { reference = "r3" } });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("duplicate", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task an_unknown_instance_is_404_and_an_unknown_workflow_name_is_400()
    {
        var (getStatus, getBody) = await Post("/workflow/get", new { instance_id = "nobody" });
        var (resumeStatus, _) = await Post("/workflow/resume", new { instance_id = "nobody" });
        var (startStatus, startBody) = await Post("/workflow/start", new { name = "NoSuchSaga" });

        Assert.Equal(HttpStatusCode.NotFound, getStatus);
        Assert.Equal("not_found", getBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, resumeStatus);
        Assert.Equal(HttpStatusCode.BadRequest, startStatus);
        Assert.Equal("validation_failed", startBody.GetProperty("code").GetString());
    }

    [Fact]
    public async Task resuming_a_completed_instance_is_409_invalid_transition()
    {
        await Post("/workflow/start", new { name = "FanOutSaga", instance_id = "api-done", input = new { reference = "r4" } });
        await WaitForStatus("api-done", "completed");

        var (status, body) = await Post("/workflow/resume", new { instance_id = "api-done" });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("invalid_transition", body.GetProperty("code").GetString());
        Assert.Equal("completed", body.GetProperty("from").GetString());
    }

    [Fact]
    public async Task suspend_terminate_and_purge_steer_an_instance_to_its_end()
    {
        await Post("/workflow/start", new { name = "ApprovalSaga", instance_id = "api-steer", input = new { reference = "r5" } });
        await WaitForStatus("api-steer", "running");

        var (suspend, _) = await Post("/workflow/suspend", new { instance_id = "api-steer", reason = "check" });
        await WaitForStatus("api-steer", "suspended");
        var (purgeEarly, purgeEarlyBody) = await Post("/workflow/purge", new { instance_id = "api-steer" });
        var (terminate, _) = await Post("/workflow/terminate", new { instance_id = "api-steer", output = "cancelled by ops" });
        var terminated = await WaitForStatus("api-steer", "terminated");
        var (list, listBody) = await Post("/workflow/list", new { status = "terminated" });
        var (purge, _) = await Post("/workflow/purge", new { instance_id = "api-steer" });
        var (gone, _) = await Post("/workflow/get", new { instance_id = "api-steer" });

        Assert.Equal(HttpStatusCode.OK, suspend);
        Assert.Equal(HttpStatusCode.Conflict, purgeEarly);
        Assert.Equal("invalid_transition", purgeEarlyBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, terminate);
        Assert.Equal("cancelled by ops", terminated.GetProperty("output").GetString());
        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Contains(listBody.GetProperty("items").EnumerateArray(), i => i.GetProperty("instance_id").GetString() == "api-steer");
        Assert.Equal(HttpStatusCode.OK, purge);
        Assert.Equal(HttpStatusCode.NotFound, gone);
    }

    [Fact]
    public async Task bad_requests_are_400_never_500()
    {
        var (missingId, missingBody) = await Post("/workflow/get", new { });
        var (unknownField, _) = await Post("/workflow/get", new { instance_id = "x", surprise = 1 });
        var (badLimit, _) = await Post("/workflow/list", new { limit = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, missingId);
        Assert.Equal("validation_failed", missingBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknownField);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit);
    }
}
