using FluentValidation;
using Retail.Ofm.Directory;
using Retail.Ofm.Facilities;
using Retail.Ofm.MasterData;
using Retail.Ofm.Members;
using Retail.Shared;

namespace Retail.Ofm.Orgs;

/// <param name="TimeZone">An IANA time zone id (Europe/Berlin); the org's calendar days (usage rollups) follow it. Absent: UTC.</param>
public sealed record CreateOrgRequest(string? Orgcode, string? LegalName, string? DisplayName, string? OwnerUserGuid, string? TimeZone = null);

public sealed record OrgKeyRequest(string? Orgcode);

public sealed record ListOrgsRequest(OrgStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record UpdateOrgRequest(string? Orgcode, string? LegalName, string? DisplayName, long? ExpectedRevision, string? TimeZone = null);

public sealed record SetOrgStatusRequest(string? Orgcode, OrgStatus? Status, string? Reason, long? ExpectedRevision);

public sealed record OwnerChangeRequest(string? Orgcode, string? UserGuid, long? ExpectedRevision);

public sealed record SetOwnerStateRequest(string? Orgcode, string? UserGuid, OwnerState? State, long? ExpectedRevision);

public sealed record OwnerView(string UserGuid, bool Primary, OwnerState State, DateTimeOffset? AddedAt);

public sealed record OwnerListResponse(string Orgcode, long Revision, IReadOnlyList<OwnerView> Items);

public sealed class CreateOrgRequestValidator : AbstractValidator<CreateOrgRequest>
{
    public CreateOrgRequestValidator()
    {
        RuleFor(r => r.Orgcode).BusinessCode();
        RuleFor(r => r.LegalName).RequiredText();
        RuleFor(r => r.DisplayName).Text();
        RuleFor(r => r.OwnerUserGuid).OptionalGuid();
        RuleFor(r => r.TimeZone).TimeZoneId().When(r => r.TimeZone is not null);
    }
}

public sealed class OrgKeyRequestValidator : AbstractValidator<OrgKeyRequest>
{
    public OrgKeyRequestValidator() => RuleFor(r => r.Orgcode).OptionalCode();
}

public sealed class ListOrgsRequestValidator : AbstractValidator<ListOrgsRequest>
{
    public ListOrgsRequestValidator() => this.AddPagingRules();
}

public sealed class UpdateOrgRequestValidator : AbstractValidator<UpdateOrgRequest>
{
    public UpdateOrgRequestValidator()
    {
        RuleFor(r => r.Orgcode).OptionalCode();
        RuleFor(r => r.LegalName).Text();
        RuleFor(r => r.DisplayName).Text();
        RuleFor(r => r.TimeZone).TimeZoneId().When(r => r.TimeZone is not null);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class SetOrgStatusRequestValidator : AbstractValidator<SetOrgStatusRequest>
{
    public SetOrgStatusRequestValidator()
    {
        RuleFor(r => r.Orgcode).OptionalCode();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class OwnerChangeRequestValidator : AbstractValidator<OwnerChangeRequest>
{
    public OwnerChangeRequestValidator()
    {
        RuleFor(r => r.Orgcode).OptionalCode();
        RuleFor(r => r.UserGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class SetOwnerStateRequestValidator : AbstractValidator<SetOwnerStateRequest>
{
    public SetOwnerStateRequestValidator()
    {
        RuleFor(r => r.Orgcode).OptionalCode();
        RuleFor(r => r.UserGuid).RequiredGuid();
        RuleFor(r => r.State).NotNull().WithMessage("is required");
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

/// <summary>
/// Orgs and their ownership. These act on the org itself, so they check the caller's role here (through the same
/// resolver the directory uses) rather than in the contract middleware: the operator must reach a pending org to verify it.
/// </summary>
public static partial class OrgsApi
{
    public static RouteGroupBuilder MapOrgs(this IEndpointRouteBuilder routes)
    {
        var orgs = routes.MapGroup("/org").WithTags("Orgs").RequireAuthenticated();
        orgs.MapPost("/create", CreateOrg).AsWrite()
            .WithSummary("Create an org (pending until the operator activates it); the caller becomes its primary owner.");
        orgs.MapPost("/get", GetOrg)
            .WithSummary("Read an org the caller has a part in.");
        orgs.MapPost("/list", ListOrgs)
            .WithSummary("List the orgs the caller has a part in (the operator: every org).");
        orgs.MapPost("/update", UpdateOrg).AsWrite()
            .WithSummary("Change an org's names and details (owner).");
        orgs.MapPost("/status/set", SetOrgStatus).AsWrite()
            .WithSummary("Move an org through its lifecycle (the operator verifies a pending org by setting it active).");

        var owners = routes.MapGroup("/owner").WithTags("Owners").RequireAuthenticated();
        owners.MapPost("/list", ListOwners)
            .WithSummary("List an org's primary and secondary owners.");
        owners.MapPost("/primary/set", SetPrimaryOwner).AsWrite()
            .WithSummary("Make another user the primary owner (operator).");
        owners.MapPost("/secondary/add", AddSecondaryOwner).AsWrite()
            .WithSummary("Add a secondary owner.");
        owners.MapPost("/secondary/remove", RemoveSecondaryOwner).AsWrite()
            .WithSummary("Remove a secondary owner.");
        owners.MapPost("/state/set", SetOwnerState).AsWrite()
            .WithSummary("Suspend or reinstate a secondary owner.");
        return orgs;
    }

    public static async Task<Results<Created<Org>, ProblemHttpResult>> CreateOrg(CreateOrgRequest request, RecordStore<Org> orgs,
        RequestContext context, CancellationToken ct)
    {
        var principal = context.RequirePrincipal();
        string owner;
        switch (principal.Kind)
        {
            case PrincipalKind.User:
                if (request.OwnerUserGuid is not null && request.OwnerUserGuid != principal.Id)
                {
                    return ApiProblem.Forbidden("Only the operator may create an org on behalf of another user.");
                }
                owner = principal.Id;
                break;
            case PrincipalKind.Operator:
            case PrincipalKind.Service:
                if (request.OwnerUserGuid is null)
                {
                    return ApiProblem.Validation("owner_user_guid", "is required when the operator creates an org");
                }
                owner = request.OwnerUserGuid;
                break;
            default:
                return ApiProblem.Forbidden("A service account cannot create orgs.");
        }
        var org = new Org
        {
            OrgGuid = Ids.New(),
            Orgcode = Codes.Normalize(request.Orgcode),
            LegalName = request.LegalName!.Trim(),
            DisplayName = RequestRules.Trimmed(request.DisplayName),
            TimeZone = RequestRules.Trimmed(request.TimeZone),
            PrimaryOwnerGuid = owner,
            CreatedBy = principal.Id,
        };
        var write = await orgs.CreateAsync(null, org,
            [new DomainEvent(OfmEvents.OrgCreated, new OrgCreated(org.Orgcode, org.OrgGuid, org.LegalName, owner), $"org/{org.Orgcode}")], ct);
        return write.ToCreated();
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> GetOrg(OrgKeyRequest request, OrgAccessResolver resolver,
        RequestContext context, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadAsync(request.Orgcode, Role.Viewer, write: false, resolver, context, ct);
        return problem is not null ? problem : TypedResults.Ok(org!.Record);
    }

    public static async Task<Ok<Page<Org>>> ListOrgs(ListOrgsRequest request, RecordStore<Org> orgs, RecordStore<Member> members,
        OrgAccessResolver resolver, RequestContext context, CancellationToken ct)
    {
        var principal = context.RequirePrincipal();
        IReadOnlyList<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", status)] : [];
        if (principal.IsOperator || principal.IsService)
        {
            return TypedResults.Ok(await orgs.ListAsync(null, filters, Paging.LimitOf(request), request.NextToken, ct: ct));
        }
        return TypedResults.Ok(await UserOrgs.PageAsync(principal, request, orgs, members, resolver, ct));
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> UpdateOrg(UpdateOrgRequest request, RecordStore<Org> orgs,
        OrgAccessResolver resolver, RequestContext context, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadForChangeAsync(request.Orgcode, request.ExpectedRevision, Role.Owner, write: true,
            resolver, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var next = org!.Record with
        {
            LegalName = RequestRules.Trimmed(request.LegalName) ?? org.Record.LegalName,
            DisplayName = RequestRules.Trimmed(request.DisplayName) ?? org.Record.DisplayName,
            TimeZone = RequestRules.Trimmed(request.TimeZone) ?? org.Record.TimeZone,
        };
        return await OrgGate.SaveAsync(orgs, org, next, "updated",
            [new DomainEvent(OfmEvents.OrgUpdated, new OrgUpdated(next.Orgcode, next.OrgGuid, next.LegalName, next.DisplayName, next.TimeZone,
                org.Record.Revision + 1), $"org/{next.Orgcode}")], ct);
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> SetOrgStatus(SetOrgStatusRequest request, RecordStore<Org> orgs,
        OrgAccessResolver resolver, RequestContext context, OrgDirectoryCache cache, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadForChangeAsync(request.Orgcode, request.ExpectedRevision, Role.Owner, write: false,
            resolver, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = org!.Record;
        var to = request.Status!.Value;
        // Owners may only suspend their own active org; verification, restore and freezing are the operator's.
        if (context.Role != Role.Operator && !(current.Status == OrgStatus.Active && to == OrgStatus.Suspended))
        {
            return ApiProblem.Forbidden("Only the platform operator may make this status change.");
        }
        if (Org.Lifecycle.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        var reason = RequestRules.Trimmed(request.Reason);
        var result = await OrgGate.SaveAsync(orgs, org, current with { Status = to, StatusReason = reason },
            "status_changed",
            [new DomainEvent(OfmEvents.OrgStatusChanged,
                new OrgStatusChanged(current.Orgcode, current.OrgGuid, OrgGate.Name(current.Status), OrgGate.Name(to), reason, context.Principal?.Id),
                $"org/{current.Orgcode}")], ct);
        cache.Invalidate(current.Orgcode);
        return result;
    }
}

/// <summary>Loads the org a request names and checks the caller's role in it and, for writes, its status.</summary>
internal static class OrgGate
{
    /// <summary>
    /// <see cref="LoadAsync"/> for a change, in the contract's order: a missing <c>expected_revision</c> is 400 first,
    /// then the caller's access to the org, then a stale revision is 409.
    /// </summary>
    public static async Task<ChangeBase<Org>> LoadForChangeAsync(string? bodyOrgcode, long? expectedRevision,
        Role minimum, bool write, OrgAccessResolver resolver, RequestContext context, CancellationToken ct)
    {
        if (expectedRevision is null)
        {
            return new ChangeBase<Org>(null, ApiProblem.ExpectedRevisionRequired());
        }
        var (org, problem) = await LoadAsync(bodyOrgcode, minimum, write, resolver, context, ct);
        return problem is not null ? new ChangeBase<Org>(null, problem) : RecordStore<Org>.CheckRevision(org!, expectedRevision);
    }

    public static async Task<(Loaded<Org>? Org, ProblemHttpResult? Problem)> LoadAsync(string? bodyOrgcode, Role minimum, bool write,
        OrgAccessResolver resolver, RequestContext context, CancellationToken ct)
    {
        var orgcode = bodyOrgcode is { Length: > 0 } ? Codes.Normalize(bodyOrgcode) : context.Orgcode;
        if (orgcode is null)
        {
            return (null, ApiProblem.Validation("orgcode", "is required (in x-orgcode or the body)"));
        }
        var org = await resolver.FindOrgAsync(orgcode, ct);
        if (org is null)
        {
            return (null, ApiProblem.NotFound($"No org '{orgcode}' is visible to the caller."));
        }
        var (role, _) = await resolver.RoleOfAsync(org.Record, context.RequirePrincipal(), ct);
        if (role == Role.None)
        {
            return (null, ApiProblem.NotFound($"No org '{orgcode}' is visible to the caller."));
        }
        context.Orgcode = orgcode;
        context.Role = role;
        context.OrgStatus = org.Record.Status;
        if (role < minimum)
        {
            return (null, ApiProblem.Forbidden($"This operation needs the role '{Name(minimum)}' or higher."));
        }
        if (write && role != Role.Operator && org.Record.Status != OrgStatus.Active)
        {
            return (null, OfmProblems.OrgNotActive(org.Record.Status));
        }
        return (org, null);
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> SaveAsync(RecordStore<Org> orgs, Loaded<Org> org, Org next,
        string op, IEnumerable<DomainEvent> events, CancellationToken ct) =>
        (await orgs.UpdateAsync(null, org, next, op, events, ct)).ToOk();

    public static string Name<T>(T value) where T : struct, Enum => Retail.Shared.Json.SnakeCase.Name(value);
}
