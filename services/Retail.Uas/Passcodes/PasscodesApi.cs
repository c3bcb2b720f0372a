using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Contract;
using Retail.Shared.Records;
using Retail.Uas.Tokens;
using Retail.Uas.Users;

namespace Retail.Uas.Passcodes;

public static class PasscodesApi
{
    public static RouteGroupBuilder MapPasscodes(this IEndpointRouteBuilder routes)
    {
        var passcodes = routes.MapGroup("/passcode").WithTags("Passcodes");
        passcodes.MapPost("/set", SetPasscode).AllowAnonymousCaller().AsWrite()
            .WithSummary("Set the first passcode (passcode_token) or change it (current_passcode).")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        passcodes.MapPost("/reset/request", RequestReset).AllowAnonymousCaller().AsWrite()
            .WithSummary("Mail a passcode reset token; the same answer whether or not the address has an account.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        passcodes.MapPost("/reset/complete", CompleteReset).AllowAnonymousCaller().AsWrite()
            .WithSummary("Choose a new passcode with the mailed reset token.");
        // USM's sign-in check; never open to outside callers, who would get a passcode oracle without USM's throttle.
        passcodes.MapPost("/verify", VerifyPasscode).RequireInternal()
            .WithSummary("Internal: the user a correct passcode belongs to (verified accounts only); one answer for every failure.");
        return passcodes;
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> SetPasscode(SetPasscodeRequest request, RecordStore<User> users,
        TokenVault tokens, PasscodeVault vault, PasscodeHasher hasher, PasscodeChanger changer, PasscodeGuessGuard guard,
        HttpResponse response, CancellationToken ct)
    {
        var byToken = !string.IsNullOrEmpty(request.PasscodeToken);
        var user = await users.FindAsync(null, "email", EmailAddress.Normalise(request.Email), ct);
        if (user is null)
        {
            return byToken ? UasProblems.TokenInvalid() : UasProblems.CredentialsInvalid();
        }
        var credential = await vault.GetAsync(user.Record.UserGuid, ct);
        TokenClaim? claim = null;
        if (byToken)
        {
            var (check, found) = await tokens.CheckAsync(TokenPurpose.PasscodeSet, user.Record.UserGuid, request.PasscodeToken!, ct);
            if (check != TokenCheck.Valid)
            {
                return check == TokenCheck.Expired ? UasProblems.TokenHasExpired() : UasProblems.TokenInvalid();
            }
            claim = found;
        }
        else
        {
            // Counted before the passcode is checked, so concurrent guesses cannot slip past the limit together.
            if (await guard.TryBeginAttemptAsync(user.Record.UserGuid, ct) is { } wait)
            {
                return UsersApi.RateLimited(response, wait);
            }
            if (credential.Credential is null || !hasher.Verify(request.CurrentPasscode!, credential.Credential.CurrentHash))
            {
                return UasProblems.CredentialsInvalid();
            }
            await guard.ResetAsync(user.Record.UserGuid, ct);
        }
        return await changer.ChangeAsync(user, request.Passcode!, byToken ? "first_set" : "change", claim, credential, ct);
    }

    public static async Task<Results<Ok<MailAccepted>, ProblemHttpResult>> RequestReset(RequestPasscodeResetRequest request,
        RecordStore<User> users, MailThrottle throttle, VerificationMailer mailer, HttpResponse response, CancellationToken ct)
    {
        var email = EmailAddress.Normalise(request.Email);
        if (await throttle.TryAcquireAsync(TokenPurpose.PasscodeReset, email, ct) is { } wait)
        {
            return UsersApi.RateLimited(response, wait);
        }
        var user = await users.FindAsync(null, "email", email, ct);
        if (user is { Record.Status: UserStatus.Verified })
        {
            await mailer.SendResetAsync(user.Record, ct);
        }
        return TypedResults.Ok(MailAccepted.Instance);
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> CompleteReset(CompletePasscodeResetRequest request,
        RecordStore<User> users, TokenVault tokens, PasscodeVault vault, PasscodeChanger changer, CancellationToken ct)
    {
        var user = await users.FindAsync(null, "email", EmailAddress.Normalise(request.Email), ct);
        if (user is null)
        {
            return UasProblems.TokenInvalid();
        }
        var (check, claim) = await tokens.CheckAsync(TokenPurpose.PasscodeReset, user.Record.UserGuid, request.Token!, ct);
        if (check != TokenCheck.Valid)
        {
            return check == TokenCheck.Expired ? UasProblems.TokenHasExpired() : UasProblems.TokenInvalid();
        }
        var credential = await vault.GetAsync(user.Record.UserGuid, ct);
        return await changer.ChangeAsync(user, request.Passcode!, "reset", claim, credential, ct);
    }

    /// <summary>
    /// The user a correct passcode belongs to, for a verified account. Every failure (unknown e-mail, unverified, no
    /// passcode, wrong passcode) is the same answer after the same Argon2 work, so neither words nor timing tell them apart.
    /// </summary>
    public static async Task<Results<Ok<PasscodeVerified>, ProblemHttpResult>> VerifyPasscode(VerifyPasscodeRequest request,
        RecordStore<User> users, PasscodeVault vault, PasscodeHasher hasher, CancellationToken ct)
    {
        var user = await users.FindAsync(null, "email", EmailAddress.Normalise(request.Email), ct);
        var credential = user is null ? null : (await vault.GetAsync(user.Record.UserGuid, ct)).Credential;
        var matches = hasher.Verify(request.Passcode!, credential?.CurrentHash ?? hasher.DecoyHash);
        if (!matches || credential is null || user is not { Record.Status: UserStatus.Verified })
        {
            return UasProblems.CredentialsInvalid();
        }
        return TypedResults.Ok(new PasscodeVerified(user.Record.UserGuid, user.Record.Email));
    }
}
