using System.Net;
using Retail.Shared.Webhooks;
using StandardWebhooks;

namespace Retail.Shared.Tests.Webhooks;

public sealed class WebhookRulesTests
{
    [Fact]
    public void the_signer_matches_the_standard_webhooks_test_vector()
    {
        var delivery = new WebhookDelivery(new Uri("https://example.com/hook"), "msg_p5jXN8AQM9LWM0D4loKWxJek", "test",
            """{"test": 2432232314}"""u8.ToArray(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", DateTimeOffset.FromUnixTimeSeconds(1614265330));

        var headers = WebhookSigner.Headers(delivery);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", headers[WebhookSigner.SignatureHeader]);
        Assert.Equal("1614265330", headers[WebhookSigner.TimestampHeader]);
        Assert.Equal("msg_p5jXN8AQM9LWM0D4loKWxJek", headers[WebhookSigner.IdHeader]);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.5.5.5")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void non_public_addresses_are_refused(string address)
    {
        Assert.False(WebhookAddressPolicy.Strict.Allows(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::1111")]
    public void public_addresses_are_allowed(string address)
    {
        Assert.True(WebhookAddressPolicy.Strict.Allows(IPAddress.Parse(address)));
    }

    [Fact]
    public void the_allow_list_opens_exactly_its_addresses_and_ranges()
    {
        var policy = WebhookAddressPolicy.Parse("127.0.0.1, 10.1.0.0/16");

        Assert.True(policy.Allows(IPAddress.Parse("127.0.0.1")));
        Assert.True(policy.Allows(IPAddress.Parse("10.1.200.3")));
        Assert.False(policy.Allows(IPAddress.Parse("127.0.0.2")));
        Assert.False(policy.Allows(IPAddress.Parse("10.2.0.1")));
        Assert.False(policy.Allows(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public void a_malformed_allow_list_entry_is_an_error_not_a_silent_gap()
    {
        Assert.Throws<FormatException>(() => WebhookAddressPolicy.Parse("127.0.0.1, localhost"));
    }

    [Fact]
    public async Task the_connect_step_refuses_a_host_whose_addresses_are_all_refused()
    {
        var refused = await WebhookAddressPolicy.Strict.ResolveAllowedAsync("127.0.0.1", TestContext.Current.CancellationToken);

        Assert.Empty(refused);
    }

    [Theory]
    [InlineData("https://hooks.example.com/in", null)]
    [InlineData("http://hooks.example.com/in", WebhookUrls.HttpsRequired)]
    [InlineData("https://user:pw@hooks.example.com/in", WebhookUrls.CredentialsNotAllowed)]
    [InlineData("ftp://hooks.example.com/in", WebhookUrls.Invalid)]
    [InlineData("/relative", WebhookUrls.Invalid)]
    [InlineData("https://127.0.0.1/in", WebhookUrls.AddressRefused)]
    [InlineData("https://169.254.169.254/latest", WebhookUrls.AddressRefused)]
    [InlineData("https://[::1]/in", WebhookUrls.AddressRefused)]
    [InlineData("https://localhost/in", WebhookUrls.AddressRefused)]
    public void urls_are_checked_at_registration(string url, string? code)
    {
        Assert.Equal(code, WebhookUrls.Check(url, new WebhookDeliveryOptions())?.Code);
    }

    [Fact]
    public void an_allow_listed_host_may_be_plain_http()
    {
        var options = new WebhookDeliveryOptions { AllowedAddresses = "127.0.0.1" };

        Assert.Null(WebhookUrls.Check("http://127.0.0.1:5000/in", options));
        Assert.Equal(WebhookUrls.HttpsRequired, WebhookUrls.Check("http://hooks.example.com/in", options)?.Code);
    }

    [Fact]
    public void the_default_schedule_spreads_eight_attempts_over_about_a_day()
    {
        var options = new WebhookDeliveryOptions { Jitter = 0 };
        var now = DateTimeOffset.UnixEpoch;

        var waits = Enumerable.Range(0, 9).Select(n => options.NextAttemptAt(n, now, 0.5)).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
            TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10)], waits.Take(8).Select(w => w!.Value - now));
        Assert.Null(waits[8]);
        var total = waits.Take(8).Sum(w => (w!.Value - now).TotalHours);
        Assert.InRange(total, 24, 30);
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.999999, 1.2)]
    public void jitter_moves_a_delay_by_at_most_its_fraction_either_way(double draw, double factor)
    {
        var options = new WebhookDeliveryOptions { Jitter = 0.2 };

        var next = options.NextAttemptAt(3, DateTimeOffset.UnixEpoch, draw)!.Value - DateTimeOffset.UnixEpoch;

        Assert.Equal(TimeSpan.FromMinutes(30).TotalSeconds * factor, next.TotalSeconds, 1);
    }

    [Fact]
    public void a_delivery_signed_by_the_engine_verifies_with_the_library()
    {
        var secret = "whsec_" + Convert.ToBase64String(new byte[24]);
        var delivery = new WebhookDelivery(new Uri("https://example.com"), "msg_1", "customer.created", """{"a":1}"""u8.ToArray(), secret, DateTimeOffset.UtcNow);
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
        foreach (var (name, value) in WebhookSigner.Headers(delivery))
        {
            headers[name] = value;
        }

        new StandardWebhook(secret).Verify("""{"a":1}""", headers);
    }
}
