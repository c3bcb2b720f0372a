using Microsoft.AspNetCore.Builder;
using Retail.Shared.Hosting;

namespace Retail.Workflows.App;

public static class Program
{
    public static void Main(string[] args) => RetailApp.Run<WorkflowsModule>(args);

    /// <summary>The workflows module alone, at the root (as a Dapr app); <paramref name="configure"/> lets tests adjust the builder.</summary>
    public static WebApplication CreateApp(string[] args, Action<WebApplicationBuilder>? configure = null) =>
        RetailApp.Create<WorkflowsModule>(args, configure);
}
