using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Uas;

namespace Retail.Functional.Tests.Contract;

/// <summary>
/// Every list of every hosted service takes only the page tokens it issued itself, for the same org, list and filters:
/// anything else (malformed, truncated, tampered, huge, another org's, another list's) is 400 <c>invalid_next_token</c>.
/// </summary>
public sealed class PageTokenTests(OfmHost host) : IClassFixture<OfmHost>
{
    private static readonly string[] BadTokens =
    [
        "garbage",
        "",
        "AAAA",
        "eyJzIjoiK2tleSIsImsiOiJyZWN8b3JnfF98eCIsInYiOltdfQ",
        new string('x', 5000),
        "../../etc/passwd",
        "%00%00",
    ];

    [Fact]
    public async Task every_list_endpoint_of_every_service_refuses_a_bad_next_token_with_400()
    {
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrgAsync(orgcode);
        var lists = await ListOperationsAsync();
        Assert.True(lists.Count >= 15, $"found only {lists.Count} list operations: {string.Join(", ", lists)}");

        var specific = 0;
        foreach (var path in lists)
        {
            using var plain = await host.Operator.PostJsonAsync(path, new { limit = 1 }, Org(orgcode));
            // A list whose other fields are all optional must name the token as what is wrong.
            var bareIsValid = plain.StatusCode == HttpStatusCode.OK;
            foreach (var token in BadTokens)
            {
                using var response = await host.Operator.PostJsonAsync(path, new { next_token = token, limit = 1 }, Org(orgcode));
                var code = await response.ProblemCodeAsync();
                Assert.True((int)response.StatusCode < 500, $"{path} with next_token '{Shorten(token)}' answered {(int)response.StatusCode} {code}");
                if (bareIsValid)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
                        $"{path} with next_token '{Shorten(token)}' answered {(int)response.StatusCode} {code}");
                    Assert.True(code is "invalid_next_token" or "validation_failed", $"{path}: {code}");
                    specific += code == "invalid_next_token" ? 1 : 0;
                }
            }
        }
        Assert.True(specific >= 10 * BadTokens.Length / 2, $"only {specific} answers named the token");
    }

    [Fact]
    public async Task a_real_token_works_only_on_its_own_list_in_its_own_org_and_unaltered()
    {
        var orgA = OfmSteps.NewOrgcode();
        var orgB = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrgAsync(orgA);
        await host.Operator.ActiveOrgAsync(orgB);
        foreach (var code in new[] { "cc-one", "cc-two", "cc-three" })
        {
            await host.Operator.PostJsonAsync("/ofm/cost-centre/create", new { cccode = code, name = code }, Org(orgA)).Ok(HttpStatusCode.Created);
            await host.Operator.PostJsonAsync("/ofm/cost-centre/create", new { cccode = code, name = code }, Org(orgB)).Ok(HttpStatusCode.Created);
        }
        var first = await host.Operator.PostJsonAsync("/ofm/cost-centre/list", new { limit = 1 }, Org(orgA)).Ok();
        var token = first.GetProperty("next_token").GetString()!;
        Assert.DoesNotContain("rec|", token, StringComparison.Ordinal);
        Assert.DoesNotContain(orgA, token, StringComparison.Ordinal);

        var second = await host.Operator.PostJsonAsync("/ofm/cost-centre/list", new { limit = 1, next_token = token }, Org(orgA)).Ok();
        Assert.NotEqual(first.GetProperty("items")[0].GetProperty("cccode").GetString(), second.GetProperty("items")[0].GetProperty("cccode").GetString());

        await host.Operator.PostJsonAsync("/ofm/cost-centre/list", new { limit = 1, next_token = token }, Org(orgB))
            .Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await host.Operator.PostJsonAsync("/ofm/team/list", new { limit = 1, next_token = token }, Org(orgA))
            .Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await host.Operator.PostJsonAsync("/ofm/cost-centre/list", new { limit = 1, status = "inactive", next_token = token }, Org(orgA))
            .Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        await host.Operator.PostJsonAsync("/ofm/cost-centre/list", new { limit = 1, next_token = tampered }, Org(orgA))
            .Problem(HttpStatusCode.BadRequest, "invalid_next_token");
    }

    /// <summary>Every POST operation of every hosted service whose request takes a <c>next_token</c>.</summary>
    private async Task<List<string>> ListOperationsAsync()
    {
        var services = File.ReadLines(SpecFile("endpoints.tsv")).Skip(1).Select(l => l.Split('\t')[0]).Distinct().Append("workflows");
        var found = new List<string>();
        using var client = host.Factory.CreateClient();
        foreach (var service in services)
        {
            using var response = await client.GetAsync($"/openapi/{service}.json");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }
            var document = await response.JsonAsync();
            var schemas = document.GetProperty("components").GetProperty("schemas");
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                if (path.Value.TryGetProperty("post", out var post) && post.TryGetProperty("requestBody", out var body)
                    && body.GetProperty("content").TryGetProperty("application/json", out var json)
                    && Resolve(json.GetProperty("schema"), schemas) is { ValueKind: JsonValueKind.Object } schema
                    && schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty("next_token", out _))
                {
                    found.Add(path.Name);
                }
            }
        }
        return found;
    }

    private static JsonElement? Resolve(JsonElement schema, JsonElement schemas) =>
        schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;

    private static Dictionary<string, string> Org(string orgcode) => HttpJson.Headers(("x-orgcode", orgcode));

    private static string Shorten(string token) => token.Length > 20 ? token[..20] + "…" : token;

    private static string SpecFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "spec", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"../shared/spec/{name} not found above the test directory");
    }
}
