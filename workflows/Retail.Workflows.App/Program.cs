using Microsoft.AspNetCore.Builder;
using Retail.Shared.Hosting;

namespace Retail.Workflows.App;

public static class Program
{
    public static void Main(string[] args) => CreateApp(args).Run();

    /// <summary>The workflows module alone, at the root (as a Dapr app); <paramref name="configure"/> lets tests adjust the builder.</summary>
    public static WebApplication CreateApp(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        IServiceModule[] modules = [new WorkflowsModule()];
        builder.AddRetail(modules);
        var app = builder.Build();
        app.UseRetail(modules, prefixed: false);
        return app;
    }
}
