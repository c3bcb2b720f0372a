using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;
using Retail.Shared.Notifications;

namespace Retail.Shared.Embedded;

/// <summary>
/// The host's mail: each message is an RFC 5322 <c>.eml</c> file under <c>{DataDir}/mailbox/</c>, as a local mail
/// catcher keeps them, with the token on its own line as <c>token: value</c>. Written to a temp name and renamed,
/// so a reader never sees half a message.
/// </summary>
public sealed class MailboxNotifier(IOptions<RetailOptions> options, TimeProvider clock) : INotifier
{
    public async Task SendAsync(MailMessage message, CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(options.Value.FullDataDir, "mailbox");
        Directory.CreateDirectory(folder);
        var now = clock.GetUtcNow();
        var id = Ids.NewGuid().ToString("N");
        var text = new StringBuilder()
            .Append("Message-ID: <").Append(id).Append("@retail.local>\r\n")
            .Append("Date: ").Append(now.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("From: Retail <no-reply@retail.local>\r\n")
            .Append("To: <").Append(message.To).Append(">\r\n")
            .Append("Subject: ").Append(message.Subject.ReplaceLineEndings(" ")).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append("\r\n")
            .Append(message.Body.ReplaceLineEndings("\r\n")).Append("\r\n");
        if (message.Token is not null)
        {
            text.Append("\r\ntoken: ").Append(message.Token).Append("\r\n");
        }
        var name = $"{now:yyyyMMddTHHmmssfff}-{id}.eml";
        var temp = Path.Combine(folder, "." + name + ".tmp");
        await File.WriteAllTextAsync(temp, text.ToString(), cancellationToken);
        File.Move(temp, Path.Combine(folder, name));
    }
}
