using FluentValidation;
using Retail.Ofm.Directory;
using Retail.Ofm.MasterData;
using Retail.Ofm.Members;

namespace Retail.Ofm.Orgs;

/// <summary>Ownership: the primary owner (the operator moves it) and secondary owners (added, removed, suspended by owners).</summary>
public static partial class OrgsApi
{
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
        return await OwnerChangeAsync(orgs, org, current with { PrimaryOwnerGuid = user, SecondaryOwners = secondaries },
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
        return await OwnerChangeAsync(orgs, org,
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
        return await OwnerChangeAsync(orgs, org,
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
        return await OwnerChangeAsync(orgs, org,
            current with { SecondaryOwners = current.SecondaryOwners.Select(o => o.UserGuid == user ? o with { State = state } : o).ToList() },
            "owner_state_" + OrgGate.Name(state), user, context, cache, ct);
    }

    /// <summary>Only a secondary owner can be removed or have their state changed; the primary owner never.</summary>
    private static ProblemHttpResult? SecondaryOwnerProblem(Org org, string userGuid) =>
        org.PrimaryOwnerGuid == userGuid ? OfmProblems.LastOwner()
        : org.SecondaryOwners.All(o => o.UserGuid != userGuid) ? ApiProblem.NotFound("This user is not a secondary owner of the org.")
        : null;

    private static async Task<Results<Ok<Org>, ProblemHttpResult>> OwnerChangeAsync(RecordStore<Org> orgs, Loaded<Org> org, Org next, string change, string user, RequestContext context, OrgDirectoryCache cache, CancellationToken ct)
    {
        var orgcode = org.Record.Orgcode;
        var result = await OrgGate.SaveAsync(orgs, org, next, "updated",
            [
                new DomainEvent(OfmEvents.OwnerChanged, new OwnerChanged(orgcode, change, user, context.Principal?.Id), $"org/{orgcode}"),
                new DomainEvent(OfmEvents.OrgAccessChanged, new OrgAccessChanged(orgcode, change, user), $"org/{orgcode}"),
            ], ct);
        cache.Invalidate(orgcode);
        return result;
    }
}
