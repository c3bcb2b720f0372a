using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Bulk;
using Retail.Functional.Tests.Ipm;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;

namespace Retail.Functional.Tests.OrgData;

/// <summary>Every module of the whole host, for the org-data port that offboarding (UTL) drives.</summary>
public sealed class OrgDataHost() : ServiceHost(null!)
{
    public Task<IpmOrg> NewOrgAsync(string prefix) => IpmHost.NewOrgAsync(Factory, Operator, prefix);
}

/// <summary>
/// Issue 22, "every service takes part": each hosted service exports, purges and verifies an org's data through the
/// port hosting maps on every module, and a purge leaves nothing of the org in any state file while another org keeps
/// every byte.
/// </summary>
public sealed class OrgDataTests(OrgDataHost host) : IClassFixture<OrgDataHost>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<(int Status, JsonElement Body)> CallAsync(string app, string path, string orgcode, object body)
    {
        var invoker = host.Factory.Services.GetRequiredService<IServiceInvoker>();
        var response = await invoker.InvokeAsync(app, path, body, new InvocationOptions(orgcode, Timeout: TimeSpan.FromSeconds(60)));
        return (response.StatusCode, response.Body.Length == 0 ? default : JsonDocument.Parse(response.Body).RootElement.Clone());
    }

    private async Task<JsonElement> OkAsync(string app, string path, string orgcode, object body)
    {
        var (status, json) = await CallAsync(app, path, orgcode, body);
        Assert.True(status == 200, $"{app}{path} answered {status}: {json}");
        return json;
    }

    private IReadOnlyList<string> Apps => host.Factory.Services.GetRequiredService<HostedApps>().AppIds;

    [Fact]
    public async Task Every_hosted_service_answers_the_org_data_port_with_its_state_part()
    {
        var org = await host.NewOrgAsync("odp");
        Assert.True(Apps.Count >= 15, $"the host composes {Apps.Count} modules");
        foreach (var app in Apps)
        {
            var verify = await OkAsync(app, "/orgdata/verify", org.Orgcode, new { });
            Assert.Equal(app, verify.GetProperty("app").GetString());
            Assert.Contains("state", verify.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("part").GetString()));
            var export = await OkAsync(app, "/orgdata/export", org.Orgcode, new { limit = 10 });
            Assert.Equal(app, export.GetProperty("app").GetString());
        }
        var (status, problem) = await CallAsync("pvm", "/orgdata/export", org.Orgcode, new { limit = 0 });
        Assert.Equal(400, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        // Not open to the org's own people: only services of the deployment and the operator.
        var asOwner = await org.Post("/pvm/orgdata/verify", new { });
        Assert.Equal(HttpStatusCode.Forbidden, asOwner.StatusCode);
    }

    [Fact]
    public async Task An_org_is_exported_then_purged_from_every_service_in_small_batches_and_another_org_keeps_every_byte()
    {
        var leaving = await host.NewOrgAsync("odgo");
        var staying = await host.NewOrgAsync("odst");
        foreach (var org in new[] { leaving, staying })
        {
            await SeedAsync(org);
        }
        var before = await SettledRowsAsync(staying.Orgcode);
        Assert.NotEmpty(before);
        Assert.NotEmpty(Rows(leaving.Orgcode));
        Assert.Contains(Rows(leaving.Orgcode), r => r.Key.Contains(":webhook-secret|", StringComparison.Ordinal));
        Assert.Contains(Rows(leaving.Orgcode), r => r.Key.Contains(":idem|", StringComparison.Ordinal));

        // Export: every service, part by part, page by page: the records with their history.
        var exported = new List<JsonElement>();
        foreach (var app in Apps)
        {
            string? part = null, token = null;
            var pages = 0;
            do
            {
                var page = await OkAsync(app, "/orgdata/export", leaving.Orgcode, new { part, token, limit = 25 });
                exported.AddRange(page.GetProperty("items").EnumerateArray());
                part = page.GetProperty("next_part").ValueKind == JsonValueKind.String ? page.GetProperty("next_part").GetString() : null;
                token = page.GetProperty("next_token").ValueKind == JsonValueKind.String ? page.GetProperty("next_token").GetString() : null;
            }
            while (part is not null && ++pages < 1000);
        }
        Assert.Contains(exported, i => i.GetProperty("kind").GetString() == "vendor");
        Assert.Contains(exported, i => i.GetProperty("kind").GetString() == "customer");
        Assert.Contains(exported, i => i.GetProperty("kind").GetString() == "history");
        Assert.DoesNotContain(exported, i => i.GetProperty("key").GetString()!.Contains(staying.Orgcode, StringComparison.Ordinal));
        var exportedKeys = exported.Select(i => i.GetProperty("key").GetString()).ToList();
        Assert.Equal(exportedKeys.Count, exportedKeys.Distinct().Count());

        // Purge in batches of 50 until every service says done; a second purge finds nothing.
        foreach (var app in Apps)
        {
            var calls = 0;
            while (true)
            {
                var step = await OkAsync(app, "/orgdata/purge", leaving.Orgcode, new { limit = 50 });
                Assert.True(step.GetProperty("deleted").GetInt64() <= 50, $"{app} deleted {step.GetProperty("deleted")} in one batch of 50");
                if (step.GetProperty("done").GetBoolean())
                {
                    break;
                }
                Assert.True(++calls < 500, $"{app} never finished its purge");
            }
            var again = await OkAsync(app, "/orgdata/purge", leaving.Orgcode, new { limit = 50 });
            Assert.Equal((0L, true), (again.GetProperty("deleted").GetInt64(), again.GetProperty("done").GetBoolean()));
            Assert.Equal(0L, (await OkAsync(app, "/orgdata/verify", leaving.Orgcode, new { })).GetProperty("total").GetInt64());
        }

        Assert.Empty(Rows(leaving.Orgcode));
        Assert.Equal(0, OutboxCount(leaving.Orgcode));
        var after = await SettledRowsAsync(staying.Orgcode);
        Assert.True(Same(before, after), $"the staying org's rows changed: {Difference(before, after)}");
        // The org itself (no-org scope, the directory) stays until offboarding closes it.
        await host.Operator.PostJsonAsync("/ofm/org/get", new { }, HttpJson.Headers(("x-orgcode", leaving.Orgcode))).Ok();
    }

    private async Task SeedAsync(IpmOrg org)
    {
        var port = new BulkPortClient(host.Factory, org);
        await port.UpsertAsync("pvm.vendor", Enumerable.Range(1, 3).Select(i => (object)new { vendor_code = $"v{i}", name = $"Vendor {i}", country = "DE" }));
        await port.UpsertAsync("crm.customer", [new { email = $"ada@{org.Orgcode}.example", given_name = "Ada", family_name = "Lovelace" }]);
        await org.CreateWebhookAsync(_receiver.Url($"/hooks/{org.Orgcode}"), "kpi.alert_fired");
        // An idempotent write leaves a replay entry of the org.
        var create = await org.Owner.Client.PostJsonAsync("/crm/customer/create", new { email = $"grace@{org.Orgcode}.example", given_name = "Grace" },
            HttpJson.Headers(("x-orgcode", org.Orgcode), ("Idempotency-Key", "seed-" + org.Orgcode)));
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
    }

    // Events land in other services' projections after the write answers (an org's creation fans out to every service):
    // the org's rows are read once every event of the host is delivered and two reads agree. A fixed number of reads was
    // not enough on a loaded machine, where delivery lagged the reads by more than their window.
    private async Task<IReadOnlyDictionary<string, string>> SettledRowsAsync(string orgcode)
    {
        var diagnostics = host.Factory.Services.GetRequiredService<EventBusDiagnostics>();
        var last = Rows(orgcode);
        await Waits.UntilAsync(async () =>
        {
            if (await diagnostics.PendingCountAsync() != 0)
            {
                return false;
            }
            await Task.Delay(200);
            var now = Rows(orgcode);
            var same = Same(last, now);
            last = now;
            return same && await diagnostics.PendingCountAsync() == 0;
        }, $"every event of the host is delivered and {orgcode}'s rows settle", TimeSpan.FromSeconds(120));
        return last;
    }

    private static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(r => b.TryGetValue(r.Key, out var v) && v == r.Value);

    // The keys added, removed or changed between two reads, for a failure's message.
    private static string Difference(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        string.Join(", ", before.Keys.Union(after.Keys)
            .Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b)
            .Order(StringComparer.Ordinal)
            .Take(40)
            .Select(k => (before.ContainsKey(k), after.ContainsKey(k)) switch { (false, _) => "+" + k, (_, false) => "-" + k, _ => "~" + k }));

    /// <summary>Every state row of the org in every service's file, by file and key: the org's segment of the key is its code.</summary>
    private Dictionary<string, string> Rows(string orgcode)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(host.Factory.DataDir, "state"), "*.db"))
        {
            using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT key, value FROM state";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = reader.GetString(0);
                if (OrgOf(key) == orgcode)
                {
                    rows[$"{Path.GetFileName(file)}:{key}"] = reader.GetString(1);
                }
            }
        }
        return rows;
    }

    private int OutboxCount(string orgcode)
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(host.Factory.DataDir, "state"), "*.db"))
        {
            using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM outbox WHERE orgcode = $org";
            command.Parameters.AddWithValue("$org", orgcode);
            count += Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return count;
    }

    // Record keys carry the org in their third segment (rec|entity|org|key); every other family in its second.
    private static string? OrgOf(string key)
    {
        var parts = key.Split('|');
        return parts[0] is "rec" or "uniq" or "hist" or "ixv" ? (parts.Length > 2 ? parts[2] : null) : parts.Length > 1 ? parts[1] : null;
    }
}
