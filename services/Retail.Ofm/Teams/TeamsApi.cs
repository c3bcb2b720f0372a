using FluentValidation;
using Retail.Ofm.MasterData;
using Retail.Shared;

namespace Retail.Ofm.Teams;

public sealed record CreateTeamRequest(string? TeamCode, string? Name, string? Description);

public sealed record UpdateTeamRequest(string? Guid, string? Code, string? Name, string? Description, long? ExpectedRevision) : IUpdateOf<Team>
{
    public Team Apply(Team current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        Description = RequestRules.Trimmed(Description) ?? current.Description,
    };
}

public sealed record TeamMemberRequest(string? Guid, string? Code, string? UserGuid, long? ExpectedRevision) : IMasterRef<Team>, IRevisioned;

public sealed record TeamMembersRequest(string? Guid, string? Code, int? Limit, string? NextToken) : IMasterRef<Team>, IPagedRequest;

public sealed record ByMemberRequest(string? UserGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed record TeamMembersResponse(string TeamCode, long Revision, int MemberCount, IReadOnlyList<TeamMember> Items, string? NextToken);

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

public sealed class TeamMemberRequestValidator : AbstractValidator<TeamMemberRequest>
{
    public TeamMemberRequestValidator()
    {
        this.AddRefRules<TeamMemberRequest, Team>();
        RuleFor(r => r.UserGuid).RequiredGuid();
    }
}

public sealed class TeamMembersRequestValidator : AbstractValidator<TeamMembersRequest>
{
    public TeamMembersRequestValidator()
    {
        this.AddRefRules<TeamMembersRequest, Team>();
        this.AddPagingRules();
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
        teams.MapMasterData(OfmMasterData.Routes<Team>(CreateTeam, update: MasterDataApi.Update<Team, UpdateTeamRequest>));
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
            TeamGuid = Ids.New(),
            TeamCode = Codes.Normalize(request.TeamCode),
            Name = request.Name!.Trim(),
            Description = RequestRules.Trimmed(request.Description),
        };
        return (await store.CreateAsync(context.RequireOrgcode(), team, ct: ct)).ToCreated();
    }

    /// <summary>Adds the member and counts it on the team in one transaction; adding a member twice changes nothing.</summary>
    public static async Task<Results<Ok<Team>, ProblemHttpResult>> AddMember(TeamMemberRequest request, RecordStore<Team> teams,
        RecordStore<TeamMember> members, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (team, problem) = await MasterDataApi.LoadForChangeAsync(teams, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var key = new TeamMember { TeamGuid = team!.Record.TeamGuid, TeamCode = team.Record.TeamCode, UserGuid = request.UserGuid! };
        var existing = await members.GetAsync(orgcode, key.Key, includeDoomed: true, ct);
        if (existing is { Record.IsDoomed: false })
        {
            return TypedResults.Ok(team.Record);
        }
        var batch = new RecordBatch();
        var counted = teams.Update(batch, orgcode, team, team.Record with { MemberCount = team.Record.MemberCount + 1 });
        _ = existing is null ? members.Create(batch, orgcode, key) : members.Update(batch, orgcode, existing, existing.Record with { DoomedAt = null });
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(counted) : write.Problem();
    }

    public static async Task<Results<Ok<Team>, ProblemHttpResult>> RemoveMember(TeamMemberRequest request, RecordStore<Team> teams,
        RecordStore<TeamMember> members, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (team, problem) = await MasterDataApi.LoadForChangeAsync(teams, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var member = await members.GetAsync(orgcode, $"{team!.Record.TeamGuid}.{request.UserGuid}", ct: ct);
        if (member is null)
        {
            return TypedResults.Ok(team.Record);
        }
        var batch = new RecordBatch();
        var counted = teams.Update(batch, orgcode, team, team.Record with { MemberCount = Math.Max(0, team.Record.MemberCount - 1) });
        members.Doom(batch, orgcode, member);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(counted) : write.Problem();
    }

    public static async Task<Results<Ok<TeamMembersResponse>, ProblemHttpResult>> ListMembers(TeamMembersRequest request, RecordStore<Team> teams,
        RecordStore<TeamMember> members, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await MasterDataApi.LoadAsync(teams, orgcode, request, ct) is not { } team)
        {
            return ApiProblem.NotFound("No such team in this org.");
        }
        var page = await members.ListAsync(orgcode, [StateFilter.Eq("team_guid", team.Record.TeamGuid)], Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new TeamMembersResponse(team.Record.TeamCode, team.Record.Revision, team.Record.MemberCount, page.Items, page.NextToken));
    }

    /// <summary>The teams a user is in: the user's memberships by index, then those teams.</summary>
    public static async Task<Ok<Page<Team>>> ByMember(ByMemberRequest request, RecordStore<Team> teams, RecordStore<TeamMember> members,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var page = await members.ListAsync(orgcode, [StateFilter.Eq("user_guid", request.UserGuid!)], Paging.LimitOf(request), request.NextToken, ct: ct);
        var found = await teams.GetManyAsync(orgcode, page.Items.Select(m => m.TeamGuid).ToList(), ct: ct);
        return TypedResults.Ok(new Page<Team>(found, page.NextToken));
    }
}
