using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Mrs.Records;
using Retail.Shared.Embedded;

namespace Retail.Functional.Tests.Pvm;

/// <summary>UC-PVM-006: a comment on a PVM record with an MRS attachment; redacting it gives the attachment a retention TTL, then it is swept.</summary>
public sealed class PvmCommentTests
{
    [Fact]
    public async Task UC_PVM_006_a_redacted_comments_attachments_get_a_retention_ttl_and_are_swept_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = PvmHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        using var @operator = factory.CreateOperatorClient();
        var owner = factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode("pvm");
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        var clerk = factory.NewUser("clerk");
        await owner.Join(orgcode, clerk, "member");
        var style = await owner.ReadyStyle(orgcode);

        // A photo uploaded through MRS (presign → upload → complete), and a note that already expires in a day.
        var gzip = OfmUseCaseTests.Gzip(Encoding.UTF8.GetBytes("a photo of the swing tag"));
        var md5 = Convert.ToHexString(MD5.HashData(gzip)).ToLowerInvariant();
        var presigned = await clerk.Client.Post("/mrs/record", new { content_type = "image/jpeg", size_bytes = gzip.Length, md5, name = "swing-tag" }, orgcode)
            .Ok(HttpStatusCode.Created);
        var photo = presigned.GetProperty("record").GetProperty("record_guid").GetString()!;
        using var anonymous = factory.CreateClient();
        using (var uploaded = await anonymous.PutAsync(new Uri(presigned.GetProperty("upload").GetProperty("url").GetString()!).PathAndQuery,
                   new ByteArrayContent(gzip), ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }
        await clerk.Client.Post("/mrs/record/complete", new { record_guid = photo, expected_revision = 1 }, orgcode).Ok();
        var note = (await clerk.Client.Post("/mrs/record", new { json = new { text = "tag misprinted" }, ttl_seconds = 86_400 }, orgcode)
            .Ok(HttpStatusCode.Created)).GetProperty("record");
        var noteGuid = note.GetProperty("record_guid").GetString()!;
        var noteExpiry = note.GetProperty("expires_at").GetDateTimeOffset();

        var comment = await clerk.Client.Post("/pvm/comment", new
        {
            subject_entity = "style",
            subject_key = style.GetProperty("style_guid").GetString(),
            body = "The swing tag shows the wrong size chart.",
            attachments = new[] { photo, noteGuid },
        }, orgcode).Ok(HttpStatusCode.Created);
        var commentGuid = comment.GetProperty("comment_guid").GetString()!;
        Assert.Equal(JsonValueKind.Null, (await Meta(clerk, orgcode, photo)).GetProperty("expires_at").ValueKind);

        // Redacting is an admin's, and final.
        await clerk.Client.Post("/pvm/comment/status", new { comment_guid = commentGuid, status = "redacted", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await owner.Client.Post("/pvm/comment/status", new { comment_guid = commentGuid, status = "redacted", expected_revision = 1 }, orgcode).Ok();

        // MRS hears comment.redacted and keeps the photo for the retention period (30 days by default) from now.
        await Waits.UntilAsync(async () => (await Meta(clerk, orgcode, photo)).GetProperty("expires_at").ValueKind != JsonValueKind.Null,
            "MRS has set the redacted comment's attachment's TTL");
        var retained = await Meta(clerk, orgcode, photo);
        Assert.Equal(clock.GetUtcNow().AddDays(30), retained.GetProperty("expires_at").GetDateTimeOffset());
        var revision = retained.GetProperty("revision").GetInt64();
        // An attachment that already expires sooner keeps its own TTL.
        var kept = await Meta(clerk, orgcode, noteGuid);
        Assert.Equal(noteExpiry, kept.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal(1, kept.GetProperty("revision").GetInt64());

        // A redelivery (later, as at-least-once delivery allows) changes nothing.
        clock.Advance(TimeSpan.FromHours(1));
        var diagnostics = factory.Services.GetRequiredService<EventBusDiagnostics>();
        await factory.Services.GetRequiredKeyedService<Retail.Shared.Events.IEventBus>("pvm").PublishAsync("comment.redacted", "comment.redacted",
            new { orgcode, app_id = "pvm", comment_guid = commentGuid, redacted_by = owner.UserGuid, attachments = new[] { photo, noteGuid } }, cancellationToken: ct);
        await Waits.UntilAsync(async () => await diagnostics.PendingCountAsync("pvm", ct) == 0, "PVM's outbox has delivered the repeated event");
        Assert.Empty(await diagnostics.DeadLettersAsync("pvm", cancellationToken: ct));
        var again = await Meta(clerk, orgcode, photo);
        Assert.Equal(revision, again.GetProperty("revision").GetInt64());
        Assert.Equal(retained.GetProperty("expires_at").GetDateTimeOffset(), again.GetProperty("expires_at").GetDateTimeOffset());

        // Once the retention has passed the photo is no longer served, and the sweep removes its bytes.
        var blob = Path.Combine(factory.DataDir, "blobs", orgcode, photo + ".bin");
        Assert.True(File.Exists(blob));
        clock.Advance(TimeSpan.FromDays(30));
        await clerk.Client.Post("/mrs/record/meta", new { record_guid = photo }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        await factory.Services.GetRequiredService<RecordSweeper>().SweepOnceAsync(ct);
        Assert.False(File.Exists(blob));
    }

    private static Task<JsonElement> Meta(TestUser user, string orgcode, string recordGuid) =>
        user.Client.Post("/mrs/record/meta", new { record_guid = recordGuid }, orgcode).Ok();
}
