using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Contract;

/// <summary>Each service's OpenAPI document, as an integrator reads it, against what the pipeline really asks of a request.</summary>
public sealed class OpenApiContractTests : IAsyncLifetime
{
    private RetailHostFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new RetailHostFactory();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private async Task<Dictionary<string, JsonElement>> DocumentsAsync()
    {
        var client = _factory.CreateClient();
        var documents = new Dictionary<string, JsonElement>();
        var appIds = _factory.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints)
            .Select(e => e.Metadata.GetMetadata<ServiceModuleMetadata>()?.AppId).OfType<string>().Distinct();
        foreach (var appId in appIds)
        {
            var response = await client.GetAsync($"/openapi/{appId}.json", TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
            documents[appId] = await response.JsonAsync();
        }
        return documents;
    }

    private static JsonElement? Operation(JsonElement document, string path, string method) =>
        document.GetProperty("paths").TryGetProperty(path, out var item) && item.TryGetProperty(method, out var operation) ? operation : null;

    private static JsonElement? Header(JsonElement operation, string name) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(p => p!.Value.GetProperty("in").GetString() == "header"
                && string.Equals(p.Value.GetProperty("name").GetString(), name, StringComparison.OrdinalIgnoreCase))
            : null;

    private static bool IsRequired(JsonElement? parameter) =>
        parameter is { } p && p.TryGetProperty("required", out var required) && required.GetBoolean();

    [Fact]
    public async Task every_operation_of_every_service_has_a_summary_and_declares_the_headers_its_pipeline_requires()
    {
        var documents = await DocumentsAsync();
        var endpoints = _factory.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ServiceModuleMetadata>() is not null
                && e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();
        var problems = new List<string>();
        var checkedOperations = 0;
        foreach (var endpoint in endpoints)
        {
            var appId = endpoint.Metadata.GetMetadata<ServiceModuleMetadata>()!.AppId;
            // A create mapped at its group's own path (PVM's "/vendor", CreatePath "") has the raw pattern "/pvm/vendor/"; the document says "/pvm/vendor".
            var path = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var name = $"{method} {path}";
                if (Operation(documents[appId], path, method.ToLowerInvariant()) is not { } operation)
                {
                    problems.Add($"{name}: not documented");
                    continue;
                }
                checkedOperations++;
                if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                {
                    problems.Add($"{name}: no summary");
                }
                var access = endpoint.Metadata.GetMetadata<AccessRequirement>();
                if (access is null)
                {
                    continue;
                }
                if (access.IsOrgScoped && Header(operation, CredentialHeaders.Orgcode) is null)
                {
                    problems.Add($"{name}: org-scoped but does not declare x-orgcode");
                }
                if (endpoint.Metadata.GetMetadata<OrgHeaderRequired>() is not null && !IsRequired(Header(operation, CredentialHeaders.Orgcode)))
                {
                    problems.Add($"{name}: needs x-orgcode but does not declare it required");
                }
                if (endpoint.Metadata.GetMetadata<WriteOperation>() is not null && Header(operation, CredentialHeaders.IdempotencyKey) is null)
                {
                    problems.Add($"{name}: a write that does not declare Idempotency-Key");
                }
                var schemes = operation.TryGetProperty("security", out var security)
                    ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToHashSet()
                    : [];
                if (access.Kind != AccessKind.Anonymous && !schemes.Contains("api_key"))
                {
                    problems.Add($"{name}: needs a credential but declares no x-api-key security requirement");
                }
                if (access.Kind is AccessKind.OrgRole or AccessKind.Authenticated && !schemes.Contains("session"))
                {
                    problems.Add($"{name}: takes a user session but declares no x-session-guid security requirement");
                }
            }
        }

        Assert.True(checkedOperations > 100, $"only {checkedOperations} operations were found");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task accepting_an_invite_declares_the_x_orgcode_it_requires()
    {
        var ofm = (await DocumentsAsync())["ofm"];
        var accept = Operation(ofm, "/ofm/member/invite/accept", "post")!.Value;
        var orgcode = Header(accept, "x-orgcode");

        Assert.NotNull(orgcode);
        Assert.True(orgcode!.Value.GetProperty("required").GetBoolean());
        // And the pipeline asks for it before it reads the body.
        var response = await _factory.CreateOperatorClient().PostJsonAsync("/ofm/member/invite/accept", new { });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("x-orgcode", out _));
    }

    [Theory]
    [InlineData("uas", "SetPasscodeRequest", "email,passcode", "current_passcode,passcode_token")]
    [InlineData("ofm", "CreateInviteRequest", "role", "grant_expires_at,email,user_guid")]
    [InlineData("ofm", "SetMemberStateRequest", "user_guid,expected_revision", "grant_expires_at,role,state")]
    [InlineData("uas", "AddPaymentMethodRequest", "provider,token,brand,last4,exp_month,exp_year", "user_guid,label")]
    [InlineData("uas", "GetUserRequest", "", "user_guid,email")]
    public async Task only_the_fields_a_request_must_carry_are_marked_required(string appId, string schema, string required, string optional)
    {
        var document = (await DocumentsAsync())[appId];
        var definition = document.GetProperty("components").GetProperty("schemas").GetProperty(schema);
        var marked = definition.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];

        foreach (var field in required.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(marked.Contains(field), $"{schema}.{field} is required but not marked so ({string.Join(",", marked)})");
        }
        foreach (var field in optional.Split(','))
        {
            Assert.True(definition.GetProperty("properties").TryGetProperty(field, out _), $"{schema} has no {field}");
            Assert.False(marked.Contains(field), $"{schema}.{field} is optional but marked required");
        }
    }
}
