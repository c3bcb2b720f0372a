using Retail.Shared;
using Retail.Shared.State;
using Retail.Usm.ServiceAccounts;

namespace Retail.Usm.ApiKeys;

public static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api_key").WithTags("API keys");
        // The answer carries the secret, so it is not kept for idempotent replay; the write gate (org status) still applies.
        keys.MapPost("/create", CreateApiKey).RequireRole(Role.Admin).WithMetadata(new WriteOperation())
            .WithSummary("Create a key for a service account; the secret is shown only in this answer.");
        keys.MapPost("/list", ListApiKeys).RequireRole(Role.Admin)
            .WithSummary("List the org's keys (never their secrets).");
        keys.MapPost("/revoke", RevokeApiKey).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Revoke one key.");
        keys.MapPost("/revoke_all", RevokeAllApiKeys).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Revoke every key of one service account.");
        keys.MapPost("/revoke_all_org", RevokeAllOrgApiKeys).RequireRole(Role.Owner).AsWrite()
            .WithSummary("Revoke every key of the org (owner or operator).");
        keys.MapPost("/policy_set", SetApiKeyPolicy).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set the org's key policy: maximum lifetime and allowed roles.");
        keys.MapPost("/validate", ValidateApiKey).RequireInternal()
            .WithSummary("Internal: the service account, org and role a key acts as, or valid false.");
        return keys;
    }

    public static async Task<Results<Created<ApiKeyCreatedResponse>, ProblemHttpResult>> CreateApiKey(CreateApiKeyRequest request,
        RecordStore<ApiKey> keys, RecordStore<ServiceAccount> accounts, RecordStore<ApiKeyPolicy> policies, ApiKeyIndex index,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var account = await accounts.GetAsync(orgcode, request.ServiceAccountGuid!, ct: ct);
        if (account is null)
        {
            return ApiProblem.NotFound("No such service account.");
        }
        if (account.Record.Role > context.Role)
        {
            return ApiProblem.Forbidden("A key cannot act with a role above the caller's own.");
        }
        if (account.Record.Status != ServiceAccountStatus.Active)
        {
            return UsmProblems.AccountDisabled();
        }
        var policy = (await policies.GetAsync(orgcode, orgcode, ct: ct))?.Record ?? ApiKeyPolicy.Default(orgcode);
        if (!policy.Allows(account.Record.Role))
        {
            return UsmProblems.RoleRefusedByPolicy(account.Record.Role);
        }
        var (expiresAt, refusedMax) = KeyLifetime.Decide(policy, request.ExpiresAt, clock.GetUtcNow());
        if (refusedMax is { } max)
        {
            return UsmProblems.LifetimeTooLong(max);
        }

        var (secret, prefix) = CredentialFormats.NewApiKey();
        var key = new ApiKey
        {
            ApiKeyGuid = Ids.New(),
            Orgcode = orgcode,
            ServiceAccountGuid = account.Record.ServiceAccountGuid,
            Prefix = prefix,
            Name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim(),
            Status = ApiKeyStatus.Active,
            ExpiresAt = expiresAt,
        };
        var batch = new RecordBatch();
        var created = keys.Create(batch, orgcode, key,
            [new DomainEvent(IdentityEvents.ApiKeyCreated, new ApiKeyCreated(key.ApiKeyGuid, key.ServiceAccountGuid, orgcode, prefix, expiresAt))]);
        await index.AddAsync(batch, CredentialFormats.Hash(secret), orgcode, key.ApiKeyGuid, ct);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded
            ? TypedResults.Created((string?)null, new ApiKeyCreatedResponse(secret, ApiKeyResponse.From(created), account.Record.Role))
            : write.Problem();
    }

    public static async Task<Ok<ApiKeyListResponse>> ListApiKeys(ListApiKeysRequest request, RecordStore<ApiKey> keys, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.ServiceAccountGuid is not null)
        {
            filters.Add(StateFilter.Eq("service_account_guid", request.ServiceAccountGuid));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        var page = await keys.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new ApiKeyListResponse(page.Items.Select(ApiKeyResponse.From).ToList(), page.NextToken));
    }

    public static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> RevokeApiKey(RevokeApiKeyRequest request, RecordStore<ApiKey> keys,
        ApiKeyRevoker revoker, RequestContext context, CancellationToken ct)
    {
        var (loaded, problem) = await keys.LoadForChangeAsync(context.RequireOrgcode(), request.ApiKeyGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await revoker.RevokeAsync(loaded!, "revoked", ct);
        return write.Succeeded ? TypedResults.Ok(ApiKeyResponse.From(write.Record!)) : write.Problem();
    }

    public static async Task<Results<Ok<ApiKeysRevokedResponse>, ProblemHttpResult>> RevokeAllApiKeys(RevokeAllApiKeysRequest request,
        RecordStore<ServiceAccount> accounts, ApiKeyRevoker revoker, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await accounts.GetAsync(orgcode, request.ServiceAccountGuid!, ct: ct) is null)
        {
            return ApiProblem.NotFound("No such service account.");
        }
        return TypedResults.Ok(new ApiKeysRevokedResponse(await revoker.RevokeAllAsync(orgcode, request.ServiceAccountGuid, "revoke_all", ct)));
    }

    public static async Task<Ok<ApiKeysRevokedResponse>> RevokeAllOrgApiKeys(RevokeAllOrgApiKeysRequest request, ApiKeyRevoker revoker,
        RequestContext context, LocalEviction eviction, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var revoked = await revoker.RevokeAllAsync(orgcode, null, "revoke_all_org", ct);
        eviction.Evict(CredentialCache.OrgTag(orgcode));
        return TypedResults.Ok(new ApiKeysRevokedResponse(revoked));
    }

    public static async Task<Results<Ok<ApiKeyPolicy>, ProblemHttpResult>> SetApiKeyPolicy(SetApiKeyPolicyRequest request,
        RecordStore<ApiKeyPolicy> policies, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var next = new ApiKeyPolicy { Orgcode = orgcode, MaxLifetimeDays = request.MaxLifetimeDays, AllowedRoles = request.AllowedRoles?.Distinct().Order().ToList() };
        // The first policy of an org is created (expected_revision absent or 0); every later change names the revision it saw.
        var (current, problem) = await policies.LoadForUpsertAsync(orgcode, orgcode, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (current is null)
        {
            return (await policies.CreateAsync(orgcode, next, ct: ct)).ToOk();
        }
        return (await policies.UpdateAsync(orgcode, current!, next, ct: ct)).ToOk();
    }

    /// <summary>Internal: who a key acts as. Unknown, revoked, expired keys and keys of disabled accounts are all just not valid.</summary>
    public static async Task<Ok<ApiKeyValidation>> ValidateApiKey(ApiKeyValidateRequest request, ApiKeyIndex index, RecordStore<ApiKey> keys,
        RecordStore<ServiceAccount> accounts, TimeProvider clock, CancellationToken ct)
    {
        if (!CredentialFormats.LooksLikeApiKey(request.ApiKey) || await index.FindAsync(CredentialFormats.Hash(request.ApiKey!), ct) is not { } found)
        {
            return TypedResults.Ok(ApiKeyValidation.Invalid);
        }
        var key = (await keys.GetAsync(found.Orgcode, found.ApiKeyGuid, ct: ct))?.Record;
        if (key is null || !key.IsUsable(clock.GetUtcNow()))
        {
            return TypedResults.Ok(ApiKeyValidation.Invalid);
        }
        var account = (await accounts.GetAsync(key.Orgcode, key.ServiceAccountGuid, ct: ct))?.Record;
        if (account is not { Status: ServiceAccountStatus.Active })
        {
            return TypedResults.Ok(ApiKeyValidation.Invalid);
        }
        return TypedResults.Ok(new ApiKeyValidation(true, key.ApiKeyGuid, account.ServiceAccountGuid, key.Orgcode, account.Role, key.ExpiresAt));
    }
}

public sealed record ApiKeyListResponse(IReadOnlyList<ApiKeyResponse> Items, string? NextToken);
