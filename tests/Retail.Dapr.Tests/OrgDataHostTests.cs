using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.State;

namespace Retail.Dapr.Tests;

/// <summary>
/// The whole host in Dapr mode against the fake sidecar: the org-data port answers through the Dapr state part (it
/// answered 503 before there was one), with the raw key families the modules register (IPM's sealed webhook secrets).
/// </summary>
public sealed class OrgDataHostTests : IAsyncLifetime
{
    private const string OperatorKey = "test-operator-key";

    private DaprModeHost host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => host = await DaprModeHost.StartAsync("ipm", OperatorKey);

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task<JsonObject> OrgDataAsync(string operation, string orgcode, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/ipm/orgdata/{operation}") { Content = JsonContent.Create(body) };
        request.Headers.Add("x-api-key", OperatorKey);
        request.Headers.Add("x-orgcode", orgcode);
        using var response = await host.Client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{operation}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task in_dapr_mode_an_org_is_exported_page_by_page_purged_in_batches_and_verified_empty_while_another_org_keeps_its_entries()
    {
        var store = host.Factory.Services.GetRequiredKeyedService<IStateStore>("ipm");
        await store.TransactAsync(new StateTransaction()
            .Upsert("webhook-secret|odgo|w1", Json("""{"value":"c2VhbGVk"}"""), null)
            .Upsert("idem|odgo|h1", Json("""{"fingerprint":"f","completed":true}"""), null)
            .Upsert("webhook-secret|odst|w1", Json("""{"value":"b3RoZXI="}"""), null), Ct);

        var verify = await OrgDataAsync("verify", "odgo", new { });
        Assert.Equal(2, (long)verify["total"]!);
        Assert.Equal("state", (string?)Assert.Single(verify["parts"]!.AsArray())!["part"]);

        var first = await OrgDataAsync("export", "odgo", new { limit = 1 });
        var firstItem = Assert.Single(first["items"]!.AsArray())!;
        Assert.Equal("state", (string?)first["next_part"]);
        var second = await OrgDataAsync("export", "odgo", new { part = "state", token = (string?)first["next_token"], limit = 1 });
        var secondItem = Assert.Single(second["items"]!.AsArray())!;
        var third = await OrgDataAsync("export", "odgo", new { part = "state", token = (string?)second["next_token"], limit = 1 });
        Assert.Empty(third["items"]!.AsArray());
        Assert.Null(third["next_token"]);
        Assert.Equal(["idem|odgo|h1", "webhook-secret|odgo|w1"], new[] { (string)firstItem["key"]!, (string)secondItem["key"]! });
        Assert.Equal("c2VhbGVk", (string?)secondItem["value"]!["value"]);

        var purged = await OrgDataAsync("purge", "odgo", new { limit = 1 });
        Assert.Equal((1L, false), ((long)purged["deleted"]!, (bool)purged["done"]!));
        var rest = await OrgDataAsync("purge", "odgo", new { limit = 5 });
        Assert.Equal((1L, true), ((long)rest["deleted"]!, (bool)rest["done"]!));

        Assert.Equal(0, (long)(await OrgDataAsync("verify", "odgo", new { }))["total"]!);
        Assert.Null(host.Sidecar.Sidecar.Stored("webhook-secret|odgo|w1"));
        Assert.Equal(1, (long)(await OrgDataAsync("verify", "odst", new { }))["total"]!);
        Assert.NotNull(host.Sidecar.Sidecar.Stored("webhook-secret|odst|w1"));
    }
}
