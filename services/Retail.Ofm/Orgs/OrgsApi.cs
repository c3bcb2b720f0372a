using FluentValidation;
using Retail.Ofm.Directory;
using Retail.Ofm.MasterData;

namespace Retail.Ofm.Orgs;

public sealed record CreateOrgRequest(string? Orgcode, string? LegalName, string? DisplayName, string? OwnerUserGuid);

public sealed record OrgKeyRequest(string? Orgcode);

public sealed record ListOrgsRequest(OrgStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record UpdateOrgRequest(string? Orgcode, string? LegalName, string? DisplayName, long? ExpectedRevision);

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
public static class OrgsApi
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
            OrgGuid = Guid.CreateVersion7().ToString(),
            Orgcode = Codes.Normalize(request.Orgcode),
            LegalName = request.LegalName!.Trim(),
            DisplayName = OfmRules.Trimmed(request.DisplayName),
            PrimaryOwnerGuid = owner,
            CreatedBy = principal.Id,
        };
        var write = await orgs.CreateAsync(null, org,
            [new DomainEvent(OfmEvents.OrgCreated, new OrgCreated(org.Orgcode, org.OrgGuid, org.LegalName, owner), $"org/{org.Orgcode}")], ct);
        return write.Outcome == RecordWriteOutcome.Duplicate
            ? ApiProblem.Duplicate($"The orgcode '{org.Orgcode}' is taken.")
            : TypedResults.Created((string?)null, write.Record!);
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> GetOrg(OrgKeyRequest request, OrgAccessResolver resolver,
        RequestContext context, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadAsync(request.Orgcode, Role.Viewer, write: false, resolver, context, ct);
        return problem is not null ? problem : TypedResults.Ok(org!.Record);
    }

    public static async Task<Ok<Page<Org>>> ListOrgs(ListOrgsRequest request, RecordStore<Org> orgs, OrgAccessResolver resolver,
        RequestContext context, CancellationToken ct)
    {
        var principal = context.RequirePrincipal();
        IReadOnlyList<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", OrgGate.Name(status))] : [];
        if (principal.IsOperator || principal.IsService)
        {
            return TypedResults.Ok(await orgs.ListAsync(null, filters, Paging.LimitOf(request), request.NextToken, ct: ct));
        }
        // A user sees the orgs they have a part in; the token is the last org guid served.
        var visible = new List<Org>();
        string? token = null;
        do
        {
            var page = await orgs.ListAsync(null, filters, Paging.MaxLimit, token, ct: ct);
            foreach (var org in page.Items.Where(o => request.NextToken is null || string.CompareOrdinal(o.OrgGuid, request.NextToken) > 0))
            {
                if ((await resolver.RoleOfAsync(org, principal, ct)).Role != Role.None)
                {
                    visible.Add(org);
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        var limit = Paging.LimitOf(request);
        var items = visible.OrderBy(o => o.OrgGuid, StringComparer.Ordinal).Take(limit).ToList();
        return TypedResults.Ok(new Page<Org>(items, visible.Count > limit ? items[^1].OrgGuid : null));
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
            LegalName = OfmRules.Trimmed(request.LegalName) ?? org.Record.LegalName,
            DisplayName = OfmRules.Trimmed(request.DisplayName) ?? org.Record.DisplayName,
        };
        return await OrgGate.SaveAsync(orgs, org, request.ExpectedRevision!.Value, next, "updated", [], ct);
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
        var reason = OfmRules.Trimmed(request.Reason);
        var result = await OrgGate.SaveAsync(orgs, org, request.ExpectedRevision!.Value, current with { Status = to, StatusReason = reason },
            "status_changed",
            [new DomainEvent(OfmEvents.OrgStatusChanged,
                new OrgStatusChanged(current.Orgcode, current.OrgGuid, OrgGate.Name(current.Status), OrgGate.Name(to), reason, context.Principal?.Id),
                $"org/{current.Orgcode}")], ct);
        cache.Invalidate(current.Orgcode);
        return result;
    }

    public static async Task<Results<Ok<OwnerListResponse>, ProblemHttpResult>> ListOwners(OrgKeyRequest request, OrgAccessResolver resolver,
        RequestContext context, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadAsync(request.Orgcode, Role.Viewer, write: false, resolver, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var record = org!.Record;
        var owners = new List<OwnerView> { new(record.PrimaryOwnerGuid, true, OwnerState.Active, record.CreatedAt) };
        owners.AddRange(record.SecondaryOwners.Select(o => new OwnerView(o.UserGuid, false, o.State, o.AddedAt)));
        return TypedResults.Ok(new OwnerListResponse(record.Orgcode, record.Revision, owners));
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> SetPrimaryOwner(OwnerChangeRequest request, RecordStore<Org> orgs,
        OrgAccessResolver resolver, RequestContext context, OrgDirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadForChangeAsync(request.Orgcode, request.ExpectedRevision, Role.Operator, write: true,
            resolver, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = org!.Record;
        var user = request.UserGuid!;
        if (current.PrimaryOwnerGuid == user)
        {
            return TypedResults.Ok(current);
        }
        // The previous primary stays an owner (secondary) until someone removes them; the new one leaves the secondary list.
        var secondaries = current.SecondaryOwners.Where(o => o.UserGuid != user).ToList();
        secondaries.Add(new OrgOwner(current.PrimaryOwnerGuid, OwnerState.Active, clock.GetUtcNow()));
        return await OwnerChangeAsync(orgs, org, request.ExpectedRevision!.Value, current with { PrimaryOwnerGuid = user, SecondaryOwners = secondaries },
            "owner_primary_set", user, context, cache, ct);
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> AddSecondaryOwner(OwnerChangeRequest request, RecordStore<Org> orgs,
        OrgAccessResolver resolver, RequestContext context, OrgDirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadForChangeAsync(request.Orgcode, request.ExpectedRevision, Role.Owner, write: true,
            resolver, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = org!.Record;
        var user = request.UserGuid!;
        if (current.PrimaryOwnerGuid == user || current.SecondaryOwners.Any(o => o.UserGuid == user))
        {
            return ApiProblem.Duplicate("This user is already an owner of the org.");
        }
        return await OwnerChangeAsync(orgs, org, request.ExpectedRevision!.Value,
            current with { SecondaryOwners = [.. current.SecondaryOwners, new OrgOwner(user, OwnerState.Active, clock.GetUtcNow())] },
            "owner_added", user, context, cache, ct);
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> RemoveSecondaryOwner(OwnerChangeRequest request, RecordStore<Org> orgs,
        OrgAccessResolver resolver, RequestContext context, OrgDirectoryCache cache, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadForChangeAsync(request.Orgcode, request.ExpectedRevision, Role.Owner, write: true,
            resolver, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = org!.Record;
        var user = request.UserGuid!;
        if (SecondaryOwnerProblem(current, user) is { } notSecondary)
        {
            return notSecondary;
        }
        return await OwnerChangeAsync(orgs, org, request.ExpectedRevision!.Value,
            current with { SecondaryOwners = current.SecondaryOwners.Where(o => o.UserGuid != user).ToList() },
            "owner_removed", user, context, cache, ct);
    }

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> SetOwnerState(SetOwnerStateRequest request, RecordStore<Org> orgs,
        OrgAccessResolver resolver, RequestContext context, OrgDirectoryCache cache, CancellationToken ct)
    {
        var (org, problem) = await OrgGate.LoadForChangeAsync(request.Orgcode, request.ExpectedRevision, Role.Owner, write: true,
            resolver, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = org!.Record;
        var user = request.UserGuid!;
        if (SecondaryOwnerProblem(current, user) is { } notSecondary)
        {
            return notSecondary;
        }
        var state = request.State!.Value;
        return await OwnerChangeAsync(orgs, org, request.ExpectedRevision!.Value,
            current with { SecondaryOwners = current.SecondaryOwners.Select(o => o.UserGuid == user ? o with { State = state } : o).ToList() },
            "owner_state_" + OrgGate.Name(state), user, context, cache, ct);
    }

    /// <summary>Only a secondary owner can be removed or have their state changed; the primary owner never.</summary>
    private static ProblemHttpResult? SecondaryOwnerProblem(Org org, string userGuid) =>
        org.PrimaryOwnerGuid == userGuid ? OfmProblems.LastOwner()
        : org.SecondaryOwners.All(o => o.UserGuid != userGuid) ? ApiProblem.NotFound("This user is not a secondary owner of the org.")
        : null;

    private static async Task<Results<Ok<Org>, ProblemHttpResult>> OwnerChangeAsync(RecordStore<Org> orgs, Loaded<Org> org, long expected,
        Org next, string change, string user, RequestContext context, OrgDirectoryCache cache, CancellationToken ct)
    {
        var orgcode = org.Record.Orgcode;
        var result = await OrgGate.SaveAsync(orgs, org, expected, next, "updated",
            [
                new DomainEvent(OfmEvents.OwnerChanged, new OwnerChanged(orgcode, change, user, context.Principal?.Id), $"org/{orgcode}"),
                new DomainEvent(OfmEvents.OrgAccessChanged, new OrgAccessChanged(orgcode, change, user), $"org/{orgcode}"),
            ], ct);
        cache.Invalidate(orgcode);
        return result;
    }
}

/// <summary>Loads the org a request names and checks the caller's role in it and, for writes, its status.</summary>
internal static class OrgGate
{
    /// <summary>
    /// <see cref="LoadAsync"/> for a change: a missing <c>expected_revision</c> is answered 400 first, as for every
    /// other record; the revision itself is checked when the change is saved.
    /// </summary>
    public static Task<(Loaded<Org>? Org, ProblemHttpResult? Problem)> LoadForChangeAsync(string? bodyOrgcode, long? expectedRevision,
        Role minimum, bool write, OrgAccessResolver resolver, RequestContext context, CancellationToken ct) =>
        expectedRevision is null
            ? Task.FromResult<(Loaded<Org>?, ProblemHttpResult?)>((null, ApiProblem.ExpectedRevisionRequired()))
            : LoadAsync(bodyOrgcode, minimum, write, resolver, context, ct);

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

    public static async Task<Results<Ok<Org>, ProblemHttpResult>> SaveAsync(RecordStore<Org> orgs, Loaded<Org> org, long expected, Org next,
        string op, IEnumerable<DomainEvent> events, CancellationToken ct)
    {
        if (org.Record.Revision != expected)
        {
            return ApiProblem.RevisionMismatch(org.Record.Revision);
        }
        var write = await orgs.UpdateAsync(null, org, next, op, events, ct);
        return write.Succeeded ? TypedResults.Ok(write.Record!) : ApiProblem.RevisionMismatch(write.CurrentRevision ?? 0);
    }

    public static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
