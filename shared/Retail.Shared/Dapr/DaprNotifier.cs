using System.Net;
using System.Text;
using Dapr;
using Dapr.Client;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Notifications;

namespace Retail.Shared.Dapr;

/// <summary>
/// Transactional mail through a Dapr SMTP output binding (<c>bindings.smtp</c>, operation <c>create</c>). The binding
/// always sends its body as <c>text/html</c>, so the plain text is escaped and kept in a <c>&lt;pre&gt;</c> block: its
/// lines stay lines in a mail client, and the <c>token: …</c> line stays a line of its own for whoever extracts it.
/// </summary>
public sealed class DaprNotifier(DaprClient dapr, RetailOptions options) : INotifier
{
    private readonly string bindingName = options?.MailBindingName ?? throw new ArgumentNullException(nameof(options));

    public async Task SendAsync(MailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = new BindingRequest(bindingName, "create") { Data = Encoding.UTF8.GetBytes(Html(Body(message))) };
        request.Metadata["emailTo"] = message.To;
        request.Metadata["subject"] = message.Subject;
        try
        {
            await dapr.InvokeBindingAsync(request, cancellationToken);
        }
        catch (DaprException ex)
        {
            throw new DependencyUnavailableException(bindingName, ex);
        }
    }

    internal static string Html(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(line => WebUtility.HtmlEncode(line));
        return "<!DOCTYPE html>\n<html><body>\n<pre style=\"font-family: inherit; white-space: pre-wrap\">\n"
            + string.Join("\n", lines)
            + "\n</pre>\n</body></html>\n";
    }

    internal static string Body(MailMessage message)
    {
        if (message.Token is null)
        {
            return message.Body;
        }
        var tokenLine = "token: " + message.Token;
        return message.Body.Split('\n').Any(line => line.TrimEnd('\r') == tokenLine)
            ? message.Body
            : message.Body.TrimEnd() + "\n\n" + tokenLine + "\n";
    }
}
