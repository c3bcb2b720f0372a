using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Uas;
using Retail.Mrs.Records;

namespace Retail.Functional.Tests.Mrs;

public sealed class MrsUseCaseTests(OfmHost host) : IClassFixture<OfmHost>
{
    private async Task<(TestUser Owner, string Orgcode)> ActiveOrgAsync()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        return (owner, orgcode);
    }

    [Fact]
    public async Task UC_MRS_001_an_inline_json_record_is_created_and_its_meta_read()
    {
        var (owner, orgcode) = await ActiveOrgAsync();
        var created = await owner.Client.Post("/mrs/record", new { json = new { sku = "A-1", qty = 3 }, name = "note", tags = new[] { "Import" } }, orgcode)
            .Ok(HttpStatusCode.Created);
        var record = created.GetProperty("record");
        var guid = record.GetProperty("record_guid").GetString();
        Assert.Equal("inline", record.GetProperty("kind").GetString());
        Assert.Equal("ready", record.GetProperty("status").GetString());
        Assert.Equal("application/json", record.GetProperty("content_type").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.GetProperty("upload").ValueKind);
        var text = """{"sku":"A-1","qty":3}""";
        Assert.Equal(Encoding.UTF8.GetByteCount(text), record.GetProperty("size_bytes").GetInt64());
        Assert.Equal(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant(), record.GetProperty("md5").GetString());

        var meta = await owner.Client.Post("/mrs/record/meta", new { record_guid = guid }, orgcode).Ok();
        Assert.Equal("import", meta.GetProperty("tags")[0].GetString());
        Assert.False(meta.TryGetProperty("json", out _));
        var content = await owner.Client.Post("/mrs/record/get", new { record_guid = guid }, orgcode).Ok();
        Assert.Equal(3, content.GetProperty("json").GetProperty("qty").GetInt32());
        var head = await owner.Client.Post("/mrs/head", new { record_guid = guid }, orgcode).Ok();
        Assert.True(head.GetProperty("exists").GetBoolean());

        await owner.Client.Post("/mrs/record", new { json = "just a string" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/mrs/record", new { json = new { a = 1 }, surprise = true }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        // Another org's record is not there.
        var (other, otherOrg) = await ActiveOrgAsync();
        await other.Client.Post("/mrs/record/meta", new { record_guid = guid }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_MRS_002_a_presigned_gzip_upload_is_completed_and_downloaded_with_a_signed_url()
    {
        var (owner, orgcode) = await ActiveOrgAsync();
        var body = Encoding.UTF8.GetBytes(string.Join(',', Enumerable.Range(0, 500)));
        var gzip = OfmUseCaseTests.Gzip(body);
        var md5 = Convert.ToHexString(MD5.HashData(gzip)).ToLowerInvariant();
        var created = await owner.Client.Post("/mrs/record", new { content_type = "text/csv", size_bytes = gzip.Length, md5 }, orgcode).Ok(HttpStatusCode.Created);
        var guid = created.GetProperty("record").GetProperty("record_guid").GetString();
        Assert.Equal("pending_upload", created.GetProperty("record").GetProperty("status").GetString());
        var uploadUrl = new Uri(created.GetProperty("upload").GetProperty("url").GetString()!).PathAndQuery;
        await owner.Client.Post("/mrs/record/get", new { record_guid = guid }, orgcode).Problem(HttpStatusCode.UnprocessableEntity, "record_not_ready");
        await owner.Client.Post("/mrs/record/complete", new { record_guid = guid, expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "upload_missing");

        using var anonymous = host.Factory.CreateClient();
        // The signature is the only credential: a changed one is refused.
        using (var forged = await anonymous.PutAsync(uploadUrl.Replace("sig=", "sig=x", StringComparison.Ordinal), new ByteArrayContent(gzip)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
        using (var tooBig = await anonymous.PutAsync(uploadUrl, new ByteArrayContent([.. gzip, .. gzip])))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        }
        using (var uploaded = await anonymous.PutAsync(uploadUrl, new ByteArrayContent(gzip)))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }
        var completed = await owner.Client.Post("/mrs/record/complete", new { record_guid = guid, expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("ready", completed.GetProperty("status").GetString());
        await owner.Client.Post("/mrs/record/complete", new { record_guid = guid, expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        // An upload after completion is told plainly that the record is complete, not about a lifecycle move.
        using (var late = await anonymous.PutAsync(uploadUrl, new ByteArrayContent(gzip)))
        {
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
            Assert.Equal("already_complete", await late.ProblemCodeAsync());
        }

        var meta = await owner.Client.Post("/mrs/record/meta", new { record_guid = guid }, orgcode).Ok();
        var download = new Uri(meta.GetProperty("download_url").GetString()!).PathAndQuery;
        using var fetched = await anonymous.GetAsync(download);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("text/csv", fetched.Content.Headers.ContentType?.MediaType);
        Assert.Contains("gzip", fetched.Content.Headers.ContentEncoding);
        Assert.Equal(gzip, await fetched.Content.ReadAsByteArrayAsync());
        using var forgedGet = await anonymous.GetAsync(download.Replace("sig=", "sig=x", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, forgedGet.StatusCode);
    }

    [Fact]
    public async Task UC_MRS_002_an_upload_larger_than_the_api_body_limit_goes_through_its_signed_url()
    {
        var (owner, orgcode) = await ActiveOrgAsync();
        // Random bytes do not compress, so the gzip body stays over the 1 MiB limit of ordinary operations.
        var gzip = OfmUseCaseTests.Gzip(RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        Assert.True(gzip.Length > 1024 * 1024);
        var md5 = Convert.ToHexString(MD5.HashData(gzip)).ToLowerInvariant();
        var created = await owner.Client.Post("/mrs/record", new { content_type = "application/octet-stream", size_bytes = gzip.Length, md5 }, orgcode)
            .Ok(HttpStatusCode.Created);
        var guid = created.GetProperty("record").GetProperty("record_guid").GetString();
        var uploadUrl = new Uri(created.GetProperty("upload").GetProperty("url").GetString()!).PathAndQuery;

        using var anonymous = host.Factory.CreateClient();
        using (var uploaded = await anonymous.PutAsync(uploadUrl, new ByteArrayContent(gzip)))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }
        var completed = await owner.Client.Post("/mrs/record/complete", new { record_guid = guid, expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("ready", completed.GetProperty("status").GetString());

        // Every other operation keeps the default limit.
        using var oversized = await owner.Client.PostAsync("/mrs/record/meta",
            new StringContent("{\"record_guid\":\"" + new string('x', 1024 * 1024 + 1) + "\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
    }

    [Fact]
    public async Task UC_MRS_002_an_upload_that_is_not_gzip_is_refused_at_complete()
    {
        var (owner, orgcode) = await ActiveOrgAsync();
        var plain = Encoding.UTF8.GetBytes("this is not gzip at all, just text long enough");
        var md5 = Convert.ToHexString(MD5.HashData(plain)).ToLowerInvariant();
        var created = await owner.Client.Post("/mrs/record", new { content_type = "text/plain", size_bytes = plain.Length, md5 }, orgcode).Ok(HttpStatusCode.Created);
        using var anonymous = host.Factory.CreateClient();
        using var content = new ByteArrayContent(plain);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        using (var uploaded = await anonymous.PutAsync(new Uri(created.GetProperty("upload").GetProperty("url").GetString()!).PathAndQuery, content))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }
        await owner.Client.Post("/mrs/record/complete", new { record_guid = created.GetProperty("record").GetProperty("record_guid").GetString(), expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "invalid_gzip");
        await owner.Client.Post("/mrs/record", new { content_type = "text/plain", size_bytes = 100_000_000, md5 }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task UC_MRS_003_tags_are_added_and_removed_and_lists_filter_by_them()
    {
        var (owner, orgcode) = await ActiveOrgAsync();
        var a = (await owner.Client.Post("/mrs/record", new { json = new { n = 1 }, tags = new[] { "invoice", "2026" } }, orgcode).Ok(HttpStatusCode.Created))
            .GetProperty("record");
        await owner.Client.Post("/mrs/record", new { json = new { n = 2 }, tags = new[] { "invoice" } }, orgcode).Ok(HttpStatusCode.Created);
        await owner.Client.Post("/mrs/record", new { json = new { n = 3 } }, orgcode).Ok(HttpStatusCode.Created);

        Assert.Equal(2, (await owner.Client.Post("/mrs/list", new { tags = new[] { "invoice" } }, orgcode).Ok()).GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await owner.Client.Post("/mrs/list", new { tags = new[] { "invoice", "2026" } }, orgcode).Ok()).GetProperty("items").GetArrayLength());
        var page = await owner.Client.Post("/mrs/list", new { limit = 2 }, orgcode).Ok();
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var rest = await owner.Client.Post("/mrs/list", new { limit = 2, next_token = page.GetProperty("next_token").GetString() }, orgcode).Ok();
        Assert.Equal(1, rest.GetProperty("items").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rest.GetProperty("next_token").ValueKind);

        var guid = a.GetProperty("record_guid").GetString();
        var tagged = await owner.Client.Post("/mrs/tag/add", new { record_guid = guid, tags = new[] { "Paid" }, expected_revision = 1 }, orgcode).Ok();
        Assert.Contains("paid", tagged.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var untagged = await owner.Client.Post("/mrs/tag/remove", new { record_guid = guid, tags = new[] { "invoice" }, expected_revision = 2 }, orgcode).Ok();
        Assert.DoesNotContain("invoice", untagged.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        await owner.Client.Post("/mrs/tag/add", new { record_guid = guid, tags = new[] { "x" }, expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await owner.Client.Post("/mrs/tag/add", new { record_guid = guid, tags = new[] { "not a tag!" }, expected_revision = 3 }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var paid = await owner.Client.Post("/mrs/list", new { tags = new[] { "paid" } }, orgcode).Ok();
        Assert.Equal(guid, paid.GetProperty("items")[0].GetProperty("record_guid").GetString());
    }

    [Fact]
    public async Task UC_MRS_004_doomed_and_expired_records_are_no_longer_served_and_the_sweeper_removes_their_bytes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = OfmHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        using var @operator = factory.CreateOperatorClient();
        var owner = factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await @operator.ActiveOrg(orgcode, owner.UserGuid);

        var inline = (await owner.Client.Post("/mrs/record", new { json = new { keep = false } }, orgcode).Ok(HttpStatusCode.Created)).GetProperty("record");
        var inlineGuid = inline.GetProperty("record_guid").GetString();
        await owner.Client.Post("/mrs/doom", new { record_guid = inlineGuid }, orgcode).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var doomed = await owner.Client.Post("/mrs/doom", new { record_guid = inlineGuid, expected_revision = 1 }, orgcode).Ok();
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, doomed.GetProperty("doomed_at").ValueKind);
        await owner.Client.Post("/mrs/record/get", new { record_guid = inlineGuid }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        await owner.Client.Post("/mrs/head", new { record_guid = inlineGuid }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await owner.Client.Post("/mrs/list", new { }, orgcode).Ok()).GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await owner.Client.Post("/mrs/list", new { include_doomed = true }, orgcode).Ok()).GetProperty("items").GetArrayLength());

        // An uploaded record with a TTL: served until it expires, then its bytes are swept.
        var gzip = OfmUseCaseTests.Gzip(Encoding.UTF8.GetBytes("temporary export"));
        var md5 = Convert.ToHexString(MD5.HashData(gzip)).ToLowerInvariant();
        var created = await owner.Client.Post("/mrs/record", new { content_type = "text/plain", size_bytes = gzip.Length, md5 }, orgcode).Ok(HttpStatusCode.Created);
        var guid = created.GetProperty("record").GetProperty("record_guid").GetString()!;
        using var anonymous = factory.CreateClient();
        using (var uploaded = await anonymous.PutAsync(new Uri(created.GetProperty("upload").GetProperty("url").GetString()!).PathAndQuery, new ByteArrayContent(gzip)))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }
        await owner.Client.Post("/mrs/record/complete", new { record_guid = guid, expected_revision = 1 }, orgcode).Ok();
        var ttl = await owner.Client.Post("/mrs/ttl/set", new { record_guid = guid, ttl_seconds = 60, expected_revision = 2 }, orgcode).Ok();
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, ttl.GetProperty("expires_at").ValueKind);
        var meta = await owner.Client.Post("/mrs/record/meta", new { record_guid = guid }, orgcode).Ok();
        var download = new Uri(meta.GetProperty("download_url").GetString()!).PathAndQuery;

        var sweeper = factory.Services.GetRequiredService<RecordSweeper>();
        var blob = Path.Combine(factory.DataDir, "blobs", orgcode, guid + ".bin");
        Assert.True(File.Exists(blob));
        clock.Advance(TimeSpan.FromSeconds(61));
        await owner.Client.Post("/mrs/record/meta", new { record_guid = guid }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        using (var gone = await anonymous.GetAsync(download))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        // The sweep (this one, or the host's own timer on the same clock) removes the bytes and marks the record, so a
        // later pass finds nothing more due.
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.False(File.Exists(blob));
        Assert.Equal(0, await sweeper.SweepOnceAsync(CancellationToken.None));
    }
}
