using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;

namespace Retail.Shared.Tests.Contract;

/// <summary>
/// The endpoint filter every module's group declares: a bound request's validator decides before the handler runs.
/// Validators run synchronously; one with an asynchronous rule still decides (run asynchronously instead of failing).
/// </summary>
public sealed class ValidationFilterTests
{
    public sealed record NameRequest(string? Name);

    public sealed record CodeRequest(string? Code);

    public sealed class NameRequestValidator : AbstractValidator<NameRequest>
    {
        public NameRequestValidator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(5);
    }

    /// <summary>A rule that must run asynchronously: FluentValidation refuses to run it in a synchronous validation.</summary>
    public sealed class CodeRequestValidator : AbstractValidator<CodeRequest>
    {
        public CodeRequestValidator() => RuleFor(r => r.Code).MustAsync(async (code, ct) =>
        {
            await Task.Yield();
            return code is "ok";
        }).WithMessage("must be ok");
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IValidator<NameRequest>, NameRequestValidator>();
        builder.Services.AddSingleton<IValidator<CodeRequest>, CodeRequestValidator>();
        var app = builder.Build();
        var group = app.MapGroup("").AddEndpointFilterFactory(ValidationFilter.Create);
        group.MapPost("/name", (NameRequest request) => TypedResults.Ok(new { handled = request.Name }));
        group.MapPost("/code", (CodeRequest request) => TypedResults.Ok(new { handled = request.Code }));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_request_its_validator_refuses_is_a_400_naming_the_field_and_the_handler_never_runs()
    {
        await using var app = await StartAsync();
        var client = app.GetTestClient();

        var (status, body) = await PostAsync(client, "/name", new { name = "toolong" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty("Name", out _) || body.GetProperty("errors").TryGetProperty("name", out _),
            body.ToString());
        Assert.False(body.TryGetProperty("handled", out _));

        var (okStatus, ok) = await PostAsync(client, "/name", new { name = "abc" });
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal("abc", ok.GetProperty("handled").GetString());
    }

    [Fact]
    public async Task A_validator_with_an_asynchronous_rule_still_decides()
    {
        await using var app = await StartAsync();
        var client = app.GetTestClient();

        var (status, body) = await PostAsync(client, "/code", new { code = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("must be ok", body.GetProperty("errors").ToString(), StringComparison.Ordinal);

        var (okStatus, ok) = await PostAsync(client, "/code", new { code = "ok" });
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal("ok", ok.GetProperty("handled").GetString());
    }
}
