using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;
using Retail.Shared.Problems;

namespace Retail.Shared.Bulk;

/// <summary>
/// Mounting the bulk port in a service: <c>services.AddBulkEntity&lt;T&gt;(appId)</c> per entity in AddServices and
/// <c>routes.MapBulkPort()</c> in MapEndpoints. The five internal operations answer for the entities of the app the
/// request was routed to (every service lives in one host, so entities are keyed by app id).
/// </summary>
public static class BulkPort
{
    public static IServiceCollection AddBulkEntity<T>(this IServiceCollection services, string appId) where T : class, IBulkEntity
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        services.AddKeyedScoped<IBulkEntity, T>(appId);
        if (!services.Any(d => d.ServiceType == typeof(IValidator<BulkUpsertRequest>)))
        {
            services.AddValidatorsFromAssemblyContaining<BulkUpsertRequest>(ServiceLifetime.Singleton,
                r => r.ValidatorType.Namespace == typeof(BulkUpsertRequest).Namespace);
        }
        return services;
    }

    public static RouteGroupBuilder MapBulkPort(this IEndpointRouteBuilder routes)
    {
        var bulk = routes.MapGroup("/bulk").WithTags("Bulk port").ExcludeFromDescription();
        bulk.MapPost("/entities", Entities).RequireInternal().WithSummary("The entities this service imports and exports in bulk.");
        bulk.MapPost("/upsert", Upsert).RequireInternal().WithBodyLimit(BulkLimits.MaxBodyBytes)
            .WithSummary("Validate and upsert up to 1,000 records by natural key, in one transaction.");
        bulk.MapPost("/export", Export).RequireInternal().WithSummary("A page of records in the upsert shape.");
        bulk.MapPost("/keys", Keys).RequireInternal().WithSummary("Which of up to 1,000 natural keys exist.");
        bulk.MapPost("/count", Count).RequireInternal().WithSummary("How many live records of an entity the org has.");
        return bulk;
    }

    public static Ok<BulkEntitiesResponse> Entities(BulkEntitiesRequest request, HttpContext http) =>
        TypedResults.Ok(new BulkEntitiesResponse(EntitiesOf(http).Select(e => new BulkEntityDescription(e.Entity, e.SchemaVersion, e.NaturalKey, e.Fields))
            .OrderBy(e => e.Entity, StringComparer.Ordinal).ToList()));

    public static async Task<Results<Ok<BulkUpsertResponse>, ProblemHttpResult>> Upsert(BulkUpsertRequest request, HttpContext http,
        RequestContext context, CancellationToken ct)
    {
        var (entity, problem) = Find(http, request.Entity!);
        if (problem is not null)
        {
            return problem;
        }
        if (request.SchemaVersion != entity!.SchemaVersion)
        {
            return BulkProblems.Unsupported(entity.Entity, request.SchemaVersion!.Value, entity.SchemaVersion);
        }
        var outcome = await entity.UpsertAsync(context.RequireOrgcode(), request.Records!, request.DryRun ?? false, ct);
        return outcome.Conflict is { } conflict ? conflict.Problem() : TypedResults.Ok(new BulkUpsertResponse(outcome.Results));
    }

    public static async Task<Results<Ok<BulkExportResponse>, ProblemHttpResult>> Export(BulkExportRequest request, HttpContext http,
        RequestContext context, CancellationToken ct)
    {
        var (entity, problem) = Find(http, request.Entity!);
        if (problem is not null)
        {
            return problem;
        }
        if (request.Filters?.Keys.FirstOrDefault(f => !entity!.ExportFilters.Contains(f)) is { } unknown)
        {
            return ApiProblem.Validation("filters", $"{entity!.Entity} exports filter by: {string.Join(", ", entity.ExportFilters)}; not by {unknown}.");
        }
        var page = await entity!.ExportAsync(context.RequireOrgcode(), request.Filters ?? new Dictionary<string, string>(),
            request.Limit ?? BulkLimits.DefaultExportLimit, request.Token, ct);
        return TypedResults.Ok(new BulkExportResponse(page.Items, page.NextToken));
    }

    public static async Task<Results<Ok<BulkKeysResponse>, ProblemHttpResult>> Keys(BulkKeysRequest request, HttpContext http,
        RequestContext context, CancellationToken ct)
    {
        var (entity, problem) = Find(http, request.Entity!);
        return problem ?? (Results<Ok<BulkKeysResponse>, ProblemHttpResult>)TypedResults.Ok(
            await entity!.KeysAsync(context.RequireOrgcode(), request.Keys!.Distinct(StringComparer.Ordinal).ToList(), ct));
    }

    public static async Task<Results<Ok<BulkCountResponse>, ProblemHttpResult>> Count(BulkCountRequest request, HttpContext http,
        RequestContext context, CancellationToken ct)
    {
        var (entity, problem) = Find(http, request.Entity!);
        return problem ?? (Results<Ok<BulkCountResponse>, ProblemHttpResult>)TypedResults.Ok(
            new BulkCountResponse(await entity!.CountAsync(context.RequireOrgcode(), ct)));
    }

    private static IEnumerable<IBulkEntity> EntitiesOf(HttpContext http)
    {
        var appId = http.RequestServices.GetRequiredService<RequestContext>().AppId
            ?? throw new InvalidOperationException("the request was not routed to a service module");
        return http.RequestServices.GetKeyedServices<IBulkEntity>(appId);
    }

    private static (IBulkEntity? Entity, ProblemHttpResult? Problem) Find(HttpContext http, string name)
    {
        var entities = EntitiesOf(http).ToList();
        var entity = entities.FirstOrDefault(e => string.Equals(e.Entity, name.Trim(), StringComparison.Ordinal));
        return entity is null ? (null, BulkProblems.Unknown(name, entities.Select(e => e.Entity))) : (entity, null);
    }
}
