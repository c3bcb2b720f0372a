using System.Security.Cryptography;
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
