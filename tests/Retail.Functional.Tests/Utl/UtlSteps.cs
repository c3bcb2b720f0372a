using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Crm;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;
using Retail.Utl;

namespace Retail.Functional.Tests.Utl;

/// <summary>
/// Hosts for UTL's tests: OFM and identity, MRS, the catalog, prices, stock, orders and customers, and UTL, with the export
/// and purge covering exactly the data-holding modules of the host and short waits (<see cref="UtlOptions"/>).
/// </summary>
internal static class UtlHost
{
    public static IReadOnlyList<string> DataModules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm", "ics", "ppm", "scm", "crm"];

    public static IReadOnlyList<string> Modules { get; } = [.. DataModules, "utl"];

    /// <param name="dataDir">A data folder to start on (a restart after a crash); a fresh temporary one when null.</param>
    public static RetailHostFactory Start(TimeSpan coolingOff, Action<IServiceCollection>? services = null, string? dataDir = null) =>
        new(dataDir)
        {
            ConfigureServices = s =>
            {
                TestSessions.Add(s);
                s.Configure<UtlOptions>(o =>
                {
                    o.Services = [.. DataModules];
                    o.CoolingOff = coolingOff;
                    o.HoldRecheck = TimeSpan.FromSeconds(2);
                    o.ExportPageSize = 50;
                    o.PurgeBatchSize = 25;
                    o.MaxPartBytes = 16 * 1024;
                });
                services?.Invoke(s);
            },
            Modules = Modules,
        };
}

internal static class UtlSteps
{
    public static string Str(this JsonElement json, string name) => json.GetProperty(name).GetString()!;

    public static long Long(this JsonElement json, string name) => json.GetProperty(name).GetInt64();

    /// <summary>
    /// An org with data in several services: the SCM test org (orgs, facilities, channels, a style with six variants, prices,
    /// stock), a placed order, two customers and an MRS record.
    /// </summary>
    public static async Task<ScmOrg> SeededOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix)
    {
        var org = await ScmHost.NewOrgAsync(factory, @operator, prefix, stock: 5);
        await org.TaxPolicy();
        await org.NewOrder(OrderSteps.Line(org.Variants[0], 1));
        var crm = new CrmOrg(org.Orgcode, org.Owner, org.Approver, org.Clerk, org.Clerk);
        await crm.CustomerAsync($"ada-{Guid.NewGuid():N}@example.com");
        await crm.CustomerAsync($"grace-{Guid.NewGuid():N}@example.com", given: "Grace", family: "Hopper");
        await org.Post("/mrs/record", new { json = new { note = "kept until the purge" } }).Ok(HttpStatusCode.Created);
        return org;
    }

    public static Task<HttpResponseMessage> Utl(this TestUser user, string orgcode, string path, object body) => user.Client.Post($"/utl{path}", body, orgcode);

    public static Task<HttpResponseMessage> Utl(this HttpClient client, string orgcode, string path, object body) => client.Post($"/utl{path}", body, orgcode);

    /// <summary>Waits for the export to complete; answers it.</summary>
    public static async Task<JsonElement> CompletedExportAsync(HttpClient @operator, string orgcode, string exportGuid)
    {
        JsonElement export = default;
        await Waits.UntilAsync(async () =>
        {
            export = await @operator.Utl(orgcode, "/export/status", new { export_guid = exportGuid }).Ok();
            Assert.NotEqual("failed", export.Str("status"));
            return export.Str("status") == "completed";
        }, $"export {exportGuid} completed", TimeSpan.FromMinutes(3));
        return export;
    }

    /// <summary>Waits for the org's offboarding to reach <paramref name="stage"/>; answers the status view.</summary>
    public static async Task<JsonElement> OffboardingAtAsync(HttpClient @operator, string orgcode, string stage)
    {
        JsonElement view = default;
        await Waits.UntilAsync(async () =>
        {
            view = await @operator.Utl(orgcode, "/offboarding/status", new { }).Ok();
            var now = view.GetProperty("offboarding").Str("stage");
            Assert.True(now != "failed" || stage == "failed", $"the offboarding failed: {view}");
            return now == stage;
        }, $"offboarding of {orgcode} at {stage}", TimeSpan.FromMinutes(3));
        return view;
    }

    public static async Task<string> OrgStatusAsync(HttpClient @operator, string orgcode) =>
        (await @operator.Post("/ofm/org/get", new { }, orgcode).Ok()).Str("status");

    /// <summary>
    /// Downloads the export's manifest through the signed URL, then every file it lists; checks each file's SHA-256 and
    /// record count against the manifest and parses its NDJSON. Answers the items per service.
    /// </summary>
    public static async Task<Dictionary<string, List<JsonElement>>> DownloadExportAsync(RetailHostFactory factory, HttpClient @operator, string orgcode,
        string exportGuid)
    {
        var download = await @operator.Utl(orgcode, "/export/download", new { export_guid = exportGuid }).Ok();
        using var anonymous = factory.CreateClient();
        var manifestBytes = await anonymous.GetByteArrayAsync(new Uri(download.Str("manifest_url")).PathAndQuery);
        Assert.Equal(download.Str("manifest_sha256"), Convert.ToHexStringLower(SHA256.HashData(manifestBytes)));
        var manifest = JsonDocument.Parse(Gunzip(manifestBytes)).RootElement.Clone();
        Assert.Equal(exportGuid, manifest.Str("export_guid"));
        var items = new Dictionary<string, List<JsonElement>>();
        foreach (var service in manifest.GetProperty("services").EnumerateArray())
        {
            var list = items[service.Str("app")] = [];
            foreach (var file in service.GetProperty("files").EnumerateArray())
            {
                var meta = await @operator.Post("/mrs/record/meta", new { record_guid = file.Str("record_guid") }, orgcode).Ok();
                var bytes = await anonymous.GetByteArrayAsync(new Uri(meta.Str("download_url")).PathAndQuery);
                Assert.Equal(file.Str("sha256"), Convert.ToHexStringLower(SHA256.HashData(bytes)));
                var lines = System.Text.Encoding.UTF8.GetString(Gunzip(bytes)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(file.Long("records"), lines.Length);
                list.AddRange(lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()));
            }
            Assert.Equal(service.Long("records"), list.Count);
        }
        Assert.Equal(manifest.Long("total_records"), items.Values.Sum(l => l.Count));
        return items;
    }

    public static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>
    /// Every item the org holds in every data module, as the org-data port exports it (operator, page by page through every
    /// part): one line per item, <c>app part kind key value</c> with the value's raw JSON, in a stable order. Two snapshots
    /// are equal only when every record, history entry, unique value, idempotency replay and blob is the same, byte for byte.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OrgDataAsync(HttpClient @operator, string orgcode)
    {
        var lines = new List<string>();
        foreach (var app in UtlHost.DataModules)
        {
            string? part = null, token = null;
            var pages = 0;
            do
            {
                var page = await @operator.Post($"/{app}/orgdata/export", new { part, token, limit = 500 }, orgcode).Ok();
                lines.AddRange(page.GetProperty("items").EnumerateArray()
                    .Select(i => $"{app} {i.Str("part")} {i.Str("kind")} {i.Str("key")} {i.GetProperty("value").GetRawText()}"));
                part = page.GetProperty("next_part").GetString();
                token = page.GetProperty("next_token").GetString();
                Assert.True(++pages < 1000, $"{app} never finished its export of {orgcode}");
            }
            while (part is not null);
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>
    /// <see cref="OrgDataAsync"/> once it has settled: events of the seeding land in other modules' records after the writes
    /// answer, so the snapshot is read once the host has delivered every event and two reads half a second apart agree (two
    /// reads alone agreed on a loaded machine while delivery lagged behind them).
    /// </summary>
    public static async Task<IReadOnlyList<string>> SettledOrgDataAsync(RetailHostFactory factory, HttpClient @operator, string orgcode)
    {
        var diagnostics = factory.Services.GetRequiredService<Retail.Shared.Embedded.EventBusDiagnostics>();
        var last = await OrgDataAsync(@operator, orgcode);
        await Waits.UntilAsync(async () =>
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            if (await diagnostics.PendingCountAsync(cancellationToken: TestContext.Current.CancellationToken) != 0)
            {
                return false;
            }
            var now = await OrgDataAsync(@operator, orgcode);
            var settled = now.SequenceEqual(last);
            last = now;
            return settled;
        }, $"the data of {orgcode} settled");
        Assert.NotEmpty(last);
        return last;
    }

    /// <summary>Asserts the org holds exactly the items of <paramref name="before"/> (<see cref="OrgDataAsync"/>), naming what differs.</summary>
    public static async Task AssertOrgDataUnchangedAsync(HttpClient @operator, string orgcode, IReadOnlyList<string> before)
    {
        var after = await OrgDataAsync(@operator, orgcode);
        var lost = before.Except(after, StringComparer.Ordinal).Take(5).ToList();
        var gained = after.Except(before, StringComparer.Ordinal).Take(5).ToList();
        Assert.True(lost.Count == 0 && gained.Count == 0 && before.Count == after.Count,
            $"the data of {orgcode} changed ({before.Count} items before, {after.Count} after); lost: {string.Join(" | ", lost)}; gained: {string.Join(" | ", gained)}");
    }

    /// <summary>What each data module's org-data port finds left of the org (operator, /orgdata/verify), by app.</summary>
    public static async Task<Dictionary<string, long>> RemainingAsync(HttpClient @operator, string orgcode)
    {
        var left = new Dictionary<string, long>();
        foreach (var app in UtlHost.DataModules)
        {
            left[app] = (await @operator.Post($"/{app}/orgdata/verify", new { }, orgcode).Ok()).Long("total");
        }
        return left;
    }

    /// <summary>What the org's reads show: its products, stock, orders, customers (counts), for comparing before and after.</summary>
    public static async Task<string> ReadsAsync(ScmOrg org)
    {
        var variants = await org.Post("/pvm/variant/list", new { style_code = "tee", limit = 500 }).Ok();
        var orders = await org.Post("/scm/order/list", new { limit = 500 }).Ok();
        var customers = await org.Post("/crm/customer/list", new { limit = 500 }).Ok();
        return $"variants {variants.GetProperty("items").GetArrayLength()}, orders {orders.GetProperty("items").GetArrayLength()}, "
            + $"customers {customers.GetProperty("items").GetArrayLength()}";
    }
}
