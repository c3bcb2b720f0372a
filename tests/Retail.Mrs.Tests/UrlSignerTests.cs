using Microsoft.Extensions.Time.Testing;
using Retail.Mrs.Records;
using Retail.Shared.Hosting;

namespace Retail.Mrs.Tests;

/// <summary>A signed URL authorises exactly one operation on one record of one org, until it expires.</summary>
public sealed class UrlSignerTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-28T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private UrlSigner Signer(string key = "a-signing-key-of-enough-length-for-tests") =>
        new(new UrlSigningKey(new MrsOptions { SigningKey = key }, new RetailOptions()), _clock);

    [Fact]
    public void a_signature_verifies_for_what_it_signed()
    {
        var signer = Signer();
        var (expires, signature) = signer.Sign(UrlSigner.Download, "acme", "rec-1", TimeSpan.FromMinutes(15));

        Assert.True(signer.Verify(UrlSigner.Download, "acme", "rec-1", Text(expires), signature));
    }

    [Fact]
    public void it_does_not_verify_for_another_operation_org_record_or_expiry()
    {
        var signer = Signer();
        var (expires, signature) = signer.Sign(UrlSigner.Download, "acme", "rec-1", TimeSpan.FromMinutes(15));

        Assert.False(signer.Verify(UrlSigner.Upload, "acme", "rec-1", Text(expires), signature));
        Assert.False(signer.Verify(UrlSigner.Download, "other", "rec-1", Text(expires), signature));
        Assert.False(signer.Verify(UrlSigner.Download, "acme", "rec-2", Text(expires), signature));
        Assert.False(signer.Verify(UrlSigner.Download, "acme", "rec-1", Text(expires + 3600), signature));
    }

    [Fact]
    public void another_key_does_not_accept_it()
    {
        var (expires, signature) = Signer().Sign(UrlSigner.Upload, "acme", "rec-1", TimeSpan.FromMinutes(15));
        Assert.False(Signer("another-key-entirely-different-from-the-first").Verify(UrlSigner.Upload, "acme", "rec-1", Text(expires), signature));
    }

    [Fact]
    public void it_stops_verifying_when_it_expires()
    {
        var signer = Signer();
        var (expires, signature) = signer.Sign(UrlSigner.Download, "acme", "rec-1", TimeSpan.FromMinutes(15));

        _clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.True(signer.Verify(UrlSigner.Download, "acme", "rec-1", Text(expires), signature));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(signer.Verify(UrlSigner.Download, "acme", "rec-1", Text(expires), signature));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1800000000")]
    [InlineData("1.8e9")]
    [InlineData("soon")]
    public void a_malformed_expiry_is_refused(string? expires)
    {
        var signer = Signer();
        var (_, signature) = signer.Sign(UrlSigner.Download, "acme", "rec-1", TimeSpan.FromMinutes(15));
        Assert.False(signer.Verify(UrlSigner.Download, "acme", "rec-1", expires, signature));
    }

    [Fact]
    public void a_missing_or_oversized_signature_is_refused()
    {
        var signer = Signer();
        var (expires, _) = signer.Sign(UrlSigner.Download, "acme", "rec-1", TimeSpan.FromMinutes(15));
        Assert.False(signer.Verify(UrlSigner.Download, "acme", "rec-1", Text(expires), null));
        Assert.False(signer.Verify(UrlSigner.Download, "acme", "rec-1", Text(expires), new string('A', 129)));
    }

    [Fact]
    public void the_signature_is_url_safe()
    {
        for (var i = 0; i < 50; i++)
        {
            var (_, signature) = Signer().Sign(UrlSigner.Upload, "acme", $"rec-{i}", TimeSpan.FromMinutes(15));
            Assert.Matches("^[A-Za-z0-9_-]+$", signature);
        }
    }

    private static string Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
