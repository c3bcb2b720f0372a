using FluentValidation;
using Retail.Ucp.Identity;

namespace Retail.Ucp.Platforms;

/// <param name="Caption">The platform's name as the merchant knows it.</param>
/// <param name="Scopes">What it may do: <c>ucp:checkout_session</c>, <c>ucp:order_read</c>, <c>ucp:customer_read</c> (or the
/// specification's <c>dev.ucp.shopping.*</c> names); 1–3.</param>
public sealed record RegisterPlatformRequest(string? Caption, IReadOnlyList<string>? Scopes);

public sealed record PlatformKey(string? PlatformGuid);

/// <summary>A change to one platform at a revision (rotate, revoke).</summary>
public sealed record PlatformChange(string? PlatformGuid, long? ExpectedRevision, string? Reason);

public sealed record PlatformListRequest(PlatformStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A platform as the API shows it: never a secret or a hash.</summary>
public sealed record PlatformView(string PlatformGuid, string ClientId, string Caption, IReadOnlyList<string> Scopes, PlatformStatus Status,
    DateTimeOffset? RotatedAt, DateTimeOffset? PreviousSecretValidUntil, DateTimeOffset? RevokedAt, string? RevokedReason, string? CreatedBy,
    long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PlatformView Of(Platform p) => new(p.PlatformGuid, p.ClientId, p.Caption, p.Scopes, p.Status, p.RotatedAt, p.PreviousSecretValidUntil,
        p.RevokedAt, p.RevokedReason, p.CreatedBy, p.Revision, p.CreatedAt, p.UpdatedAt);
}

/// <summary>The answer of register and rotate: the platform and its client secret, shown this once.</summary>
public sealed record PlatformCredentials(PlatformView Platform, string ClientId, string ClientSecret);

public sealed class RegisterPlatformRequestValidator : AbstractValidator<RegisterPlatformRequest>
{
    public RegisterPlatformRequestValidator()
    {
        RuleFor(r => r.Caption).RequiredText(120);
        RuleFor(r => r.Scopes).NotNull().WithMessage("is required")
            .Must(s => s is null || s.Count is > 0 and <= 10).WithMessage("must list 1–3 scopes");
        RuleForEach(r => r.Scopes).Must(s => s is not null && UcpScopes.Normalize(s) is not null)
            .WithMessage($"must be one of {string.Join(", ", UcpScopes.All)}");
    }
}

public sealed class PlatformKeyValidator : AbstractValidator<PlatformKey>
{
    public PlatformKeyValidator() => RuleFor(r => r.PlatformGuid).RequiredGuid();
}

public sealed class PlatformChangeValidator : AbstractValidator<PlatformChange>
{
    public PlatformChangeValidator()
    {
        RuleFor(r => r.PlatformGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Reason).Text(200);
    }
}

public sealed class PlatformListRequestValidator : AbstractValidator<PlatformListRequest>
{
    public PlatformListRequestValidator() => this.AddPagingRules();
}
