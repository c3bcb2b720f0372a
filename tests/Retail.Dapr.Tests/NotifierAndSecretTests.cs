using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Retail.Shared.Dapr;
using Retail.Shared.Notifications;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace Retail.Dapr.Tests;

public sealed class NotifierAndSecretTests : SidecarTest
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.Parse("2026-11-28T00:00:00Z", CultureInfo.InvariantCulture);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task mail_sent_as_html_by_the_smtp_binding_reads_as_written_and_keeps_its_token_line()
    {
        await new DaprNotifier(Dapr, Options).SendAsync(new MailMessage("ana@example.com", "Verify your e-mail",
            "Welcome to the store.\nYour code expires in 7 days.\nQuestions? Reply to <help@store.example> & we answer.", Token: "483920"), Ct);

        var sent = Assert.Single(Sidecar.Recorded<DaprProto.InvokeBindingRequest>());
        Assert.Equal(("mail", "create"), (sent.Name, sent.Operation));
        Assert.Equal("ana@example.com", sent.Metadata["emailTo"]);
        Assert.Equal("Verify your e-mail", sent.Metadata["subject"]);
        var body = sent.Data.ToStringUtf8();
        Assert.Equal(
            ["Welcome to the store.", "Your code expires in 7 days.", "Questions? Reply to <help@store.example> & we answer.", "token: 483920"],
            Fakes.FakeDaprSidecar.MailClientLines(body));
        // Whoever extracts the token from the raw message (as from the embedded mailbox) finds the same line.
        Assert.Contains("token: 483920", body.Split('\n'));
    }

    [Fact]
    public async Task the_operator_key_is_read_from_the_secret_store_and_reused_for_a_while()
    {
        Sidecar.Secrets["operator-key"] = new Dictionary<string, string> { ["operator-key"] = "op-secret-1" };
        var clock = new ManualClock();
        var provider = new DaprOperatorKeyProvider(Dapr, Options, NoDelays, clock, NullLogger<DaprOperatorKeyProvider>.Instance);

        Assert.Equal("op-secret-1", await provider.GetOperatorKeyAsync(Ct));
        Assert.Equal("op-secret-1", await provider.GetOperatorKeyAsync(Ct));
        var asked = Assert.Single(Sidecar.Recorded<DaprProto.GetSecretRequest>());
        Assert.Equal(("secretstore", "operator-key"), (asked.StoreName, asked.Key));

        Sidecar.Secrets["operator-key"] = new Dictionary<string, string> { ["operator-key"] = "op-secret-2" };
        clock.Now += NoDelays.OperatorKeyCacheDuration + TimeSpan.FromSeconds(1);
        Assert.Equal("op-secret-2", await provider.GetOperatorKeyAsync(Ct));
    }

    [Fact]
    public async Task a_missing_operator_key_means_no_operator_key_works()
    {
        var provider = new DaprOperatorKeyProvider(Dapr, Options, NoDelays, TimeProvider.System, NullLogger<DaprOperatorKeyProvider>.Instance);

        Assert.Null(await provider.GetOperatorKeyAsync(Ct));
    }
}
