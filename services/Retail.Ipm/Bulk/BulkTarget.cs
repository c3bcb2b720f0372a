using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Shared.Invocation;

namespace Retail.Ipm.Bulk;

/// <summary>A field of a loadable entity as its service describes it.</summary>
public sealed record TargetField(string Name, string Type, bool Required);

/// <summary>A loadable entity of a service (<c>/bulk/entities</c>): its natural key (joined with ":") and fields.</summary>
public sealed record TargetEntity(string Entity, int SchemaVersion, IReadOnlyList<string> NaturalKey, IReadOnlyList<TargetField> Fields);

public sealed record TargetEntities(IReadOnlyList<TargetEntity> Entities);

/// <summary>What the target did with the record at <see cref="Index"/> of an upsert call.</summary>
public sealed record TargetOutcome(int Index, string? Key, string Outcome, string? Code, string? Reason, string? Field);

public sealed record TargetUpsertAnswer(IReadOnlyList<TargetOutcome> Results);

public sealed record TargetExportPage(IReadOnlyList<JsonElement> Items, string? NextToken);

public sealed record TargetKeysAnswer(IReadOnlyList<string> Found, IReadOnlyList<string> Missing);

public sealed record TargetCountAnswer(long Count);

/// <summary>A target's answer, or the problem to answer the client with (the target's own 4xx code, or 503).</summary>
public sealed record TargetCall<T>(T? Value, ProblemHttpResult? Problem);

/// <summary>
/// The client of a service's bulk port (its internal <c>/bulk/entities|upsert|export|keys|count</c>), called through
/// <see cref="IServiceInvoker"/> in the org of the job; the app is the entity's prefix (<c>pvm.variant</c> → <c>pvm</c>).
/// </summary>
public sealed class BulkTarget(IServiceInvoker invoker)
{
    /// <summary>The services that have a bulk port; an entity of any other is unknown without asking.</summary>
    public static readonly IReadOnlySet<string> Apps = new HashSet<string>(StringComparer.Ordinal) { "pvm", "ppm", "ics", "crm" };

    /// <summary>The entity as its service describes it, in <paramref name="schemaVersion"/> when one is asked for.</summary>
    public async Task<TargetCall<TargetEntity>> EntityAsync(string orgcode, string entity, int? schemaVersion, CancellationToken ct)
    {
        var app = BulkRules.AppOf(entity);
        if (!Apps.Contains(app))
        {
            return new(null, IpmProblems.UnknownEntity(entity));
        }
        var answer = await CallAsync<TargetEntities>(orgcode, app, "/bulk/entities", new { }, null, ct);
        if (answer.Problem is not null)
        {
            return new(null, answer.Problem);
        }
        var found = answer.Value!.Entities.FirstOrDefault(e => e.Entity == entity);
        if (found is null)
        {
            return new(null, IpmProblems.UnknownEntity(entity));
        }
        return schemaVersion is null || found.SchemaVersion == schemaVersion
            ? new(found, null)
            : new(null, IpmProblems.UnsupportedSchemaVersion(entity, schemaVersion.Value, found.SchemaVersion));
    }

    public Task<TargetCall<TargetUpsertAnswer>> UpsertAsync(string orgcode, BulkJob job, IReadOnlyList<JsonObject> records, string idempotencyKey,
        CancellationToken ct) =>
        CallAsync<TargetUpsertAnswer>(orgcode, job.App, "/bulk/upsert",
            new { entity = job.Entity, schema_version = job.SchemaVersion, dry_run = job.DryRun, records }, idempotencyKey, ct);

    public Task<TargetCall<TargetExportPage>> ExportAsync(string orgcode, BulkJob job, int limit, string? token, CancellationToken ct) =>
        CallAsync<TargetExportPage>(orgcode, job.App, "/bulk/export", new { entity = job.Entity, filters = job.Filters, limit, token }, null, ct);

    public Task<TargetCall<TargetKeysAnswer>> KeysAsync(string orgcode, BulkJob job, IReadOnlyList<string> keys, CancellationToken ct) =>
        CallAsync<TargetKeysAnswer>(orgcode, job.App, "/bulk/keys", new { entity = job.Entity, keys }, null, ct);

    public Task<TargetCall<TargetCountAnswer>> CountAsync(string orgcode, BulkJob job, CancellationToken ct) =>
        CallAsync<TargetCountAnswer>(orgcode, job.App, "/bulk/count", new { entity = job.Entity }, null, ct);

    private async Task<TargetCall<T>> CallAsync<T>(string orgcode, string app, string path, object body, string? idempotencyKey, CancellationToken ct)
        where T : class
    {
        var answer = await invoker.InvokeAsync(app, path, body, new InvocationOptions(orgcode, idempotencyKey), ct);
        if (answer.IsSuccess)
        {
            return new(answer.ReadAs<T>(), null);
        }
        if (answer.StatusCode is >= 400 and < 500 and not 401 and not 403 and not 404)
        {
            return new(null, Forwarded(app, path, answer));
        }
        // No port there (404), refused (401/403) or failing (5xx): the target cannot be used now.
        return new(null, ApiProblem.DependencyUnavailable(app));
    }

    /// <summary>The target's own problem (its code and detail) for a request IPM made on the client's behalf.</summary>
    private static ProblemHttpResult Forwarded(string app, string path, InvocationResponse answer)
    {
        string code = "target_refused", title = "The target service refused the request.", detail = $"{app}{path} answered {answer.StatusCode}.";
        try
        {
            using var json = JsonDocument.Parse(answer.Body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = json.RootElement.TryGetProperty("code", out var c) && c.GetString() is { } known ? known : code;
                title = json.RootElement.TryGetProperty("title", out var t) && t.GetString() is { } named ? named : title;
                detail = json.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } said ? $"{app}{path}: {said}" : detail;
            }
        }
        catch (JsonException)
        {
            // not a problem document: keep the generic description
        }
        return ApiProblem.Create(answer.StatusCode, code, title, detail);
    }
}
