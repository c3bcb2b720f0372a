using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Json;

namespace Retail.Workflows.App;

public static class Program
{
    public static void Main(string[] args) => CreateApp(args).Run();

    /// <summary>The workflows module alone, at the root (as a Dapr app); <paramref name="configure"/> lets tests adjust the builder.</summary>
    public static WebApplication CreateApp(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.Configure<JsonOptions>(o => RetailJson.Configure(o.SerializerOptions, strict: true));
        var module = new WorkflowsModule();
        module.AddServices(builder.Services, builder.Configuration);
        var app = builder.Build();
        module.MapEndpoints(app);
        return app;
    }
}
