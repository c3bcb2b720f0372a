namespace Retail.Shared.Notifications;

/// <summary>Transactional mail (verification, passcode reset): a Dapr SMTP binding, or .eml files in the host's mailbox.</summary>
public interface INotifier
{
    Task SendAsync(MailMessage message, CancellationToken cancellationToken = default);
}

/// <param name="Token">Written on its own line as <c>token: value</c> so a client (or a test) can read it back.</param>
public sealed record MailMessage(string To, string Subject, string Body, string? Token = null);
