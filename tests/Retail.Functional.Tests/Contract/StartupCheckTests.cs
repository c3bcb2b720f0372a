using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Contract;
using Retail.Shared.Hosting;

namespace Retail.Functional.Tests.Contract;

/// <summary>An endpoint that forgot a declaration stops the app from being composed, naming the route and what is missing.</summary>
public sealed class StartupCheckTests
{
    [Fact]
    public async Task a_request_body_without_a_validator_and_an_operation_without_access_stop_the_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ComposeAsync(new CarelessModule()));

        Assert.Contains("/careless/unchecked binds " + typeof(UncheckedRequest).FullName + ", which has no validator", error.Message, StringComparison.Ordinal);
        Assert.Contains("POST /careless/open declares no access requirement", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/careless/checked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_module_gets_its_validators_without_registering_them()
    {
        // The careful module registers nothing itself; hosting finds its validator in the module's assembly.
        await using var app = await ComposeAsync(new CarefulModule());
        Assert.NotNull(app.Services.GetService<FluentValidation.IValidator<CheckedRequest>>());
    }

    private static async Task<WebApplication> ComposeAsync(IServiceModule module)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retail:DataDir"] = dataDir,
            ["Retail:OperatorKey"] = RetailHostFactory.OperatorKey,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        IServiceModule[] modules = [module];
        builder.AddRetail(modules);
        var app = builder.Build();
        try
        {
            app.UseRetail(modules, prefixed: true);
        }
        catch (InvalidOperationException)
        {
            await app.DisposeAsync();
            RetailHostFactory.TryDelete(dataDir);
            throw;
        }
        return app;
    }

    private sealed class CarelessModule : IServiceModule
    {
        public string AppId => "careless";

        public string Title => "Careless";

        // Only the checked request's validator: the unchecked one must be reported, not found by a scan.
        public IReadOnlyList<Assembly> ValidatorAssemblies => [];

        public void AddServices(IServiceCollection services, IConfiguration configuration) =>
            services.AddSingleton<FluentValidation.IValidator<CheckedRequest>, CheckedRequestValidator>();

        public void MapEndpoints(IEndpointRouteBuilder routes)
        {
            routes.MapPost("/checked", (CheckedRequest request) => TypedResults.Ok()).RequireOperator();
            routes.MapPost("/unchecked", (UncheckedRequest request) => TypedResults.Ok()).RequireOperator();
            routes.MapPost("/open", () => TypedResults.Ok());
        }
    }

    private sealed class CarefulModule : IServiceModule
    {
        public string AppId => "careful";

        public string Title => "Careful";

        public void AddServices(IServiceCollection services, IConfiguration configuration)
        {
        }

        public void MapEndpoints(IEndpointRouteBuilder routes) =>
            routes.MapPost("/checked", (CheckedRequest request) => TypedResults.Ok()).RequireOperator();
    }
}

public sealed record CheckedRequest(string? Name);

public sealed class CheckedRequestValidator : NoFieldRules<CheckedRequest>;

public sealed record UncheckedRequest(string? Name);
