using Retail.Shared.Notifications;
using Retail.Uas.Tokens;

namespace Retail.Uas.Users;

/// <summary>Issues a fresh verification token (replacing any earlier one) and mails it.</summary>
public sealed class VerificationMailer(TokenVault tokens, MailThrottle throttle, INotifier notifier, IOptions<UasOptions> options)
{
    public async Task SendVerificationAsync(User user, bool countAgainstRate, CancellationToken ct)
    {
        if (countAgainstRate)
        {
            await throttle.TryAcquireAsync(TokenPurpose.Verification, user.Email, ct);
        }
        var lifetime = options.Value.VerificationTokenLifetime;
        var (token, expiresAt) = await tokens.IssueAsync(TokenPurpose.Verification, user.UserGuid, lifetime, ct);
        await notifier.SendAsync(new MailMessage(user.Email, "Verify your e-mail address",
            $"Use this code to verify your e-mail address. It expires at {expiresAt:u}.", token), ct);
    }

    public async Task SendResetAsync(User user, CancellationToken ct)
    {
        var (token, expiresAt) = await tokens.IssueAsync(TokenPurpose.PasscodeReset, user.UserGuid, options.Value.ResetTokenLifetime, ct);
        await notifier.SendAsync(new MailMessage(user.Email, "Reset your passcode",
            $"Use this code to choose a new passcode. It expires at {expiresAt:u}. If you did not ask for it, ignore this mail.", token), ct);
    }
}
