using Retail.Shared.Hosting;

namespace Retail.Mrs.Tests;

/// <summary>Settings that would make MRS misbehave quietly stop the start, naming the setting.</summary>
public sealed class OptionsTests
{
    private static readonly MrsOptionsValidator Validator = new();

    [Fact]
    public void the_defaults_are_valid() => Assert.True(Validator.Validate(null, new MrsOptions()).Succeeded);

    [Fact]
    public void a_public_base_url_with_https_is_valid() =>
        Assert.True(Validator.Validate(null, new MrsOptions { PublicBaseUrl = "https://api.example.com/mrs" }).Succeeded);

    public static TheoryData<string, MrsOptions> Wrong => new()
    {
        { "Mrs:MaxUploadBytes", new MrsOptions { MaxUploadBytes = 0 } },
        { "Mrs:MaxDecompressedBytes", new MrsOptions { MaxDecompressedBytes = -1 } },
        { "Mrs:MaxInlineBytes", new MrsOptions { MaxInlineBytes = 0 } },
        { "Mrs:UploadUrlLifetime", new MrsOptions { UploadUrlLifetime = TimeSpan.Zero } },
        { "Mrs:DownloadUrlLifetime", new MrsOptions { DownloadUrlLifetime = TimeSpan.FromDays(30) } },
        { "Mrs:SweepInterval", new MrsOptions { SweepInterval = TimeSpan.Zero } },
        { "Mrs:PublicBaseUrl", new MrsOptions { PublicBaseUrl = "/mrs" } },
        { "Mrs:PublicBaseUrl", new MrsOptions { PublicBaseUrl = "ftp://files.example.com/mrs" } },
        { "Mrs:BlobBindingName", new MrsOptions { BlobBindingName = " " } },
    };

    [Theory]
    [MemberData(nameof(Wrong))]
    public void a_wrong_setting_is_refused_by_name(string setting, MrsOptions options)
    {
        var result = Validator.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(setting + " ", StringComparison.Ordinal));
    }
}

/// <summary>The signing key comes from configuration, or is made once and kept owner-only in the data folder.</summary>
public sealed class SigningKeyTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));

    private RetailOptions Retail => new() { DataDir = _dataDir };

    [Fact]
    public void a_configured_key_is_used_as_given() =>
        Assert.Equal("configured"u8.ToArray(), new UrlSigningKey(new MrsOptions { SigningKey = "configured" }, Retail).Bytes);

    [Fact]
    public void without_one_a_key_is_made_once_and_read_back_by_the_next_start()
    {
        var first = new UrlSigningKey(new MrsOptions(), Retail).Bytes;
        var second = new UrlSigningKey(new MrsOptions(), Retail).Bytes;

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        var file = Path.Combine(_dataDir, "mrs-url.key");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
