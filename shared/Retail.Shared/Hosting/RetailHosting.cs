using Dapr;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Retail.Shared.Contract;
using Retail.Shared.Contract.Identity;
using Retail.Shared.Json;
using Retail.Shared.Problems;
using Scalar.AspNetCore;
using Serilog;
using Serilog.Events;

namespace Retail.Shared.Hosting;

/// <summary>
/// Composes service modules into one app: the single-process host (every module under <c>/{app-id}</c>)
/// or one module as its own Dapr app (paths at the root). Both get the same contract, building blocks,
/// logging, tracing, health, stat and OpenAPI.
/// </summary>
public static class RetailHosting
{
    public static WebApplicationBuilder AddRetail(this WebApplicationBuilder builder, IReadOnlyList<IServiceModule> modules)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddOptions<RetailOptions>().Bind(configuration.GetSection(RetailOptions.Section));
        var options = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();

        services.AddSerilog((sp, log) => ConfigureLogging(log, configuration, sp));
        services.ConfigureHttpJsonOptions(o => RetailJson.Configure(o.SerializerOptions, strict: true));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["request_id"] = c.HttpContext.TraceIdentifier;
            // With the path base: behind the gateway an app alone sees /org/get under the /ofm the gateway removed.
            c.ProblemDetails.Instance ??= c.HttpContext.Request.PathBase + c.HttpContext.Request.Path;
        });
        // A rule stops at its first failure: chains such as NotEmpty().Must(v => v!.Trim()…) rely on it, and without
        // it a missing field reached the predicate and answered 500.
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
            member is null ? null : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<RequestContext>();
        services.AddHttpContextAccessor();
        services.AddSingleton<InternalCredential>();
        services.TryAddSingleton<IOperatorKeyProvider, ConfiguredOperatorKeyProvider>();
        services.AddSingleton<ICredentialResolver, InternalCredentialResolver>();
        services.AddSingleton<ICredentialResolver, OperatorKeyResolver>();
        if (options.Mode == RuntimeMode.Dapr)
        {
            services.AddSingleton<ICredentialResolver>(new DaprAppTokenResolver(configuration["APP_API_TOKEN"]));
        }
        services.AddUsmIdentity(configuration);
        services.AddSingleton<OrgDirectoryCache>();
        services.TryAddSingleton<IOrgDirectory, OfmOrgDirectory>();
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());

        var appIds = modules.Select(m => m.AppId).ToList();
        services.AddBuildingBlocks(options, appIds);
        services.AddSingleton(new HostedApps(appIds));

        var health = services.AddHealthChecks();
        foreach (var appId in appIds)
        {
            health.Add(new HealthCheckRegistration($"state:{appId}", sp => new StateStoreHealthCheck(sp, appId), HealthStatus.Unhealthy, ["ready"]));
        }

        foreach (var module in modules)
        {
            services.AddOpenApi(module.AppId, o =>
            {
                o.ShouldInclude = d => d.GroupName == module.AppId;
                o.AddDocumentTransformer(new ContractDocumentTransformer(module.AppId, module.Title));
                o.AddOperationTransformer<ContractOperationTransformer>();
                o.AddSchemaTransformer<RequiredFieldsSchemaTransformer>();
            });
            module.AddServices(services, configuration);
        }
        // Part of registering a module, so no module can forget it (the start-up check below would refuse it anyway).
        services.AddValidatorsFromAssemblyContaining<OrgData.OrgExportRequestValidator>(ServiceLifetime.Singleton,
            filter: r => r.ValidatorType.Namespace == typeof(OrgData.OrgExportRequestValidator).Namespace);
        foreach (var assembly in modules.SelectMany(m => m.ValidatorAssemblies).Distinct())
        {
            services.AddValidatorsFromAssembly(assembly, ServiceLifetime.Singleton, includeInternalTypes: false);
        }

        var serviceName = modules.Count == 1 ? modules[0].AppId : "retail-host";
        if (TimeOrderedTraceIds.Wanted(configuration, Environment.GetEnvironmentVariable("OTEL_TRACES_SAMPLER")))
        {
            TimeOrderedTraceIds.Use();
        }
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: RetailVersion.Current))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/healthz"))
                    .AddHttpClientInstrumentation()
                    .AddSource("Retail.*");
                if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    t.AddOtlpExporter();
                }
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentationIfPresent().AddMeter("Retail.*");
                if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    m.AddOtlpExporter();
                }
            });
        return builder;
    }

    /// <summary>
    /// The pipeline and the modules' endpoints. <paramref name="prefixed"/>: each module under <c>/{app-id}</c>
    /// (the host); otherwise one module at the root (its own Dapr app).
    /// </summary>
    public static WebApplication UseRetail(this WebApplication app, IReadOnlyList<IServiceModule> modules, bool prefixed)
    {
        var dapr = app.Services.GetRequiredService<IOptions<RetailOptions>>().Value.Mode == RuntimeMode.Dapr;
        if (dapr)
        {
            // First, so the log, the usage record and every URL the app builds see the client's request.
            app.UseMiddleware<GatewayRelayMiddleware>();
            app.UseForwardedHeaders(GatewayRelayMiddleware.ForwardedOptions());
        }
        // The request log sits outside the boundary, so it records the status the client got (a 400 for bad JSON),
        // not the exception the boundary turned into that answer.
        app.UseSerilogRequestLogging(o =>
        {
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} answered {StatusCode} in {Elapsed:0.0} ms";
            o.EnrichDiagnosticContext = (diagnostics, http) => diagnostics.Set("RequestId", http.TraceIdentifier);
            o.GetLevel = RequestLogLevel;
            // This app's own logger, not the process-wide static one, which the last app built in a process replaces.
            o.Logger = app.Services.GetService<Serilog.ILogger>();
        });
        app.UseMiddleware<RequestBoundaryMiddleware>();
        app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
        if (dapr)
        {
            // The sidecar delivers CloudEvents; handlers receive the event's data as their body, as in the host.
            app.UseCloudEvents();
        }
        app.UseRouting();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseMiddleware<ContractMiddleware>();
        app.UseMiddleware<UsageMiddleware>();

        if (dapr)
        {
            app.MapSubscribeHandler();
        }
        app.MapHealthChecks("/healthz", new() { Predicate = c => c.Tags.Contains("ready") });
        app.MapGet("/alive", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapIdentityRevocations(app.Services.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o =>
        {
            o.WithTitle("Retail stack API").WithOpenApiRoutePattern("/openapi/{documentName}.json");
            o.AddDocuments(modules.Select(m => m.AppId));
        });

        var pubSubName = app.Services.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        foreach (var module in modules)
        {
            var group = app.MapGroup(prefixed ? "/" + module.AppId : "/")
                .WithGroupName(module.AppId)
                .WithMetadata(new ServiceModuleMetadata(module.AppId))
                .AddEndpointFilterFactory(ValidationFilter.Create);
            group.MapGet("/stat", StatEndpoint.Create(module.AppId)).AllowAnonymousCaller().WithTags("Stat")
                .WithSummary("The service's health, version and, with credentials, the resolved caller and its dependencies.");
            var directoryEvents = group.MapPost("/directory/events", OrgDirectoryCache.OnDirectoryEvent).RequireInternal().ExcludeFromDescription();
            foreach (var topic in DirectoryTopics.All)
            {
                directoryEvents.WithTopic(pubSubName, topic);
            }
            group.MapPost(StorageMeasurementEndpoint.Path, StorageMeasurementEndpoint.Create(module.AppId)).RequireInternal().ExcludeFromDescription();
            OrgData.OrgDataEndpoints.Map(group, module.AppId);
            if (prefixed)
            {
                group.MapGet("/healthz", (HttpContext http) => Results.Redirect("/healthz")).ExcludeFromDescription();
            }
            module.MapEndpoints(group);
            if (prefixed)
            {
                module.MapRootEndpoints(app.MapGroup("/").WithGroupName(module.AppId).WithMetadata(new ServiceModuleMetadata(module.AppId))
                    .AddEndpointFilterFactory(ValidationFilter.Create));
            }
        }
        // Now, not at ApplicationStarted: an exception there is only logged, and this must stop the start.
        EndpointChecks.EnsureDeclared(((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints), app.Services);
        if (!dapr)
        {
            // Make (or read) the operator key at start-up, so a fresh host has one to hand in {DataDir}/operator.key.
            app.Lifetime.ApplicationStarted.Register(() =>
                app.Services.GetRequiredService<IOperatorKeyProvider>().GetOperatorKeyAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult());
        }
        return app;
    }

    /// <summary>A fault on our side is an error; a client's mistake is a warning; health probes are noise.</summary>
    internal static LogEventLevel RequestLogLevel(HttpContext http, double elapsedMs, Exception? ex) =>
        ex is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
        : http.Request.Path.StartsWithSegments("/healthz") || http.Request.Path.StartsWithSegments("/alive") ? LogEventLevel.Verbose
        : http.Response.StatusCode >= 400 ? LogEventLevel.Warning
        : LogEventLevel.Information;

    private static void ConfigureLogging(LoggerConfiguration log, IConfiguration configuration, IServiceProvider services)
    {
        log.MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            // Sinks registered as services too: a test observes the log this way.
            .ReadFrom.Services(services)
            .Enrich.FromLogContext();
        if (configuration.GetValue("Retail:JsonLogs", false))
        {
            log.WriteTo.Console(new Serilog.Formatting.Compact.RenderedCompactJsonFormatter());
        }
        else
        {
            log.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {AppId} {Org} {RequestId}{NewLine}{Exception}");
        }
    }

    private static MeterProviderBuilder AddRuntimeInstrumentationIfPresent(this MeterProviderBuilder builder) =>
        builder.AddMeter("System.Runtime");
}

public static class StatusCodeProblems
{
    /// <summary>Empty error answers from routing and binding (404, 405, 415) become problems with codes too.</summary>
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var problem = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ApiProblem.NotFound("No such operation."),
            StatusCodes.Status405MethodNotAllowed => ApiProblem.Create(405, ProblemCodes.MethodNotAllowed, "Method not allowed.",
                "Operations are POST with a JSON body; GET only for stat, health and documents."),
            StatusCodes.Status415UnsupportedMediaType => ApiProblem.Create(415, ProblemCodes.UnsupportedMediaType,
                "Unsupported media type.", "Send Content-Type: application/json."),
            StatusCodes.Status400BadRequest => ApiProblem.Validation("body", "The request could not be read."),
            StatusCodes.Status413PayloadTooLarge => ApiProblem.Create(413, ProblemCodes.PayloadTooLarge, "The request body is too large.",
                "The body is over the size limit."),
            _ => null,
        };
        return problem is null ? Task.CompletedTask : problem.ExecuteAsync(http);
    }
}
