using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Ipm;
using Retail.Shared.Invocation;

namespace Retail.Functional.Tests.Bulk;

/// <summary>Calls a service's internal bulk port as IPM does: through <see cref="IServiceInvoker"/>, with the org in x-orgcode.</summary>
public sealed record BulkPortClient(RetailHostFactory Factory, IpmOrg Org)
{
    public async Task<(int Status, JsonElement Body)> CallAsync(string app, string operation, object body)
    {
        var invoker = Factory.Services.GetRequiredService<IServiceInvoker>();
        var response = await invoker.InvokeAsync(app, $"/bulk/{operation}", body, new InvocationOptions(Org.Orgcode, Timeout: TimeSpan.FromSeconds(60)));
        var json = response.Body.Length == 0 ? default : JsonDocument.Parse(response.Body).RootElement.Clone();
        return (response.StatusCode, json);
    }

    public async Task<JsonElement> OkAsync(string app, string operation, object body)
    {
        var (status, json) = await CallAsync(app, operation, body);
        Assert.True(status == 200, $"{app}/bulk/{operation} answered {status}: {json}");
        return json;
    }

    public async Task<JsonElement> ProblemAsync(string app, string operation, object body, int status, string code)
    {
        var (actual, json) = await CallAsync(app, operation, body);
        Assert.True(actual == status, $"{app}/bulk/{operation} answered {actual}, not {status}: {json}");
        Assert.Equal(code, json.GetProperty("code").GetString());
        return json;
    }

    /// <summary>The results of an upsert, by index.</summary>
    public async Task<IReadOnlyList<JsonElement>> UpsertAsync(string entity, IEnumerable<object> records, bool dryRun = false)
    {
        var json = await OkAsync(entity.Split('.')[0], "upsert", new { entity, schema_version = 1, dry_run = dryRun, records = records.ToList() });
        return [.. json.GetProperty("results").EnumerateArray()];
    }

    public async Task<IReadOnlyList<string>> OutcomesAsync(string entity, IEnumerable<object> records, bool dryRun = false) =>
        [.. (await UpsertAsync(entity, records, dryRun)).Select(r => r.GetProperty("outcome").GetString()!)];

    public async Task<long> CountAsync(string entity) =>
        (await OkAsync(entity.Split('.')[0], "count", new { entity })).GetProperty("count").GetInt64();

    public async Task<(IReadOnlyList<string> Found, IReadOnlyList<string> Missing)> KeysAsync(string entity, params string[] keys)
    {
        var json = await OkAsync(entity.Split('.')[0], "keys", new { entity, keys });
        return ([.. json.GetProperty("found").EnumerateArray().Select(k => k.GetString()!)], [.. json.GetProperty("missing").EnumerateArray().Select(k => k.GetString()!)]);
    }

    /// <summary>Every exported item, page by page of <paramref name="limit"/>; also how many pages it took.</summary>
    public async Task<(IReadOnlyList<JsonElement> Items, int Pages)> ExportAllAsync(string entity, int limit, object? filters = null)
    {
        var items = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await OkAsync(entity.Split('.')[0], "export", new { entity, filters, limit, token });
            pages++;
            items.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.TryGetProperty("next_token", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null && pages < 100);
        return (items, pages);
    }
}

public static class BulkJson
{
    public static string Field(this JsonElement json, string name) => json.GetProperty(name).GetString()!;
}
