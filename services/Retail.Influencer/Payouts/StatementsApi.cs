namespace Retail.Influencer.Payouts;

/// <summary><c>/statement/create|get|list</c>: a profile's immutable statements (UC-INF-003).</summary>
public static class StatementsApi
{
    public static RouteGroupBuilder MapStatementsApi(this IEndpointRouteBuilder routes)
    {
        var statements = routes.MapGroup("/statement").WithTags("Statements");
        statements.MapPost("/create", Create).RequireRole(Role.Admin).AsWrite()
            .WithSummary("An immutable statement of a profile for [period_start_at, period_end_at): attributions, earnings, clawbacks, payouts, opening + earned − clawed back − paid = closing. 409 statement_overlap.");
        statements.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A statement by statement_guid.");
        statements.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("A profile's statements, newest period first.");
        return statements;
    }

    public static async Task<Results<Created<Statement>, ProblemHttpResult>> Create(StatementCreateRequest request, StatementBook book,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var end = request.PeriodEndAt!.Value.ToUniversalTime();
        if (end > clock.GetUtcNow())
        {
            return ApiProblem.Validation("period_end_at", "must not be in the future");
        }
        var (statement, problem) = await book.CreateAsync(context.RequireOrgcode(), Guid(request.ProfileGuid), request.PeriodStartAt!.Value.ToUniversalTime(),
            end, context.Principal?.Id ?? "system", ct);
        return problem ?? (Results<Created<Statement>, ProblemHttpResult>)TypedResults.Created((string?)null, statement!);
    }

    public static async Task<Results<Ok<Statement>, ProblemHttpResult>> Get(StatementGetRequest request, RecordStore<Statement> statements,
        RequestContext context, CancellationToken ct) =>
        (await statements.GetAsync(context.RequireOrgcode(), Guid(request.StatementGuid), ct: ct))?.Record is { } found
            ? TypedResults.Ok(found)
            : ApiProblem.NotFound("No such statement.");

    public static async Task<Results<Ok<Page<Statement>>, ProblemHttpResult>> List(StatementListRequest request, RecordStore<Statement> statements,
        RequestContext context, CancellationToken ct) =>
        TypedResults.Ok(await statements.ListAsync(context.RequireOrgcode(), [StateFilter.Eq("profile_guid", Guid(request.ProfileGuid))],
            Paging.LimitOf(request), request.NextToken, sort: [new StateSort("to_ms", Descending: true)], ct: ct));

    private static string Guid(string? raw) => raw!.Trim().ToLowerInvariant();
}
