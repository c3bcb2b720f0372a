namespace Retail.Uas.Passcodes;

/// <summary>A user's current passcode hash and the hashes before it, newest first, for the reuse window.</summary>
public sealed record PasscodeCredential(string CurrentHash, IReadOnlyList<string> PreviousHashes, DateTimeOffset ChangedAt)
{
    /// <summary>The hashes a new passcode may not match: the current one and the previous ones, <paramref name="window"/> in all.</summary>
    public static IEnumerable<string> RecentHashes(PasscodeCredential? credential, int window) =>
        credential is null ? [] : new[] { credential.CurrentHash }.Concat(credential.PreviousHashes).Take(Math.Max(window, 1));

    /// <summary>The credential after a change: the new hash is current and the old one joins the history, trimmed to the window.</summary>
    public static PasscodeCredential Rotate(PasscodeCredential? credential, string newHash, int window, DateTimeOffset now) =>
        new(newHash, RecentHashes(credential, window).Take(Math.Max(window - 1, 0)).ToList(), now);
}
