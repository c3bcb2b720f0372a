using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Collaboration;

/// <summary>
/// Every service of the host that endpoints.tsv says lists comment, inbox or search operations serves each of them,
/// documents it with its minimum role, and refuses anonymous callers; services that list none mount none. The host's
/// services come from its endpoints, so the test grows as services arrive. The probe modules are held to the rows of
/// the services they stand in for (ICS: all thirteen; PVM: four), so the checks themselves are exercised today.
/// </summary>
public sealed class CollaborationSurfaceTests(CollaborationHost host) : IClassFixture<CollaborationHost>
{
    private static readonly Lazy<Dictionary<string, HashSet<string>>> Spec = new(ReadSpec);

    private static Dictionary<string, HashSet<string>> ReadSpec() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Collaboration", "collaboration-endpoints.tsv"))
            .Skip(1)
            .Select(l => l.Split('\t'))
            .Where(f => f.Length >= 2)
            .GroupBy(f => f[0], f => f[1])
            .ToDictionary(g => g.Key, g => g.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    private static HashSet<string> AllPaths => Spec.Value.Values.SelectMany(p => p).ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> AppIdsOf(IServiceProvider services) =>
        services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints)
            .Select(e => e.Metadata.GetMetadata<ServiceModuleMetadata>()?.AppId).OfType<string>().ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void the_spec_rows_are_the_ones_the_issue_names()
    {
        Assert.Equal(13, Spec.Value["ics"].Count);
        Assert.Equal(["/comment", "/comment/list", "/comment/report", "/comment/status"], Spec.Value["pvm"].Order(StringComparer.Ordinal));
        foreach (var service in new[] { "ppm", "pcm", "scm", "crm", "influencer", "accounting" })
        {
            Assert.Equal(11, Spec.Value[service].Count);
        }
        Assert.DoesNotContain(Spec.Value.Keys, s => s is "uas" or "usm" or "ofm" or "mrs");
    }

    [Fact]
    public async Task every_hosted_service_that_lists_comments_or_inbox_serves_documents_and_guards_them()
    {
        await using var factory = new RetailHostFactory();
        using var client = factory.CreateClient();
        var hosted = AppIdsOf(factory.Services);
        Assert.Contains("mrs", hosted);
        foreach (var app in hosted.Where(Spec.Value.ContainsKey))
        {
            await AssertSurfaceAsync(client, app, Spec.Value[app]);
        }
        foreach (var app in hosted.Where(a => !Spec.Value.ContainsKey(a)))
        {
            await AssertAbsentAsync(client, app, AllPaths);
        }
    }

    [Theory]
    [InlineData("cie", "ics")]
    [InlineData("cielite", "pvm")]
    public async Task a_probe_module_serves_exactly_the_rows_of_the_service_it_stands_in_for(string probe, string service)
    {
        var client = host.Anonymous();
        Assert.Contains(probe, AppIdsOf(host.App.Services));
        var listed = Spec.Value[service];
        await AssertSurfaceAsync(client, probe, listed);
        await AssertAbsentAsync(client, probe, AllPaths.Except(listed));
    }

    private static readonly HashSet<string> OperatorOnly = ["accounting"];

    private static async Task AssertSurfaceAsync(HttpClient anonymous, string app, IReadOnlyCollection<string> paths)
    {
        var operations = await OperationsAsync(anonymous, app);
        foreach (var path in paths)
        {
            Assert.True(operations.TryGetValue($"/{app}{path}", out var operation) || operations.TryGetValue(path, out operation),
                $"{app} {path} is missing from /openapi/{app}.json");
            // Operator-only services (Accounting) raise every comment and inbox operation to the operator.
            string[] roles = OperatorOnly.Contains(app) ? ["operator"] : ["viewer", "member"];
            Assert.True(operation.TryGetProperty("x-min-role", out var role) && roles.Contains(role.GetString()),
                $"{app} {path} does not document its minimum role ({string.Join(" or ", roles)})");
            using var response = await anonymous.PostJsonAsync($"/{app}{path}", new { }, HttpJson.Headers(("x-orgcode", "acme")));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{app} {path} answered {(int)response.StatusCode} to an anonymous caller");
        }
    }

    private static async Task AssertAbsentAsync(HttpClient anonymous, string app, IEnumerable<string> paths)
    {
        var operations = await OperationsAsync(anonymous, app);
        foreach (var path in paths)
        {
            Assert.False(operations.ContainsKey($"/{app}{path}") || operations.ContainsKey(path), $"{app} serves {path}, which it does not list");
        }
    }

    private static async Task<Dictionary<string, JsonElement>> OperationsAsync(HttpClient client, string app)
    {
        using var response = await client.GetAsync(new Uri($"/openapi/{app}.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.JsonAsync();
        return document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("post", out _))
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("post"), StringComparer.Ordinal);
    }
}
