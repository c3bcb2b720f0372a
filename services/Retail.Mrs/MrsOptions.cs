using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;

namespace Retail.Mrs;

/// <summary>Configuration section <c>Mrs</c>.</summary>
public sealed class MrsOptions
{
    public const string Section = "Mrs";

    /// <summary>Largest gzip body an upload may send; the signed upload URL takes up to this, whatever the API's own body limit.</summary>
    public long MaxUploadBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Largest body a gzip upload may expand to; beyond it the upload is refused at complete.</summary>
    public long MaxDecompressedBytes { get; set; } = 16 * 1024 * 1024;

    public int MaxInlineBytes { get; set; } = 64 * 1024;

    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The key that signs upload and download URLs. When unset, one is made on first start in <c>{DataDir}/mrs-url.key</c>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Where clients reach MRS (for example the gateway's <c>https://api.example.com/mrs</c>); defaults to the request's own address.</summary>
    public string? PublicBaseUrl { get; set; }

    public string BlobBindingName { get; set; } = "blobstore";

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the attachments of a redacted comment are kept before they expire and are swept.</summary>
    public TimeSpan CommentAttachmentRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// Refuses, at start, settings that would make MRS misbehave quietly: a zero lifetime signs URLs born expired, a
/// non-positive limit refuses every upload, a relative public URL hands clients links they cannot follow.
/// </summary>
public sealed class MrsOptionsValidator : IValidateOptions<MrsOptions>
{
    /// <summary>Longer-lived signed URLs are bearer tokens nobody can revoke; a week is already generous.</summary>
    public static readonly TimeSpan MaxUrlLifetime = TimeSpan.FromDays(7);

    public ValidateOptionsResult Validate(string? name, MrsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Positive(errors, nameof(options.MaxUploadBytes), options.MaxUploadBytes);
        Positive(errors, nameof(options.MaxDecompressedBytes), options.MaxDecompressedBytes);
        Positive(errors, nameof(options.MaxInlineBytes), options.MaxInlineBytes);
        Lifetime(errors, nameof(options.UploadUrlLifetime), options.UploadUrlLifetime);
        Lifetime(errors, nameof(options.DownloadUrlLifetime), options.DownloadUrlLifetime);
        if (options.SweepInterval <= TimeSpan.Zero)
        {
            errors.Add($"{MrsOptions.Section}:{nameof(options.SweepInterval)} must be positive");
        }
        if (options.CommentAttachmentRetention <= TimeSpan.Zero)
        {
            errors.Add($"{MrsOptions.Section}:{nameof(options.CommentAttachmentRetention)} must be positive");
        }
        if (options.PublicBaseUrl is { } url
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            errors.Add($"{MrsOptions.Section}:{nameof(options.PublicBaseUrl)} must be an absolute http or https URL");
        }
        if (string.IsNullOrWhiteSpace(options.BlobBindingName))
        {
            errors.Add($"{MrsOptions.Section}:{nameof(options.BlobBindingName)} is required");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string name, long value)
    {
        if (value <= 0)
        {
            errors.Add($"{MrsOptions.Section}:{name} must be positive");
        }
    }

    private static void Lifetime(List<string> errors, string name, TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1) || value > MaxUrlLifetime)
        {
            errors.Add($"{MrsOptions.Section}:{name} must be between one second and {MaxUrlLifetime.TotalDays:0} days");
        }
    }
}

/// <summary>The HMAC key of signed URLs, from configuration or a generated owner-only file (like the operator key).</summary>
public sealed class UrlSigningKey(MrsOptions options, RetailOptions retail)
{
    private readonly Lazy<byte[]> _key = new(() => Load(options, retail));

    public byte[] Bytes => _key.Value;

    private static byte[] Load(MrsOptions options, RetailOptions retail)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return System.Text.Encoding.UTF8.GetBytes(options.SigningKey);
        }
        var path = Path.Combine(retail.FullDataDir, "mrs-url.key");
        if (File.Exists(path))
        {
            return Convert.FromHexString(File.ReadAllText(path).Trim());
        }
        Directory.CreateDirectory(retail.FullDataDir);
        var key = RandomNumberGenerator.GetBytes(32);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using var writer = new StreamWriter(path, fileOptions);
            writer.Write(Convert.ToHexString(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first; use theirs.
            return Convert.FromHexString(File.ReadAllText(path).Trim());
        }
        return key;
    }
}
