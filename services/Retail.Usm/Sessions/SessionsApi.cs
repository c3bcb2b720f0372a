using Retail.Shared.Invocation;
using Retail.Shared.State;

namespace Retail.Usm.Sessions;

public static class SessionsApi
{
    public static RouteGroupBuilder MapSessions(this IEndpointRouteBuilder routes)
    {
        var sessions = routes.MapGroup("/session").WithTags("Sessions");
        // Sign-in answers a secret, so it is not replayed from the idempotency store (which would have to keep it).
        sessions.MapPost("/create", CreateSession).AllowAnonymousCaller()
            .WithSummary("Sign in with e-mail and passcode; answers the session secret once. Failed attempts per e-mail are rate limited.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        // Holding the secret is the proof; the answer tells nothing its holder does not already have.
        sessions.MapPost("/validate", ValidateSession).AllowAnonymousCaller()
            .WithSummary("Check a session secret: who it belongs to and until when, or valid false.");
        sessions.MapPost("/get", GetSession).RequireAuthenticated()
            .WithSummary("Read one of your sessions (default: the current one).");
        sessions.MapPost("/list", ListSessions).RequireAuthenticated()
            .WithSummary("List your open sessions (the operator names the user).");
        sessions.MapPost("/close", CloseSession).RequireAuthenticated().AsWrite()
            .WithSummary("Close one of your sessions (default: the current one).");
        sessions.MapPost("/logout_other_devices", LogoutOtherDevices).RequireAuthenticated().AsWrite()
            .WithSummary("Close all your sessions but the current one.");
        sessions.MapPost("/logout_everywhere", LogoutEverywhere).RequireAuthenticated().AsWrite()
            .WithSummary("Close all your sessions (the operator names the user).");
        return sessions;
    }

    public static async Task<Results<Created<SessionCreatedResponse>, ProblemHttpResult>> CreateSession(CreateSessionRequest request,
        RecordStore<Session> sessions, SignInThrottle throttle, IServiceInvoker invoker, IOptions<UsmOptions> options, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var response = http.Response;
        var email = request.Email!.Trim().ToLowerInvariant();
        var client = http.Connection.RemoteIpAddress?.ToString();
        if (await throttle.TryBeginAsync(email, client, ct) is { } wait)
        {
            return UsmProblems.RateLimited(response, wait);
        }
        InvocationResponse check;
        try
        {
            check = await invoker.InvokeAsync("uas", "passcode/verify", new PasscodeCheck(email, request.Passcode), cancellationToken: ct);
        }
        catch (DependencyUnavailableException)
        {
            return ApiProblem.DependencyUnavailable("uas");
        }
        if (check.StatusCode >= 500 || check.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return ApiProblem.DependencyUnavailable("uas");
        }
        if (!check.IsSuccess)
        {
            return UsmProblems.SignInFailed();
        }
        var user = check.ReadAs<PasscodeChecked>();
        await throttle.SucceededAsync(email, client, ct);

        var secret = CredentialFormats.NewSessionSecret();
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var session = new Session
        {
            SessionId = CredentialFormats.Hash(secret),
            UserGuid = user.UserGuid,
            Email = user.Email,
            Status = SessionStatus.Active,
            ExpiresAt = now + settings.SessionAbsoluteLifetime,
            LastSeenAt = now,
        };
        var write = await sessions.CreateAsync(null, session,
            [new DomainEvent(IdentityEvents.SessionCreated, new SessionCreated(session.SessionId, session.UserGuid, now, session.ExpiresAt))], ct);
        if (!write.Succeeded)
        {
            throw new InvalidOperationException("a new session collided with an existing one");
        }
        var created = write.Record!;
        return TypedResults.Created((string?)null, new SessionCreatedResponse(secret, created.SessionId, created.UserGuid, created.ExpiresAt,
            SessionLifetime.EndsAt(created, settings.SessionIdleTimeout)));
    }

    public static async Task<Ok<SessionValidation>> ValidateSession(SessionValidateRequest request, RecordStore<Session> sessions,
        IOptions<UsmOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!CredentialFormats.LooksLikeSession(request.SessionGuid))
        {
            return TypedResults.Ok(SessionValidation.Invalid);
        }
        var idle = options.Value.SessionIdleTimeout;
        var loaded = await sessions.GetAsync(null, CredentialFormats.Hash(request.SessionGuid!), ct: ct);
        var now = clock.GetUtcNow();
        if (loaded is null || !SessionLifetime.IsLive(loaded.Record, now, idle))
        {
            return TypedResults.Ok(SessionValidation.Invalid);
        }
        var session = loaded.Record;
        if (SessionLifetime.ShouldTouch(session, now, idle))
        {
            // A lost race means another request touched it (or closed it: then the next check says so).
            var touched = await sessions.UpdateAsync(null, loaded, session with { LastSeenAt = now }, ct: ct);
            session = touched.Record ?? session;
        }
        return TypedResults.Ok(new SessionValidation(true, session.SessionId, session.UserGuid, session.Email, SessionLifetime.EndsAt(session, idle)));
    }

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> GetSession(SessionKeyRequest request, RecordStore<Session> sessions,
        RequestContext context, IOptions<UsmOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var loaded = await FindOwnAsync(request.SessionId, sessions, context, ct);
        return loaded is null
            ? ApiProblem.NotFound("No such session.")
            : TypedResults.Ok(SessionResponse.From(loaded.Record, clock.GetUtcNow(), options.Value.SessionIdleTimeout, CurrentSessionId(context)));
    }

    public static async Task<Results<Ok<SessionListResponse>, ProblemHttpResult>> ListSessions(ListSessionsRequest request,
        RecordStore<Session> sessions, RequestContext context, IOptions<UsmOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (SubjectOf(context.RequirePrincipal(), request.UserGuid) is not { } userGuid)
        {
            return ApiProblem.NotFound("No such user.");
        }
        List<StateFilter> filters = [StateFilter.Eq("user_guid", userGuid)];
        if (request.IncludeClosed != true)
        {
            filters.Add(StateFilter.Eq("status", "active"));
        }
        var page = await sessions.ListAsync(null, filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        var now = clock.GetUtcNow();
        var idle = options.Value.SessionIdleTimeout;
        var items = page.Items.Where(s => request.IncludeClosed == true || SessionLifetime.IsLive(s, now, idle))
            .Select(s => SessionResponse.From(s, now, idle, CurrentSessionId(context))).ToList();
        return TypedResults.Ok(new SessionListResponse(items, page.NextToken));
    }

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> CloseSession(SessionKeyRequest request, RecordStore<Session> sessions,
        SessionCloser closer, RequestContext context, IOptions<UsmOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var loaded = await FindOwnAsync(request.SessionId, sessions, context, ct);
        if (loaded is null)
        {
            return ApiProblem.NotFound("No such session.");
        }
        var closed = await closer.CloseAsync(loaded, "closed", ct);
        return TypedResults.Ok(SessionResponse.From(closed!, clock.GetUtcNow(), options.Value.SessionIdleTimeout, CurrentSessionId(context)));
    }

    public static async Task<Results<Ok<SessionsClosedResponse>, ProblemHttpResult>> LogoutOtherDevices(SessionCloser closer,
        RequestContext context, CancellationToken ct)
    {
        var principal = context.RequirePrincipal();
        if (principal.Kind != PrincipalKind.User || principal.CredentialId is null)
        {
            return ApiProblem.Forbidden("Only a signed-in user can log out their other devices.");
        }
        return TypedResults.Ok(new SessionsClosedResponse(await closer.CloseAllAsync(principal.Id, principal.CredentialId, "logout_other_devices", ct)));
    }

    public static async Task<Results<Ok<SessionsClosedResponse>, ProblemHttpResult>> LogoutEverywhere(LogoutEverywhereRequest request,
        SessionCloser closer, RequestContext context, CancellationToken ct)
    {
        if (SubjectOf(context.RequirePrincipal(), request.UserGuid) is not { } userGuid)
        {
            return ApiProblem.NotFound("No such user.");
        }
        return TypedResults.Ok(new SessionsClosedResponse(await closer.CloseAllAsync(userGuid, null, "logout_everywhere", ct)));
    }

    /// <summary>The user whose sessions the caller means: a user always themself, the operator or a service whoever they name.</summary>
    internal static string? SubjectOf(Principal principal, string? named) => principal.Kind switch
    {
        PrincipalKind.User when named is null || string.Equals(named, principal.Id, StringComparison.Ordinal) => principal.Id,
        PrincipalKind.Operator or PrincipalKind.Service => named,
        _ => null,
    };

    private static string? CurrentSessionId(RequestContext context) =>
        context.Principal is { Kind: PrincipalKind.User, CredentialId: var id } ? id : null;

    /// <summary>A session the caller may see: their own (by default the current one); another user's is not found, like a missing one.</summary>
    private static async Task<Loaded<Session>?> FindOwnAsync(string? sessionId, RecordStore<Session> sessions, RequestContext context, CancellationToken ct)
    {
        var principal = context.RequirePrincipal();
        var id = sessionId ?? CurrentSessionId(context);
        if (id is null)
        {
            return null;
        }
        var loaded = await sessions.GetAsync(null, id, ct: ct);
        var maySee = principal.Kind is PrincipalKind.Operator or PrincipalKind.Service
            || (principal.Kind == PrincipalKind.User && loaded?.Record.UserGuid == principal.Id);
        return maySee ? loaded : null;
    }
}

/// <summary>UAS's internal passcode check (its <c>/passcode/verify</c>).</summary>
internal sealed record PasscodeCheck(string Email, string? Passcode);

internal sealed record PasscodeChecked(string UserGuid, string Email);
