using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Problems;
using Retail.Shared.Records;
using Retail.Uas.Tokens;
using Retail.Uas.Users;

namespace Retail.Uas.Passcodes;

/// <summary>
/// The steps every passcode change shares: refuse a recently used passcode, spend the token that allowed the
/// change (if any), store the new hash under its ETag, and record <c>passcode.changed</c> on the user.
/// </summary>
public sealed class PasscodeChanger(PasscodeVault vault, PasscodeHasher hasher, TokenVault tokens, RecordStore<User> users,
    TimeProvider clock, IOptions<UasOptions> options)
{
    public async Task<Results<Ok<UserResponse>, ProblemHttpResult>> ChangeAsync(Loaded<User> user, string passcode, string reason,
        TokenClaim? claim, LoadedCredential credential, CancellationToken ct)
    {
        var window = options.Value.PasscodeReuseWindow;
        if (PasscodeCredential.RecentHashes(credential.Credential, window).Any(hash => hasher.Verify(passcode, hash)))
        {
            return UasProblems.Reused(window);
        }
        if (claim is not null && !await tokens.RedeemAsync(claim, ct))
        {
            return UasProblems.TokenInvalid();
        }
        var guid = user.Record.UserGuid;
        var now = clock.GetUtcNow();
        var next = PasscodeCredential.Rotate(credential.Credential, hasher.Hash(passcode), window, now);
        if (!await vault.TrySaveAsync(guid, next, credential.ETag, ct))
        {
            return ApiProblem.Create(StatusCodes.Status409Conflict, "concurrent_change", "The passcode was changed at the same time.",
                "Another change of this passcode was made meanwhile; start again.");
        }
        // A reset link issued before the change must not undo it later.
        await tokens.RevokeAsync(TokenPurpose.PasscodeReset, guid, ct);
        return TypedResults.Ok(UserResponse.From(await MarkChangedAsync(user, reason, now, ct)));
    }

    private async Task<User> MarkChangedAsync(Loaded<User> loaded, string reason, DateTimeOffset at, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var write = await users.UpdateAsync(null, loaded, loaded.Record with { PasscodeChangedAt = at }, "updated",
                [new DomainEvent(UasEvents.PasscodeChanged, new PasscodeChanged(loaded.Record.UserGuid, reason, at))], ct);
            if (write.Succeeded)
            {
                return write.Record!;
            }
            if (attempt >= 4)
            {
                throw new InvalidOperationException("the user kept changing while its passcode was recorded");
            }
            loaded = await users.GetAsync(null, loaded.Record.UserGuid, ct: ct)
                ?? throw new InvalidOperationException("the user disappeared while its passcode was recorded");
        }
    }
}
