using System.Text.Json;
using Retail.Shared.Json;

namespace Retail.Usm.Sessions;

/// <summary>
/// UAS's <c>passcode.changed</c>: a changed or reset passcode ends the user's sessions begun before it, so whoever
/// knew the old passcode is signed out. A late redelivery cannot end sessions begun after the change.
/// </summary>
public static class PasscodeChangeSubscriber
{
    public const string Topic = "passcode.changed";

    public static async Task<Results<Ok<SessionsClosedResponse>, BadRequest>> OnPasscodeChanged(HttpContext http, SessionCloser closer, CancellationToken ct)
    {
        PasscodeChangedEvent? changed;
        try
        {
            changed = await JsonSerializer.DeserializeAsync<PasscodeChangedEvent>(http.Request.Body, RetailJson.Storage, ct);
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest();
        }
        if (changed?.UserGuid is not { } userGuid || changed.ChangedAt is not { } at)
        {
            return TypedResults.BadRequest();
        }
        if (changed.Reason is not ("change" or "reset"))
        {
            return TypedResults.Ok(new SessionsClosedResponse(0));
        }
        return TypedResults.Ok(new SessionsClosedResponse(await closer.CloseAllAsync(userGuid, null, "passcode_changed", ct, createdBefore: at)));
    }

    private sealed record PasscodeChangedEvent(string? UserGuid, string? Reason, DateTimeOffset? ChangedAt);
}
