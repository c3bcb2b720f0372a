using System.Text.Json;
using FluentValidation;
using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Json;
using Retail.Utl.Sources;
using Retail.Workflows.Scheduling;

namespace Retail.Utl.Exports;

/// <param name="Services">The app ids to export; none: every service of <c>Retail:Utl:Services</c>.</param>
public sealed record ExportRequest(IReadOnlyList<string>? Services);

/// <param name="ExportGuid">The export; none: the org's latest.</param>
public sealed record ExportKeyRequest(string? ExportGuid);

public sealed record ExportDownload(string ExportGuid, string ManifestRecordGuid, string ManifestSha256, string ManifestUrl, DateTimeOffset? ExpiresAt,
    long TotalRecords, int Files);

public sealed class ExportRequestValidator : AbstractValidator<ExportRequest>
{
    public ExportRequestValidator(IOptions<UtlOptions> options)
    {
        RuleFor(r => r.Services).Must(s => s is null || s.Count is > 0 and <= 64).WithMessage("must list 1 to 64 services when given");
        RuleForEach(r => r.Services).Must(s => s is not null && options.Value.Services.Contains(s.Trim().ToLowerInvariant()))
            .WithMessage("is not a service of this deployment's export");
    }
}

public sealed class ExportKeyRequestValidator : AbstractValidator<ExportKeyRequest>
{
    public ExportKeyRequestValidator() => RuleFor(r => r.ExportGuid).OptionalGuid();
}

/// <summary>/export/request|status|download (UC-UTL-002): an owner (or the operator) exports every service's data of the org.</summary>
public static class ExportsApi
{
    public static RouteGroupBuilder MapExportsApi(this IEndpointRouteBuilder routes)
    {
        var exports = routes.MapGroup("/export").WithTags("UTL exports");
        exports.MapPost("/request", Request).RequireRole(Role.Owner).AsWrite()
            .WithSummary("Export the org's data of every service (or of a list): gzip NDJSON files in MRS and a manifest, made by a resumable workflow.");
        exports.MapPost("/status", Status).RequireRole(Role.Owner)
            .WithSummary("An export's progress: per service, its status, count and files (the org's latest when no export_guid).");
        exports.MapPost("/download", Download).RequireRole(Role.Owner)
            .WithSummary("A signed MRS URL to a completed export's manifest, which lists every file with its record count and SHA-256.");
        return exports;
    }

    public static async Task<Results<Created<Export>, ProblemHttpResult>> Request(ExportRequest request, RecordStore<Export> exports, IWorkflowScheduler scheduler,
        IOptions<UtlOptions> options, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var services = options.Value.PurgeOrder(request.Services);
        var export = new Export
        {
            ExportGuid = Ids.New(),
            Orgcode = orgcode,
            Services = [.. services.Select(app => new ExportService(app, "pending", 0, []))],
            RequestedBy = context.Principal?.Id,
        };
        var write = await exports.CreateAsync(null, export, ct: ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        await StartAsync(scheduler, write.Record!, ct);
        return TypedResults.Created((string?)null, write.Record!);
    }

    public static async Task StartAsync(IWorkflowScheduler scheduler, Export export, CancellationToken ct)
    {
        var input = JsonSerializer.SerializeToElement(new ExportInput(export.ExportGuid, export.Orgcode, [.. export.Services.Select(s => s.App)]), RetailJson.Storage);
        await scheduler.StartAsync(nameof(ExportWorkflow), Export.InstanceIdOf(export.ExportGuid), input, ct);
    }

    public static async Task<Results<Ok<Export>, ProblemHttpResult>> Status(ExportKeyRequest request, RecordStore<Export> exports, IWorkflowScheduler scheduler,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var export = await FindAsync(exports, orgcode, request.ExportGuid, ct);
        if (export is null)
        {
            return ApiProblem.NotFound("No such export of the org.");
        }
        // A request whose process stopped between the commit and the start: start it now (a duplicate start is refused).
        if (export.Status == ExportStatus.Running && export.OffboardingGuid is null && await scheduler.GetAsync(Export.InstanceIdOf(export.ExportGuid), ct) is null)
        {
            await StartAsync(scheduler, export, ct);
        }
        return TypedResults.Ok(export);
    }

    public static async Task<Results<Ok<ExportDownload>, ProblemHttpResult>> Download(ExportKeyRequest request, RecordStore<Export> exports, UtlCalls calls,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var export = await FindAsync(exports, orgcode, request.ExportGuid, ct);
        if (export is null)
        {
            return ApiProblem.NotFound("No such export of the org.");
        }
        if (export.Status != ExportStatus.Completed || export.ManifestRecordGuid is null)
        {
            return UtlProblems.ExportNotReady(export.ExportGuid, SnakeCase.Name(export.Status));
        }
        MrsMeta? meta;
        try
        {
            meta = await calls.MetaAsync(orgcode, export.ManifestRecordGuid, ct);
        }
        catch (UtlCallException)
        {
            return ApiProblem.DependencyUnavailable("mrs");
        }
        if (meta?.DownloadUrl is not { } url)
        {
            return UtlProblems.ExportGone(export.ExportGuid);
        }
        return TypedResults.Ok(new ExportDownload(export.ExportGuid, export.ManifestRecordGuid, export.ManifestSha256!, url, meta.DownloadExpiresAt,
            export.TotalRecords, export.Services.Sum(s => s.Files.Count)));
    }

    /// <summary>The org's export by guid (404 for another org's), or its latest.</summary>
    public static async Task<Export?> FindAsync(RecordStore<Export> exports, string orgcode, string? exportGuid, CancellationToken ct)
    {
        if (exportGuid is not null)
        {
            var found = (await exports.GetAsync(null, exportGuid, ct: ct))?.Record;
            return found?.Orgcode == orgcode ? found : null;
        }
        Export? latest = null;
        string? token = null;
        do
        {
            var page = await exports.ListAsync(null, [StateFilter.Eq("orgcode", orgcode)], 500, token, ct: ct);
            foreach (var e in page.Items)
            {
                if (latest is null || string.CompareOrdinal(e.ExportGuid, latest.ExportGuid) > 0)
                {
                    latest = e;
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        return latest;
    }
}
