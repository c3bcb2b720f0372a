namespace Retail.Ipm.Bulk;

/// <summary><c>/bulk/job/get|list</c> for viewers: jobs with their progress, report, parts and quarantine, paged in the store.</summary>
public static class BulkJobsApi
{
    public static RouteGroupBuilder MapBulkJobs(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/bulk/job").WithTags("Bulk");
        jobs.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("A job with its counts and report; a page of an export's parts, and of an import's quarantine with include_quarantine.");
        jobs.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("The org's bulk jobs by kind and status, in creation order.");
        return jobs;
    }

    public static async Task<Results<Ok<BulkJobView>, ProblemHttpResult>> Get(BulkJobGetRequest request, RecordStore<BulkJob> jobs,
        RecordStore<BulkExportPart> parts, RecordStore<BulkQuarantineItem> quarantine, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var job = (await jobs.GetAsync(orgcode, Guid.Parse(request.JobGuid!).ToString(), ct: ct))?.Record;
        if (job is null)
        {
            return ApiProblem.NotFound("No such bulk job in this org.");
        }
        var limit = Paging.LimitOf(request);
        StateFilter[] ofJob = [StateFilter.Eq("job_guid", job.JobGuid)];
        return TypedResults.Ok(new BulkJobView(job,
            job.Kind == BulkKind.Export ? await parts.ListAsync(orgcode, ofJob, limit, request.NextToken, sort: [new StateSort("part")], ct: ct) : null,
            job.Kind == BulkKind.Import && request.IncludeQuarantine == true
                ? await quarantine.ListAsync(orgcode, ofJob, limit, request.NextToken, sort: [new StateSort("line")], ct: ct)
                : null));
    }

    public static async Task<Ok<Page<BulkJob>>> List(BulkJobListRequest request, RecordStore<BulkJob> jobs, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Kind is { } kind)
        {
            filters.Add(StateFilter.Eq("kind", kind));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await jobs.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }
}
