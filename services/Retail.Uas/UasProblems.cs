using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Problems;

namespace Retail.Uas;

/// <summary>UAS's own stable error codes. None of them repeats a passcode or a token.</summary>
public static class UasProblems
{
    public const string InvalidToken = "invalid_token";
    public const string TokenExpired = "token_expired";
    public const string InvalidCredentials = "invalid_credentials";
    public const string PasscodeReused = "passcode_reused";
    public const string UserNotVerified = "user_not_verified";
    public const string RawCardDataRefused = "raw_card_data_refused";

    public static ProblemHttpResult TokenInvalid() =>
        ApiProblem.Business(InvalidToken, "The token is not valid.", "The token is wrong, was already used, or was replaced by a newer one.");

    public static ProblemHttpResult TokenHasExpired() =>
        ApiProblem.Business(TokenExpired, "The token has expired.", "Ask for a new one.");

    public static ProblemHttpResult CredentialsInvalid() =>
        ApiProblem.Business(InvalidCredentials, "The current passcode is not correct.");

    public static ProblemHttpResult Reused(int window) =>
        ApiProblem.Business(PasscodeReused, "The passcode was used recently.",
            $"Choose a passcode different from your last {window}.");

    public static ProblemHttpResult NotVerified() =>
        ApiProblem.Business(UserNotVerified, "The user has not verified their e-mail address.");

    public static ProblemHttpResult RawCardData(string field) =>
        ApiProblem.Create(StatusCodes.Status400BadRequest, RawCardDataRefused, "Raw card data is refused.",
            "Send the payment provider's token for the card, never the card number.", [new("field", field)]);
}
