using FluentValidation;

namespace Retail.Usm.Sessions;

public sealed record CreateSessionRequest(string? Email, string? Passcode);

/// <summary><c>session_id</c> names one of the caller's sessions; left out, the session the request is made with.</summary>
public sealed record SessionKeyRequest(string? SessionId);

/// <summary>A user lists their own sessions; the operator names the user.</summary>
public sealed record ListSessionsRequest(string? UserGuid, bool? IncludeClosed, int? Limit, string? NextToken) : IPagedRequest;

public sealed record LogoutEverywhereRequest(string? UserGuid);

public sealed record SessionsClosedResponse(int Closed);

public sealed record SessionListResponse(IReadOnlyList<SessionResponse> Items, string? NextToken);

internal static class SessionRules
{
    public static IRuleBuilderOptions<T, string?> ValidSessionId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(id => id is { Length: 64 } && id.All(char.IsAsciiHexDigitLower)).WithMessage("is not a session id");

    public static IRuleBuilderOptions<T, string?> ValidGuid<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(g => Guid.TryParse(g, out _)).WithMessage("is not a valid guid");
}

public sealed class CreateSessionRequestValidator : AbstractValidator<CreateSessionRequest>
{
    public CreateSessionRequestValidator()
    {
        RuleFor(r => r.Email).NotEmpty().WithMessage("is required").MaximumLength(254).WithMessage("is too long");
        // Never echoed: the messages name the rule, not the value.
        RuleFor(r => r.Passcode).NotEmpty().WithMessage("is required").MaximumLength(1024).WithMessage("is too long");
    }
}

public sealed class SessionValidateRequestValidator : AbstractValidator<SessionValidateRequest>
{
    public SessionValidateRequestValidator() => RuleFor(r => r.SessionGuid).NotEmpty().WithMessage("is required").MaximumLength(256).WithMessage("is too long");
}

public sealed class SessionKeyRequestValidator : AbstractValidator<SessionKeyRequest>
{
    public SessionKeyRequestValidator() => RuleFor(r => r.SessionId).ValidSessionId().When(r => r.SessionId is not null);
}

public sealed class ListSessionsRequestValidator : AbstractValidator<ListSessionsRequest>
{
    public ListSessionsRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.UserGuid).ValidGuid().When(r => r.UserGuid is not null);
    }
}

public sealed class LogoutEverywhereRequestValidator : AbstractValidator<LogoutEverywhereRequest>
{
    public LogoutEverywhereRequestValidator() => RuleFor(r => r.UserGuid).ValidGuid().When(r => r.UserGuid is not null);
}
