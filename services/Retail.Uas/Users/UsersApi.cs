using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared;
using Retail.Shared.Contract;
using Retail.Shared.Notifications;
using Retail.Shared.Problems;
using Retail.Shared.Records;
using Retail.Uas.Tokens;

namespace Retail.Uas.Users;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsers(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/user").WithTags("Users");
        users.MapPost("/create", CreateUser).AllowAnonymousCaller().AsWrite()
            .WithSummary("Sign up with an e-mail address; a verification token is mailed.");
        users.MapPost("/get", GetUser).RequireAuthenticated()
            .WithSummary("Read a user by user_guid or email (neither: the signed-in user): the user themself or the operator.");
        users.MapPost("/verify", VerifyUser).AllowAnonymousCaller().AsWrite()
            .WithSummary("Verify the e-mail address with the mailed token; answers a short-lived passcode_token.");
        users.MapPost("/verification/resend", ResendVerification).AllowAnonymousCaller().AsWrite()
            .WithSummary("Mail a new verification token (the old one stops working); rate limited.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return users;
    }

    public static async Task<Results<Created<UserResponse>, ProblemHttpResult>> CreateUser(CreateUserRequest request,
        RecordStore<User> users, VerificationMailer mailer, TimeProvider clock, CancellationToken ct)
    {
        var email = EmailAddress.Normalise(request.Email);
        var user = new User { UserGuid = Ids.New(), Email = email, Status = UserStatus.PendingVerification };
        var write = await users.CreateAsync(null, user,
            [new DomainEvent(UasEvents.UserCreated, new UserCreated(user.UserGuid, email, clock.GetUtcNow()))], ct);
        if (write.Outcome == RecordWriteOutcome.Duplicate)
        {
            return ApiProblem.Duplicate("A user with this e-mail address exists.");
        }
        var created = write.Record!;
        // The sign-up mail counts against the resend rate, so create + resend cannot be used to flood a mailbox.
        await mailer.SendVerificationAsync(created, countAgainstRate: true, ct);
        return TypedResults.Created((string?)null, UserResponse.From(created));
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUser(GetUserRequest request, RecordStore<User> users,
        RequestContext context, CancellationToken ct)
    {
        Loaded<User>? loaded;
        if (!string.IsNullOrEmpty(request.Email))
        {
            loaded = await users.FindAsync(null, "email", EmailAddress.Normalise(request.Email), ct);
        }
        else if (UserAccess.SubjectOf(context.Principal, request.UserGuid) is { } userGuid)
        {
            loaded = await users.GetAsync(null, userGuid, ct: ct);
        }
        else
        {
            return UserAccess.SubjectRequired();
        }
        if (loaded is null || !UserAccess.MayActOn(context.Principal, loaded.Record.UserGuid))
        {
            return ApiProblem.NotFound("No such user.");
        }
        return TypedResults.Ok(UserResponse.From(loaded.Record));
    }

    public static async Task<Results<Ok<VerifyUserResponse>, ProblemHttpResult>> VerifyUser(VerifyUserRequest request,
        RecordStore<User> users, TokenVault tokens, IOptions<UasOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var loaded = await users.FindAsync(null, "email", EmailAddress.Normalise(request.Email), ct);
        if (loaded is null)
        {
            return UasProblems.TokenInvalid();
        }
        var (check, claim) = await tokens.CheckAsync(TokenPurpose.Verification, loaded.Record.UserGuid, request.Token!, ct);
        switch (check)
        {
            case TokenCheck.Expired:
                return UasProblems.TokenHasExpired();
            case TokenCheck.Invalid:
                return UasProblems.TokenInvalid();
        }
        if (!await tokens.RedeemAsync(claim!, ct))
        {
            return UasProblems.TokenInvalid();
        }
        var verified = await MarkVerifiedAsync(users, loaded, clock, ct);
        var (passcodeToken, expiresAt) = await tokens.IssueAsync(TokenPurpose.PasscodeSet, verified.UserGuid,
            options.Value.PasscodeTokenLifetime, ct);
        return TypedResults.Ok(new VerifyUserResponse(UserResponse.From(verified), passcodeToken, expiresAt));
    }

    public static async Task<Results<Ok<MailAccepted>, ProblemHttpResult>> ResendVerification(ResendVerificationRequest request,
        RecordStore<User> users, MailThrottle throttle, VerificationMailer mailer, HttpResponse response, CancellationToken ct)
    {
        var email = EmailAddress.Normalise(request.Email);
        // Throttled by address before looking it up, so the answer is the same whether or not an account holds it.
        if (await throttle.TryAcquireAsync(TokenPurpose.Verification, email, ct) is { } wait)
        {
            return RateLimited(response, wait);
        }
        var loaded = await users.FindAsync(null, "email", email, ct);
        if (loaded is { Record.Status: UserStatus.PendingVerification })
        {
            await mailer.SendVerificationAsync(loaded.Record, countAgainstRate: false, ct);
        }
        return TypedResults.Ok(MailAccepted.Instance);
    }

    internal static ProblemHttpResult RateLimited(HttpResponse response, TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(wait.TotalSeconds);
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiProblem.RateLimited(wait);
    }

    /// <summary>The token is spent by now, so a concurrent change of the user must not undo the verification: retry on a stale revision.</summary>
    private static async Task<User> MarkVerifiedAsync(RecordStore<User> users, Loaded<User> loaded, TimeProvider clock, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (loaded.Record.Status == UserStatus.Verified)
            {
                return loaded.Record;
            }
            var next = loaded.Record with { Status = UserStatus.Verified, VerifiedAt = clock.GetUtcNow() };
            var write = await users.UpdateAsync(null, loaded, next, "status_changed",
                [new DomainEvent(UasEvents.UserVerified, new UserVerified(next.UserGuid, next.Email, next.VerifiedAt.Value))], ct);
            if (write.Succeeded)
            {
                return write.Record!;
            }
            if (attempt >= 4)
            {
                throw new InvalidOperationException("the user kept changing while being verified");
            }
            loaded = await users.GetAsync(null, loaded.Record.UserGuid, ct: ct)
                ?? throw new InvalidOperationException("the user disappeared while being verified");
        }
    }
}
