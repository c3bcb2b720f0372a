using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Ofm.MasterData;

namespace Retail.Ofm.Teams;

public sealed record TeamKey(string? TeamGuid, string? TeamCode) : IKeyOrCode
{
    [JsonIgnore]
    public string? Guid => TeamGuid;

    [JsonIgnore]
    public string? Code => TeamCode;
}

public sealed record CreateTeamRequest(string? TeamCode, string? Name, string? Description);

public sealed record UpdateTeamRequest(string? TeamGuid, string? TeamCode, string? Name, string? Description, long? ExpectedRevision)
    : IUpdateOf<Team>
{
    [JsonIgnore]
    public string? Guid => TeamGuid;

    [JsonIgnore]
    public string? Code => TeamCode;

    public Team Apply(Team current) => current with
    {
        Name = OfmRules.Trimmed(Name) ?? current.Name,
        Description = OfmRules.Trimmed(Description) ?? current.Description,
    };
}

public sealed record TeamStatusRequest(string? TeamGuid, string? TeamCode, MasterStatus? Status, string? Reason, long? ExpectedRevision)
    : IStatusChange
{
    [JsonIgnore]
    public string? Guid => TeamGuid;

    [JsonIgnore]
    public string? Code => TeamCode;
}

public sealed record TeamListRequest(MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

public sealed record TeamMemberRequest(string? TeamGuid, string? TeamCode, string? UserGuid, long? ExpectedRevision) : IKeyOrCode, IRevisioned
{
    [JsonIgnore]
    public string? Guid => TeamGuid;

    [JsonIgnore]
    public string? Code => TeamCode;
}

public sealed record ByMemberRequest(string? UserGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed record TeamMembersResponse(string TeamCode, long Revision, IReadOnlyList<string> UserGuids);

public sealed class TeamKeyValidator : AbstractValidator<TeamKey>
{
    public TeamKeyValidator() => this.AddKeyRules();
}

public sealed class CreateTeamRequestValidator : AbstractValidator<CreateTeamRequest>
{
    public CreateTeamRequestValidator()
    {
        RuleFor(r => r.TeamCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class UpdateTeamRequestValidator : AbstractValidator<UpdateTeamRequest>
{
    public UpdateTeamRequestValidator()
    {
        this.AddUpdateRules<UpdateTeamRequest, Team>();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class TeamStatusRequestValidator : AbstractValidator<TeamStatusRequest>
{
    public TeamStatusRequestValidator() => this.AddStatusRules();
}

public sealed class TeamListRequestValidator : AbstractValidator<TeamListRequest>
{
    public TeamListRequestValidator() => this.AddListRules();
}

public sealed class TeamMemberRequestValidator : AbstractValidator<TeamMemberRequest>
{
    public TeamMemberRequestValidator()
    {
        this.AddKeyRules();
        RuleFor(r => r.UserGuid).RequiredGuid();
    }
}

public sealed class ByMemberRequestValidator : AbstractValidator<ByMemberRequest>
{
    public ByMemberRequestValidator()
    {
        RuleFor(r => r.UserGuid).RequiredGuid();
        this.AddPagingRules();
    }
}

public static class TeamsApi
{
    public static RouteGroupBuilder MapTeams(this IEndpointRouteBuilder routes)
    {
        var teams = routes.MapGroup("/team").WithTags("Teams");
        teams.MapPost("/create", CreateTeam).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a team.");
        teams.MapPost("/get", MasterDataApi.Get<Team, TeamKey>).RequireRole(Role.Viewer)
            .WithSummary("Read a team by team_code.");
        teams.MapPost("/list", MasterDataApi.List<Team, TeamListRequest>).RequireRole(Role.Viewer)
            .WithSummary("List the org's teams.");
        teams.MapPost("/update", MasterDataApi.Update<Team, UpdateTeamRequest>).RequireRole(Role.Member).AsWrite()
            .WithSummary("Change a team's name or description.");
        teams.MapPost("/status", MasterDataApi.SetStatus<Team, TeamStatusRequest>).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a team through its lifecycle (active, inactive, retired).");
        teams.MapPost("/member/add", AddMember).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Add a member to a team.");
        teams.MapPost("/member/remove", RemoveMember).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Remove a member from a team.");
        teams.MapPost("/members", ListMembers).RequireRole(Role.Viewer)
            .WithSummary("List a team's members.");
        teams.MapPost("/by-member", ByMember).RequireRole(Role.Viewer)
            .WithSummary("List the teams a user belongs to.");
        return teams;
    }

    public static async Task<Results<Created<Team>, ProblemHttpResult>> CreateTeam(CreateTeamRequest request, RecordStore<Team> store,
        RequestContext context, CancellationToken ct)
    {
        var team = new Team
        {
            TeamGuid = Guid.CreateVersion7().ToString(),
            TeamCode = Codes.Normalize(request.TeamCode),
            Name = request.Name!.Trim(),
            Description = OfmRules.Trimmed(request.Description),
        };
        return MasterDataApi.AnswerCreated(await store.CreateAsync(context.RequireOrgcode(), team, ct: ct), store.Entity);
    }

    public static Task<Results<Ok<Team>, ProblemHttpResult>> AddMember(TeamMemberRequest request, RecordStore<Team> store,
        RequestContext context, CancellationToken ct) =>
        ChangeMembersAsync(request, store, context, (team, user) => team.MemberUserGuids.Contains(user) ? null : [.. team.MemberUserGuids, user], ct);

    public static Task<Results<Ok<Team>, ProblemHttpResult>> RemoveMember(TeamMemberRequest request, RecordStore<Team> store,
        RequestContext context, CancellationToken ct) =>
        ChangeMembersAsync(request, store, context, (team, user) => team.MemberUserGuids.Contains(user) ? team.MemberUserGuids.Where(u => u != user).ToList() : null, ct);

    public static async Task<Results<Ok<TeamMembersResponse>, ProblemHttpResult>> ListMembers(TeamKey request, RecordStore<Team> store,
        RequestContext context, CancellationToken ct) =>
        await MasterDataApi.LoadAsync(store, context.RequireOrgcode(), request, ct) is { } team
            ? TypedResults.Ok(new TeamMembersResponse(team.Record.TeamCode, team.Record.Revision, team.Record.MemberUserGuids))
            : ApiProblem.NotFound("No such team in this org.");

    public static async Task<Ok<Page<Team>>> ByMember(ByMemberRequest request, RecordStore<Team> store, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var found = new List<Team>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(orgcode, null, Paging.MaxLimit, token, ct: ct);
            found.AddRange(page.Items.Where(t => t.MemberUserGuids.Contains(request.UserGuid!)
                && (request.NextToken is null || string.CompareOrdinal(t.TeamGuid, request.NextToken) > 0)));
            token = page.NextToken;
        }
        while (token is not null);
        var limit = Paging.LimitOf(request);
        var items = found.OrderBy(t => t.TeamGuid, StringComparer.Ordinal).Take(limit).ToList();
        return TypedResults.Ok(new Page<Team>(items, found.Count > limit ? items[^1].TeamGuid : null));
    }

    /// <summary><paramref name="change"/> answers the new member list, or null when the user is already in (add) or not in (remove).</summary>
    private static async Task<Results<Ok<Team>, ProblemHttpResult>> ChangeMembersAsync(TeamMemberRequest request, RecordStore<Team> store,
        RequestContext context, Func<Team, string, IReadOnlyList<string>?> change, CancellationToken ct)
    {
        var (team, problem) = await MasterDataApi.LoadForChangeAsync(store, context.RequireOrgcode(), request, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (change(team!.Record, request.UserGuid!) is not { } members)
        {
            return TypedResults.Ok(team.Record);
        }
        return MasterDataApi.Answer(await store.UpdateAsync(context.Orgcode, team, team.Record with { MemberUserGuids = members }, ct: ct), store.Entity);
    }
}
