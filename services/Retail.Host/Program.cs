using Retail.Host;
using Retail.Shared.Hosting;

var builder = WebApplication.CreateBuilder(args);
var modules = HostModules.All;
builder.AddRetail(modules);

var app = builder.Build();
app.UseRetail(modules, prefixed: true);
app.Run();

/// <summary>The single-process host: every service module under <c>/{app-id}</c>.</summary>
public partial class Program;
