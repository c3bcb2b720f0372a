using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Retail.Shared.Contract;

/// <summary>How an endpoint is protected; read by the contract middleware and the OpenAPI transformer.</summary>
public sealed record AccessRequirement(AccessKind Kind, Role MinimumRole)
{
    public bool IsOrgScoped => Kind == AccessKind.OrgRole;
}

public enum AccessKind
{
    /// <summary>Open without credentials (sign-up, verification, session create, health).</summary>
    Anonymous,

    /// <summary>Any authenticated principal; not tied to an org (a user's own account).</summary>
    Authenticated,

    /// <summary>Org-scoped: <c>x-orgcode</c> is required and the caller needs at least the role in that org.</summary>
    OrgRole,

    /// <summary>The platform operator, with no org context required.</summary>
    Operator,

    /// <summary>Only other services of this deployment (and the operator).</summary>
    Internal,
}

/// <summary>
/// An operation not scoped to the caller's role in an org that still needs <c>x-orgcode</c> (accepting an invite to
/// an org the caller is not in yet): the header is required, checked before the body, and documented.
/// </summary>
public sealed record OrgHeaderRequired;

/// <summary>Marks a write: it honours <c>Idempotency-Key</c> and is refused for orgs that are not active.</summary>
public sealed record WriteOperation;

public static class EndpointConventions
{
    /// <summary>The minimum org role (or <see cref="Role.Operator"/>) for an org-scoped operation.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRequirement(AccessKind.OrgRole, role));

    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRequirement(AccessKind.Operator, Role.Operator));

    public static TBuilder RequireAuthenticated<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRequirement(AccessKind.Authenticated, Role.None));

    public static TBuilder RequireInternal<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRequirement(AccessKind.Internal, Role.None));

    public static TBuilder AllowAnonymousCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRequirement(AccessKind.Anonymous, Role.None));

    /// <summary>Requires <c>x-orgcode</c> on an operation whose access is not org-scoped; see <see cref="OrgHeaderRequired"/>.</summary>
    public static TBuilder RequireOrgHeader<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OrgHeaderRequired());

    /// <summary>This operation's own body size limit, above or below <c>Retail:MaxRequestBodyBytes</c>.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long maxBytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(maxBytes));

    /// <summary>A write: <c>Idempotency-Key</c> replays, org status gate. Add after the role.</summary>
    public static RouteHandlerBuilder AsWrite(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new WriteOperation()).AddEndpointFilter<Idempotency.IdempotencyFilter>();
}
