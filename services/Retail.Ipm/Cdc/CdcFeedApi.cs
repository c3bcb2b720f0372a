namespace Retail.Ipm.Cdc;

/// <summary>
/// <c>/cdc/list</c> (UC-IPM-002): the org's change feed across services from IPM's own log, in sequence order (commit order,
/// and per record in revision order). A page reads the log through its (org, sequence) or (org, type, sequence) index from
/// the cursor on; it never reads the whole log.
/// </summary>
public static class CdcFeedApi
{
    public static RouteGroupBuilder MapCdcFeedApi(this IEndpointRouteBuilder routes)
    {
        var cdc = routes.MapGroup("/cdc").WithTags("CDC feed");
        cdc.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("The org's record changes across services after a cursor (or from the beginning, or from now on), optionally of some entity types.");
        return cdc;
    }

    public static async Task<Results<Ok<CdcPage>, ProblemHttpResult>> List(CdcListRequest request, RecordStore<CdcEntry> entries, RecordStore<CdcLog> logs,
        CdcCursors cursors, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var types = (request.EntityTypes ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var log = (await logs.GetAsync(orgcode, CdcLog.TheKey, ct: ct))?.Record;
        var retainedFrom = log?.RetainedFrom ?? 1;
        long after;
        if (request.Cursor is { } cursor)
        {
            try
            {
                after = await cursors.OpenAsync(orgcode, types, cursor, ct);
            }
            catch (InvalidCursorException e)
            {
                return IpmProblems.InvalidCursor(e.Message);
            }
            if (after < retainedFrom - 1)
            {
                return IpmProblems.CursorExpired(after, retainedFrom);
            }
        }
        else if (request.From == "latest")
        {
            return TypedResults.Ok(new CdcPage([], await cursors.IssueAsync(orgcode, types, log?.LastSequence ?? 0, ct)));
        }
        else
        {
            after = retainedFrom - 1;
        }

        List<StateFilter> filters = [StateFilter.Above("sequence", after)];
        if (types.Count > 0)
        {
            filters.Add(StateFilter.In("entity_type", [.. types]));
        }
        var limit = request.Limit ?? Paging.DefaultLimit;
        var page = await entries.ListAsync(orgcode, filters, limit, sort: [new StateSort("sequence")], ct: ct);
        // A short page read everything up to the counter read before it (those entries had all committed), so the cursor
        // moves past entries the filter skipped too: a filtered reader does not fall behind retention for changes it never wanted.
        var next = page.Items.Count > 0 ? page.Items[^1].Sequence : after;
        if (page.Items.Count < limit)
        {
            next = Math.Max(next, log?.LastSequence ?? 0);
        }
        return TypedResults.Ok(new CdcPage([.. page.Items.Select(CdcItem.Of)], await cursors.IssueAsync(orgcode, types, next, ct)));
    }
}
