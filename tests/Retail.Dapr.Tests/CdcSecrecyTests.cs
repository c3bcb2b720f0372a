using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Dapr.Tests.Fakes;
using Retail.Shared.Dapr;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Shared.State;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace Retail.Dapr.Tests;

/// <summary>
/// The whole host in Dapr mode against the fake sidecar, whose outbox publishes every upsert written through the
/// record component, as daprd's does. Signing up, verifying and setting a passcode write a user record, a verification
/// token hash, a passcode hash, guess throttles and idempotency replays; only the record's writes may reach cdc.
/// </summary>
public sealed class CdcSecrecyTests : IAsyncLifetime
{
    private FakeSidecarHost sidecar = null!;
    private WebApplicationFactory<Program> host = null!;
    private HttpClient client = null!;
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "retail-dapr-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sidecar = await FakeSidecarHost.StartAsync();
        sidecar.Sidecar.AppId = "uas";
        // The outbox sits where the deployment's components put it, not where this test assumes.
        sidecar.Sidecar.OutboxStores.Clear();
        sidecar.Sidecar.OutboxStores.UnionWith(ComponentsWithOutbox());
        sidecar.Sidecar.Secrets[DaprOperatorKeyProvider.SecretName] = new() { [DaprOperatorKeyProvider.SecretName] = "test-operator-key" };
        host = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Retail:Mode", "Dapr");
            builder.UseSetting("Retail:DataDir", dataDir);
            builder.UseSetting("DAPR_GRPC_ENDPOINT", sidecar.GrpcEndpoint.ToString());
            builder.UseSetting("DAPR_HTTP_ENDPOINT", sidecar.HttpEndpoint.ToString());
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        client = host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await host.DisposeAsync();
        await sidecar.DisposeAsync();
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static IEnumerable<string> ComponentsWithOutbox() =>
        Directory.GetFiles(RepositoryFiles.PathOf("components"), "*.yaml")
            .Select(file => RepositoryFiles.Yaml(Path.GetRelativePath(RepositoryFiles.Root, file)))
            .Where(document => (string)document["kind"] == "Component"
                && RepositoryFiles.List(RepositoryFiles.Map(document["spec"])["metadata"]).Select(RepositoryFiles.Map)
                    .Any(item => (string)item["name"] == "outboxPublishTopic"))
            .Select(document => (string)RepositoryFiles.Map(document["metadata"])["name"]);

    private async Task<JsonObject> PostAsync(string path, object body, HttpStatusCode expected, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) as JsonObject ?? [];
    }

    private string MailedToken(string email)
    {
        var mail = sidecar.Sidecar.Recorded<DaprProto.InvokeBindingRequest>().Last(r => r.Name == "mail" && r.Metadata["emailTo"] == email);
        var line = FakeDaprSidecar.MailClientLines(mail.Data.ToStringUtf8()).Last(l => l.StartsWith("token: ", StringComparison.Ordinal));
        return line["token: ".Length..];
    }

    [Fact]
    public async Task only_record_writes_reach_cdc_never_token_or_passcode_hashes_throttles_or_idempotency_replays()
    {
        const string Passcode = "violet-harbour-57-kettle";
        var email = $"owner-{Guid.NewGuid():N}@example.com";

        var created = await PostAsync("/uas/user/create", new { email }, HttpStatusCode.Created, idempotencyKey: "signup-1");
        var verificationToken = MailedToken(email);
        var verified = await PostAsync("/uas/user/verify", new { email, token = verificationToken }, HttpStatusCode.OK);
        var passcodeToken = verified["passcode_token"]!.GetValue<string>();
        await PostAsync("/uas/passcode/set", new { email, passcode = Passcode, passcode_token = passcodeToken }, HttpStatusCode.OK);
        using (var wrong = await client.PostAsJsonAsync("/uas/passcode/set",
            new { email, passcode = "amber-quarry-38-lantern", current_passcode = "copper-meadow-91-sparrow" }, Ct))
        {
            Assert.False(wrong.IsSuccessStatusCode);
        }

        var plain = sidecar.Sidecar.HttpTransactions.Where(t => t.Store == "statestore").SelectMany(t => t.Body["operations"]!.AsArray())
            .Select(op => op!["request"]!.AsObject()).Where(r => r["value"] is not null).ToList();
        var records = sidecar.Sidecar.HttpTransactions.Where(t => t.Store == "recordstore").ToList();
        var cdc = sidecar.Sidecar.CdcEvents.ToList();
        var published = string.Join("\n", cdc.Select(e => e.ToJsonString()));

        // The secret-bearing writes happened, through the component without outbox.
        var plainKeys = plain.Select(r => r["key"]!.GetValue<string>()).ToList();
        Assert.Contains(plainKeys, key => key.StartsWith("token|", StringComparison.Ordinal));
        Assert.Contains(plainKeys, key => key.Contains("passcode", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(plainKeys, key => key.Contains("signup-1", StringComparison.Ordinal) || key.Contains("idem", StringComparison.OrdinalIgnoreCase));
        // Records went through the outbox component and their change events arrived with their own types.
        Assert.NotEmpty(records);
        Assert.Contains(cdc, e => (string?)e["type"] == "uas.user.created" && (string?)e["data"]!["key"] == created["user_guid"]!.GetValue<string>());
        // Nothing of what went through statestore, and no secret a client held, is in anything published to cdc.
        Assert.All(plain, write =>
        {
            var value = write["value"]!;
            Assert.DoesNotContain(cdc, e => JsonNode.DeepEquals(e["data"], value));
            // Every long string of it (hashes, salts, replayed bodies); timestamps are shared with records and are no secret.
            foreach (var text in value.ToJsonString().Split('"')
                .Where(s => s.Length >= 20 && !DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out _)))
            {
                Assert.DoesNotContain(text, published, StringComparison.Ordinal);
            }
        });
        Assert.DoesNotContain(verificationToken, published, StringComparison.Ordinal);
        Assert.DoesNotContain(passcodeToken, published, StringComparison.Ordinal);
        Assert.DoesNotContain(Passcode, published, StringComparison.Ordinal);
        Assert.DoesNotContain("signup-1", published, StringComparison.Ordinal);
    }

    [Fact]
    public void in_dapr_mode_records_and_everything_else_use_two_components_and_embedded_mode_one_store()
    {
        var dapr = new ServiceCollection().AddLogging().AddBuildingBlocks(new RetailOptions { Mode = RuntimeMode.Dapr }, ["uas"]);
        using var daprProvider = dapr.BuildServiceProvider();
        var plain = Assert.IsType<DaprStateStore>(daprProvider.GetRequiredKeyedService<IStateStore>("uas"));
        var records = Assert.IsType<DaprStateStore>(daprProvider.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records("uas")));
        Assert.Equal(("statestore", "recordstore"), (plain.StoreName, records.StoreName));

        var embedded = new ServiceCollection().AddLogging()
            .AddBuildingBlocks(new RetailOptions { DataDir = dataDir }, ["uas"]);
        using var embeddedProvider = embedded.BuildServiceProvider();
        Assert.Same(embeddedProvider.GetRequiredKeyedService<IStateStore>("uas"),
            embeddedProvider.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records("uas")));
        Assert.IsType<EmbeddedStateStores>(embeddedProvider.GetRequiredService<EmbeddedStateStores>());
    }
}
