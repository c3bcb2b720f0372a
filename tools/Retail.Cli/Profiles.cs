using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retail.Cli;

/// <summary>One place the CLI talks to: a host or gateway URL, a credential (an API key or a session), and a default org.</summary>
public sealed record Profile
{
    public string? Url { get; init; }

    public string? ApiKey { get; init; }

    public string? SessionGuid { get; init; }

    public string? Email { get; init; }

    public string? Org { get; init; }
}

/// <summary>What <c>profiles.json</c> holds: the profiles by name and the one used when <c>--profile</c> is not given.</summary>
public sealed record ProfileFile
{
    public string? Current { get; init; }

    public SortedDictionary<string, Profile> Profiles { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// <c>profiles.json</c> in <c>$RETAIL_CONFIG_DIR</c> or <c>~/.config/retail</c>. It holds keys and sessions, so it is written owner-only
/// (0600, in a 0700 folder) and replaced whole through a temporary file, so a crash never leaves half a file or a readable copy.
/// </summary>
public sealed class ProfileStore(string directory)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string Directory { get; } = directory;

    public string FilePath => Path.Combine(Directory, "profiles.json");

    /// <summary>The folder the environment names: <c>$RETAIL_CONFIG_DIR</c>, else <c>~/.config/retail</c>.</summary>
    public static string DefaultDirectory() =>
        Environment.GetEnvironmentVariable("RETAIL_CONFIG_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "retail");

    public ProfileFile Load()
    {
        if (!File.Exists(FilePath))
        {
            return new ProfileFile();
        }
        return JsonSerializer.Deserialize<ProfileFile>(File.ReadAllText(FilePath), Json) ?? new ProfileFile();
    }

    public void Save(ProfileFile file)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temporary = FilePath + $".{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, file, Json);
        }
        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode is filtered by the umask and ignored for a file left over from a crash: set the mode outright.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, FilePath, overwrite: true);
    }
}
