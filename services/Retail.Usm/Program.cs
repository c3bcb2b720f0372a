using Retail.Shared.Hosting;

namespace Retail.Usm;

/// <summary>USM alone, as a Dapr app with its paths at the root.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        IServiceModule[] modules = [new UsmModule()];
        builder.AddRetail(modules);
        var app = builder.Build();
        app.UseRetail(modules, prefixed: false);
        app.Run();
    }
}
