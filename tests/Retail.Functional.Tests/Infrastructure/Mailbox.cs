namespace Retail.Functional.Tests.Infrastructure;

/// <summary>Reads the host's mailbox folder the way a person reads a local mail catcher.</summary>
public sealed class Mailbox(string folder)
{
    public IReadOnlyList<string> MessagesTo(string email) =>
        !Directory.Exists(folder)
            ? []
            : Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal)
                .Select(File.ReadAllText)
                .Where(text => text.Contains($"To: <{email.Trim().ToLowerInvariant()}>", StringComparison.OrdinalIgnoreCase))
                .ToList();

    /// <summary>The token of the newest message to <paramref name="email"/> (its <c>token: value</c> line).</summary>
    public string LatestTokenFor(string email) =>
        MessagesTo(email).Select(TokenOf).LastOrDefault(t => t is not null)
        ?? throw new InvalidOperationException($"no mail with a token was sent to {email}");

    public static string? TokenOf(string message) =>
        message.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("token: ", StringComparison.Ordinal))
            .Select(l => l["token: ".Length..]).LastOrDefault();
}
