using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ofm;

/// <summary>Every ofm and mrs row of the spec's endpoints.tsv is an operation of the host, and its OpenAPI says who may call it.</summary>
public sealed class OfmMrsSurfaceTests(OfmHost host) : IClassFixture<OfmHost>
{
    private static readonly string[] OfmPaths =
    [
        "/org/create",
        "/org/get",
        "/org/list",
        "/org/update",
        "/org/status/set",
        "/cost-centre/create",
        "/cost-centre/get",
        "/cost-centre/list",
        "/cost-centre/update",
        "/cost-centre/status/set",
        "/facility/physical/create",
        "/facility/physical/get",
        "/facility/physical/list",
        "/facility/physical/update",
        "/facility/physical/status",
        "/facility/legal/create",
        "/facility/legal/get",
        "/facility/legal/list",
        "/facility/legal/update",
        "/facility/legal/status",
        "/facility/logical/create",
        "/facility/logical/get",
        "/facility/logical/list",
        "/facility/logical/update",
        "/facility/logical/status",
        "/zone/create",
        "/zone/get",
        "/zone/list",
        "/zone/status",
        "/owner/list",
        "/owner/primary/set",
        "/owner/secondary/add",
        "/owner/secondary/remove",
        "/owner/state/set",
        "/member/invite/create",
        "/member/invite/accept",
        "/member/invite/list",
        "/member/invite/revoke",
        "/member/state/set",
        "/member/assign-logical",
        "/member/detach-logical",
        "/service-account/assign-logical",
        "/service-account/detach-logical",
        "/service-account/assignments",
        "/member/list",
        "/member/assignments",
        "/member/resolve",
        "/team/create",
        "/team/get",
        "/team/list",
        "/team/update",
        "/team/status",
        "/team/member/add",
        "/team/member/remove",
        "/team/members",
        "/team/by-member",
        "/resolve/orgcode",
        "/resolve/facility",
        "/resolve/zone",
        "/resolve/cost-centre",
        "/sales-channel/create",
        "/sales-channel/get",
        "/sales-channel/list",
        "/sales-channel/update",
        "/sales-channel/status",
        "/sales-channel/config/presign",
        "/sales-channel/config/complete",
        "/sales-channel/resolve",
    ];

    private static readonly string[] MrsPaths =
    [
        "/record",
        "/record/complete",
        "/record/meta",
        "/list",
        "/tag/add",
        "/tag/remove",
        "/doom",
        "/ttl/set",
        "/head",
    ];

    [Theory]
    [InlineData("ofm")]
    [InlineData("mrs")]
    public async Task every_endpoint_of_the_spec_is_in_the_openapi_document(string app)
    {
        using var client = host.Factory.CreateClient();
        using var response = await client.GetAsync($"/openapi/{app}.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in app == "ofm" ? OfmPaths : MrsPaths)
        {
            Assert.True(paths.Contains($"/{app}{path}") || paths.Contains(path), $"{app} {path} is missing from the OpenAPI document");
        }
        Assert.DoesNotContain(paths, p => p.Contains("/directory/", StringComparison.Ordinal) && p.EndsWith("/events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task every_ofm_and_mrs_operation_needs_credentials()
    {
        using var anonymous = host.Factory.CreateClient();
        foreach (var path in OfmPaths.Select(p => "/ofm" + p).Concat(MrsPaths.Select(p => "/mrs" + p)))
        {
            using var response = await anonymous.PostJsonAsync(path, new { }, HttpJson.Headers(("x-orgcode", "acme")));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} answered {(int)response.StatusCode}");
        }
    }
}
