using Retail.Shared;
using Retail.Shared.State;

namespace Retail.Usm.ServiceAccounts;

public static class ServiceAccountsApi
{
    public static RouteGroupBuilder MapServiceAccounts(this IEndpointRouteBuilder routes)
    {
        var accounts = routes.MapGroup("/service_account").WithTags("Service accounts");
        accounts.MapPost("/create", CreateServiceAccount).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Create a service account of the org with a role up to admin.");
        accounts.MapPost("/list", ListServiceAccounts).RequireRole(Role.Admin)
            .WithSummary("List the org's service accounts.");
        accounts.MapPost("/status", SetServiceAccountStatus).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Enable or disable a service account; disabling stops its keys at once.");
        return accounts;
    }

    public static async Task<Results<Created<ServiceAccount>, ProblemHttpResult>> CreateServiceAccount(CreateServiceAccountRequest request,
        RecordStore<ServiceAccount> accounts, RequestContext context, CancellationToken ct)
    {
        var role = request.Role!.Value;
        if (role > context.Role)
        {
            return ApiProblem.Forbidden("A service account cannot get a role above the caller's own.");
        }
        var orgcode = context.RequireOrgcode();
        var account = new ServiceAccount
        {
            ServiceAccountGuid = Ids.New(),
            Orgcode = orgcode,
            Name = Codes.Normalize(request.Name),
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            Role = role,
            Status = ServiceAccountStatus.Active,
        };
        var write = await accounts.CreateAsync(orgcode, account, ct: ct);
        return write.Outcome == RecordWriteOutcome.Duplicate
            ? ApiProblem.Duplicate("A service account with this name exists in the org.")
            : TypedResults.Created((string?)null, write.Record!);
    }

    public static async Task<Ok<Page<ServiceAccount>>> ListServiceAccounts(ListServiceAccountsRequest request, RecordStore<ServiceAccount> accounts,
        RequestContext context, CancellationToken ct)
    {
        IReadOnlyList<StateFilter>? filters = request.Status is { } status
            ? [StateFilter.Eq("status", status)]
            : null;
        return TypedResults.Ok(await accounts.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            request.IncludeDoomed ?? false, ct: ct));
    }

    /// <summary>Disabling takes effect at once: every service's cached answer for its keys is evicted by the event.</summary>
    public static async Task<Results<Ok<ServiceAccount>, ProblemHttpResult>> SetServiceAccountStatus(SetServiceAccountStatusRequest request,
        RecordStore<ServiceAccount> accounts, RequestContext context, LocalEviction eviction, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await accounts.LoadForChangeAsync(orgcode, request.ServiceAccountGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var account = loaded!.Record;
        var to = request.Status!.Value;
        if (ServiceAccount.Lifecycle.Check(account.Status, to) is { } refused)
        {
            return refused;
        }
        var changed = new ServiceAccountStatusChanged(account.ServiceAccountGuid, orgcode, Name(account.Status), Name(to), clock.GetUtcNow());
        var write = await accounts.UpdateAsync(orgcode, loaded, account with { Status = to }, "status_changed",
            [new DomainEvent(IdentityEvents.ServiceAccountStatusChanged, changed)], ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        eviction.Evict(CredentialCache.ServiceAccountTag(account.ServiceAccountGuid));
        return TypedResults.Ok(write.Record!);
    }

    private static string Name(ServiceAccountStatus status) => Retail.Shared.Json.SnakeCase.Name(status);
}
