using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Ucp.Identity;

namespace Retail.Ucp.Platforms;

/// <summary>
/// Agent platforms (UC-UCP-001): an admin registers one (its client secret answered this once, kept only as a hash),
/// reads and lists them, rotates the secret (the previous one works for <see cref="PlatformOptions.SecretGracePeriod"/>),
/// and revokes one: its credentials stop at once, <c>platform.revoked</c> commits with the change, and every token it holds
/// is refused from then on (the token check reads the platform's status).
/// </summary>
public static class PlatformsApi
{
    public static RouteGroupBuilder MapPlatformsApi(this IEndpointRouteBuilder routes)
    {
        var platforms = routes.MapGroup("/platform").WithTags("UCP platforms");
        platforms.MapPost("/register", Register).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Register an agent platform with its scopes; answers client_id and client_secret (the secret only this once).");
        platforms.MapPost("/get", Get).RequireRole(Role.Admin).WithSummary("Read a platform (never its secret).");
        platforms.MapPost("/list", List).RequireRole(Role.Admin).WithSummary("List platforms, optionally of one status.");
        platforms.MapPost("/rotate", Rotate).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Issue a new client secret (expected_revision); the previous one keeps working for the grace period.");
        platforms.MapPost("/revoke", Revoke).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Revoke a platform (expected_revision): its credentials, tokens and webhooks stop at once.");
        return platforms;
    }

    public static async Task<Results<Created<PlatformCredentials>, ProblemHttpResult>> Register(RegisterPlatformRequest request,
        RecordStore<Platform> platforms, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var secret = PlatformSecrets.NewSecret();
        var platform = new Platform
        {
            PlatformGuid = Ids.New(),
            ClientId = PlatformSecrets.NewClientId(orgcode),
            Caption = request.Caption!.Trim(),
            Scopes = request.Scopes!.Select(s => UcpScopes.Normalize(s)!).Distinct(StringComparer.Ordinal).ToList(),
            SecretHash = PlatformSecrets.Hash(secret),
            CreatedBy = context.Principal?.Id,
        };
        var write = await platforms.CreateAsync(orgcode, platform, [Changed(UcpEvents.PlatformRegistered, platform, 1)], ct);
        return write.Succeeded
            ? TypedResults.Created((string?)null, new PlatformCredentials(PlatformView.Of(write.Record!), write.Record!.ClientId, secret))
            : write.Problem();
    }

    public static async Task<Results<Ok<PlatformView>, ProblemHttpResult>> Get(PlatformKey request, RecordStore<Platform> platforms, RequestContext context,
        CancellationToken ct)
    {
        var loaded = await platforms.GetAsync(context.RequireOrgcode(), GuidKey(request.PlatformGuid!), ct: ct);
        return loaded is null ? ApiProblem.NotFound("No such platform in this org.") : TypedResults.Ok(PlatformView.Of(loaded.Record));
    }

    public static async Task<Ok<Page<PlatformView>>> List(PlatformListRequest request, RecordStore<Platform> platforms, RequestContext context,
        CancellationToken ct)
    {
        IReadOnlyList<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", status)] : [];
        var page = await platforms.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new Page<PlatformView>(page.Items.Select(PlatformView.Of).ToList(), page.NextToken));
    }

    public static async Task<Results<Ok<PlatformCredentials>, ProblemHttpResult>> Rotate(PlatformChange request, RecordStore<Platform> platforms,
        IOptions<PlatformOptions> options, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadActiveForChangeAsync(platforms, orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var now = clock.GetUtcNow();
        var secret = PlatformSecrets.NewSecret();
        var next = current with
        {
            SecretHash = PlatformSecrets.Hash(secret),
            PreviousSecretHash = current.SecretHash,
            PreviousSecretValidUntil = now + options.Value.SecretGracePeriod,
            RotatedAt = now,
        };
        var write = await platforms.UpdateAsync(orgcode, loaded, next, "rotated", [Changed(UcpEvents.PlatformRotated, next, current.Revision + 1)], ct);
        return write.Succeeded
            ? TypedResults.Ok(new PlatformCredentials(PlatformView.Of(write.Record!), write.Record!.ClientId, secret))
            : write.Problem();
    }

    public static async Task<Results<Ok<PlatformView>, ProblemHttpResult>> Revoke(PlatformChange request, RecordStore<Platform> platforms,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadActiveForChangeAsync(platforms, orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var next = current with
        {
            Status = PlatformStatus.Revoked,
            RevokedAt = clock.GetUtcNow(),
            RevokedReason = RequestRules.Trimmed(request.Reason),
            PreviousSecretHash = null,
            PreviousSecretValidUntil = null,
        };
        var write = await platforms.UpdateAsync(orgcode, loaded, next, "revoked", [Changed(UcpEvents.PlatformRevoked, next, current.Revision + 1)], ct);
        return write.ToOk(PlatformView.Of);
    }

    private static async Task<ChangeBase<Platform>> LoadActiveForChangeAsync(RecordStore<Platform> platforms, string orgcode, PlatformChange request,
        CancellationToken ct)
    {
        var change = await platforms.LoadForChangeAsync(orgcode, GuidKey(request.PlatformGuid!), request.ExpectedRevision, ct: ct);
        return change is { Problem: null, Loaded.Record: { Status: PlatformStatus.Revoked } gone }
            ? new ChangeBase<Platform>(null, UcpProblems.PlatformRevoked(gone.PlatformGuid))
            : change;
    }

    private static DomainEvent Changed(string type, Platform p, long revision) =>
        new(type, new PlatformChanged(p.PlatformGuid, p.ClientId, p.Caption, p.Status, revision), $"platform/{p.PlatformGuid}");

    private static string GuidKey(string guid) => Guid.Parse(guid).ToString();
}
