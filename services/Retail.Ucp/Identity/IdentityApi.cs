using System.Text.Json;
using FluentValidation;
using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Invocation;

namespace Retail.Ucp.Identity;

/// <param name="PlatformGuid">The platform the customer is linked to (active, holding the scopes).</param>
/// <param name="CustomerGuid">The CRM customer (checked in CRM).</param>
/// <param name="Scopes">What the link grants: a subset of the platform's scopes; all of them when absent.</param>
/// <param name="CodeChallenge">The platform's PKCE S256 challenge (43 base64url characters).</param>
/// <param name="CodeChallengeMethod">Only <c>S256</c>.</param>
public sealed record AuthorizeRequest(string? PlatformGuid, string? CustomerGuid, IReadOnlyList<string>? Scopes, string? CodeChallenge,
    string? CodeChallengeMethod);

/// <summary>The code (answered this once) the platform exchanges at /identity/token with its code_verifier.</summary>
public sealed record AuthorizeResponse(string Code, DateTimeOffset ExpiresAt, int ExpiresIn, string LinkGuid, string PlatformGuid, string CustomerGuid,
    IReadOnlyList<string> Scopes);

public sealed record LinkListRequest(LinkStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record LinkChange(string? LinkGuid, long? ExpectedRevision, string? Reason);

public sealed class AuthorizeRequestValidator : AbstractValidator<AuthorizeRequest>
{
    public AuthorizeRequestValidator()
    {
        RuleFor(r => r.PlatformGuid).RequiredGuid();
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleForEach(r => r.Scopes).Must(s => s is not null && UcpScopes.Normalize(s) is not null).WithMessage($"must be one of {string.Join(", ", UcpScopes.All)}");
        RuleFor(r => r.CodeChallenge).NotEmpty().WithMessage("is required")
            .Must(c => c is null || (c.Length == 43 && c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')))
            .WithMessage("must be the base64url SHA-256 of the code verifier (43 characters)");
        RuleFor(r => r.CodeChallengeMethod).Must(m => m is null || m == "S256").WithMessage("must be S256");
    }
}

public sealed class LinkListRequestValidator : AbstractValidator<LinkListRequest>
{
    public LinkListRequestValidator() => this.AddPagingRules();
}

public sealed class LinkChangeValidator : AbstractValidator<LinkChange>
{
    public LinkChangeValidator()
    {
        RuleFor(r => r.LinkGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Reason).Text(200);
    }
}

/// <summary>
/// OAuth 2.0 identity linking (UC-UCP-007..010). An admin authorizes (a code for a platform and a CRM customer, bound to a
/// PKCE challenge); the platform exchanges it at /identity/token (RFC 6749, form-encoded, client_secret_basic) for access
/// and refresh tokens; refresh rotates both and a spent refresh token presented again revokes the family; /identity/revoke
/// is RFC 7009 (always 200); /identity/userinfo answers the customer's fields the scopes allow; admins list and revoke links.
/// The token endpoints answer OAuth errors (<c>{error, error_description}</c>), not problem+json.
/// </summary>
public static class IdentityApi
{
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder routes)
    {
        var identity = routes.MapGroup("/identity").WithTags("UCP identity linking");
        identity.MapPost("/authorize", Authorize).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Issue an authorization code for a platform and a CRM customer (single use, 10 minutes, bound to a PKCE S256 challenge).");
        identity.MapPost("/token", TokenEndpoint.TokenAsync).AllowAnonymousCaller().DisableAntiforgery()
            .Accepts<Dictionary<string, string>>("application/x-www-form-urlencoded")
            .WithSummary("RFC 6749 token endpoint (form-encoded, client_secret_basic): authorization_code with code_verifier, refresh_token, client_credentials.");
        identity.MapPost("/revoke", TokenEndpoint.RevokeAsync).AllowAnonymousCaller().DisableAntiforgery()
            .Accepts<Dictionary<string, string>>("application/x-www-form-urlencoded")
            .WithSummary("RFC 7009 token revocation (client_secret_basic): always 200; revokes the token's whole family.");
        identity.MapMethods("/userinfo", ["GET", "POST"], TokenEndpoint.UserInfoAsync).AllowAnonymousCaller()
            .WithSummary("The linked customer's fields allowed by the bearer token's scopes (ucp:customer_read: email, phone, name, code).");
        identity.MapPost("/link/list", ListLinks).RequireRole(Role.Admin).WithSummary("List identity links, optionally of one status.");
        identity.MapPost("/link/revoke", RevokeLink).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Revoke an identity link (expected_revision): its tokens stop at once.");
        return routes;
    }

    public static async Task<Results<Created<AuthorizeResponse>, ProblemHttpResult>> Authorize(AuthorizeRequest request, RecordStore<Platform> platforms,
        RecordStore<IdentityLink> links, RecordStore<AuthorizationCode> codes, IServiceInvoker invoker, IOptions<IdentityOptions> options,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var platformGuid = Guid.Parse(request.PlatformGuid!).ToString();
        var customerGuid = Guid.Parse(request.CustomerGuid!).ToString();
        if (await platforms.GetAsync(orgcode, platformGuid, ct: ct) is not { Record: var platform })
        {
            return ApiProblem.NotFound("No such platform in this org.");
        }
        if (platform.Status != PlatformStatus.Active)
        {
            return UcpProblems.PlatformRevoked(platform.PlatformGuid);
        }
        var scopes = request.Scopes is null ? platform.Scopes : request.Scopes.Select(s => UcpScopes.Normalize(s)!).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Except(platform.Scopes, StringComparer.Ordinal).ToList() is { Count: > 0 } beyond)
        {
            return UcpProblems.ScopeNotGranted(beyond);
        }
        var customer = await invoker.InvokeAsync("crm", "/customer/get", new { customer_guid = customerGuid }, new InvocationOptions(orgcode), ct);
        if (customer.StatusCode == StatusCodes.Status404NotFound)
        {
            return UcpProblems.CustomerNotFound(customerGuid);
        }
        if (!customer.IsSuccess)
        {
            return ApiProblem.DependencyUnavailable("crm");
        }
        var now = clock.GetUtcNow();
        var batch = new RecordBatch();
        var existing = await links.FindAsync(orgcode, "platform_customer", $"{platformGuid}|{customerGuid}", ct);
        var link = existing is null
            ? links.Create(batch, orgcode, new IdentityLink
            {
                LinkGuid = Ids.New(), PlatformGuid = platformGuid, CustomerGuid = customerGuid, Scopes = scopes, CreatedBy = context.Principal?.Id,
            }, [new DomainEvent(UcpEvents.LinkAuthorized, LinkEvent.Of(platformGuid, customerGuid, scopes, LinkStatus.Active), $"customer/{customerGuid}")])
            : links.Update(batch, orgcode, existing, existing.Record with { Scopes = scopes });
        var code = IdentityTokens.New(IdentityTokens.CodePrefix, orgcode);
        var lifetime = options.Value.CodeLifetime;
        codes.Create(batch, orgcode, new AuthorizationCode
        {
            CodeHash = IdentityTokens.Hash(code),
            PlatformGuid = platformGuid,
            LinkGuid = link.LinkGuid,
            CustomerGuid = customerGuid,
            Scopes = scopes,
            CodeChallenge = request.CodeChallenge!,
            ExpiresAt = now + lifetime,
        });
        var write = await batch.CommitAsync(ct);
        return write.Succeeded
            ? TypedResults.Created((string?)null, new AuthorizeResponse(code, now + lifetime, (int)lifetime.TotalSeconds, link.LinkGuid, platformGuid, customerGuid, scopes))
            : write.Problem();
    }

    public static async Task<Ok<Page<IdentityLink>>> ListLinks(LinkListRequest request, RecordStore<IdentityLink> links, RequestContext context,
        CancellationToken ct)
    {
        IReadOnlyList<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", status)] : [];
        return TypedResults.Ok(await links.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<IdentityLink>, ProblemHttpResult>> RevokeLink(LinkChange request, RecordStore<IdentityLink> links,
        RecordStore<TokenFamily> families, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await links.LoadForChangeAsync(orgcode, Guid.Parse(request.LinkGuid!).ToString(), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.Status == LinkStatus.Revoked)
        {
            return UcpProblems.LinkRevoked(current.LinkGuid);
        }
        var now = clock.GetUtcNow();
        var next = current with { Status = LinkStatus.Revoked, RevokedAt = now, RevokedReason = RequestRules.Trimmed(request.Reason) };
        var batch = new RecordBatch();
        var written = links.Update(batch, orgcode, loaded, next, "revoked",
            [new DomainEvent(UcpEvents.LinkRevoked, LinkEvent.Of(current.PlatformGuid, current.CustomerGuid, current.Scopes, LinkStatus.Revoked),
                $"customer/{current.CustomerGuid}")]);
        // Its token families are marked revoked in the same transaction (token use also reads the link's status).
        string? token = null;
        do
        {
            var page = await families.ListByValueAsync(orgcode, "link", current.LinkGuid, 100, token, ct: ct);
            foreach (var family in page.Items.Where(f => f.Status == TokenFamilyStatus.Active))
            {
                if (await families.GetAsync(orgcode, family.FamilyGuid, ct: ct) is { } f)
                {
                    families.Update(batch, orgcode, f, f.Record with { Status = TokenFamilyStatus.Revoked, RevokedAt = now, RevokedReason = "link_revoked" }, "revoked");
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(written) : write.Problem();
    }
}

/// <summary>The data of <c>identity_link.*</c> events.</summary>
public sealed record LinkEvent(string PlatformGuid, string CustomerGuid, IReadOnlyList<string> Scopes, LinkStatus Status)
{
    public static LinkEvent Of(string platformGuid, string customerGuid, IReadOnlyList<string> scopes, LinkStatus status) =>
        new(platformGuid, customerGuid, scopes, status);
}
