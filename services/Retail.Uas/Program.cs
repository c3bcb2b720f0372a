using Retail.Shared.Contract;
using Retail.Shared.Hosting;
using Retail.Shared.Json;

namespace Retail.Uas;

/// <summary>UAS alone, as a Dapr app with its paths at the root.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var module = new UasModule();
        var options = builder.Configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<RequestContext>();
        builder.Services.ConfigureHttpJsonOptions(json => RetailJson.Configure(json.SerializerOptions, strict: true));
        builder.Services.AddBuildingBlocks(options, [module.AppId]);
        module.AddServices(builder.Services, builder.Configuration);
        var app = builder.Build();
        module.MapEndpoints(app);
        app.Run();
    }
}
