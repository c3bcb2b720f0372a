using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ipm;

/// <summary>Bulk files in MRS and the continuation loop, as a client of IPM does them.</summary>
internal static class BulkSteps
{
    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Uploads <paramref name="text"/> to MRS (gzip, presigned, completed); answers the record guid and the content's SHA-256.</summary>
    public static async Task<(string RecordGuid, string Sha256)> UploadAsync(IpmHost host, IpmOrg org, string text, string contentType = "application/x-ndjson")
    {
        var content = Encoding.UTF8.GetBytes(text);
        var gzip = OfmUseCaseTests.Gzip(content);
        var created = await org.Post("/mrs/record", new
        {
            content_type = contentType,
            size_bytes = gzip.Length,
            md5 = Convert.ToHexStringLower(MD5.HashData(gzip)),
            name = "bulk-file",
        }).Ok(HttpStatusCode.Created);
        var recordGuid = created.GetProperty("record").GetProperty("record_guid").GetString()!;
        using (var anonymous = host.Factory.CreateClient())
        using (var uploaded = await anonymous.PutAsync(new Uri(created.GetProperty("upload").GetProperty("url").GetString()!).PathAndQuery, new ByteArrayContent(gzip)))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }
        await org.Post("/mrs/record/complete", new { record_guid = recordGuid, expected_revision = 1 }).Ok();
        return (recordGuid, Sha256(content));
    }

    /// <summary>Continues a job from <paramref name="token"/> until it answers no token; answers every slice's answer.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ContinueAllAsync(IpmOrg org, string kind, JsonElement job)
    {
        var answers = new List<JsonElement>();
        var token = job.GetProperty("continuation_token").GetString();
        var jobGuid = job.GetProperty("job_guid").GetString();
        while (token is not null)
        {
            var answer = await org.Post($"/ipm/bulk/{kind}/continue", new { job_guid = jobGuid, continuation_token = token }).Ok();
            answers.Add(answer);
            token = answer.GetProperty("continuation_token").GetString();
            Assert.True(answers.Count < 100, "the job never finished");
        }
        Assert.True(answers[^1].GetProperty("done").GetBoolean());
        return answers;
    }

    public static (long Read, long Created, long Updated, long Unchanged, long Rejected) Counts(JsonElement job)
    {
        var c = job.GetProperty("counts");
        return (c.GetProperty("read").GetInt64(), c.GetProperty("created").GetInt64(), c.GetProperty("updated").GetInt64(),
            c.GetProperty("unchanged").GetInt64(), c.GetProperty("rejected").GetInt64());
    }

    /// <summary>An MRS file's content as a client downloads it through its signed URL.</summary>
    public static async Task<byte[]> DownloadAsync(IpmHost host, IpmOrg org, string recordGuid)
    {
        var meta = await org.Post("/mrs/record/meta", new { record_guid = recordGuid }).Ok();
        using var client = host.Factory.CreateClient();
        using var response = await client.GetAsync(new Uri(meta.GetProperty("download_url").GetString()!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(bytes is [0x1f, 0x8b, ..], "an export part is gzip");
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain);
        return plain.ToArray();
    }

    public static IReadOnlyList<JsonElement> Lines(byte[] ndjson) =>
        [.. Encoding.UTF8.GetString(ndjson).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
