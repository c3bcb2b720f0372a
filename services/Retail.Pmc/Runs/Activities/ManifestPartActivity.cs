using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.Options;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Shared.Json;

namespace Retail.Pmc.Runs.Activities;

/// <summary>
/// Manifest, one part: the next items (after the run's manifest cursor, in selection order) as NDJSON, one line per
/// variant, gzip-compressed up to <see cref="RunOptions.ManifestPartBytes"/>; uploaded to MRS (record, PUT to the signed
/// URL, complete) under deterministic idempotency keys, then the part and the cursor commit with the run.
/// </summary>
public sealed class ManifestPartActivity(RunLedger ledger, RecordStore<RunItem> items, RunSources sources, IHttpClientFactory clients,
    IOptions<RunOptions> options, IOptions<RetailOptions> retail) : WorkflowActivity<RunPageInput, RunPage>
{
    public const string ContentType = "application/x-ndjson";

    public override Task<RunPage> RunAsync(WorkflowActivityContext context, RunPageInput input) =>
        ledger.PageAsync(input, RunStage.Manifest, async (loaded, batch) =>
        {
            var run = loaded.Record;
            var org = input.Orgcode;
            var pageSize = options.Value.PageSize;
            using var buffer = new MemoryStream();
            var lines = 0;
            var last = run.ManifestSeq;
            var end = false;
            await using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            {
                var sinceFlush = 0L;
                var flushEvery = Math.Min(64 * 1024, options.Value.ManifestPartBytes);
                var full = false;
                while (!full && !end)
                {
                    var page = await items.ListAsync(org, [StateFilter.Eq("run_guid", run.RunGuid), StateFilter.Above("seq", last)], pageSize,
                        sort: [new StateSort("seq")]);
                    foreach (var item in page.Items)
                    {
                        foreach (var entry in RunsApi.Entries(item))
                        {
                            var line = JsonSerializer.SerializeToUtf8Bytes(entry, RetailJson.Api);
                            gzip.Write(line);
                            gzip.WriteByte((byte)'\n');
                            sinceFlush += line.Length + 1;
                            lines++;
                        }
                        last = item.Seq;
                        if (sinceFlush >= flushEvery)
                        {
                            // Flushed, the compressed size so far is known: the part closes after a whole item.
                            gzip.Flush();
                            sinceFlush = 0;
                            if (buffer.Length >= options.Value.ManifestPartBytes)
                            {
                                full = true;
                                break;
                            }
                        }
                    }
                    end = !full && page.Items.Count < pageSize;
                }
            }
            if (lines == 0 && run.Manifest.Count > 0)
            {
                return run with { Stage = RunStage.Finish };
            }
            var bytes = buffer.ToArray();
            var number = run.Manifest.Count + 1;
            var recordGuid = await UploadAsync(org, run, number, bytes);
            return run with
            {
                Manifest = [.. run.Manifest, new ManifestPart(number, recordGuid, lines, bytes.LongLength)],
                ManifestSeq = last,
                Stage = end ? RunStage.Finish : RunStage.Manifest,
            };
        });

    /// <summary>MRS record → PUT the gzip bytes to its signed URL → complete; each step keyed by run and part, so a repeat replays.</summary>
    private async Task<string> UploadAsync(string org, PublishRun run, int part, byte[] bytes)
    {
        var key = $"{PublishRun.InstanceIdOf(org, run.RunGuid)}:manifest:{part}";
        var created = await sources.CreateUploadAsync(org, new
        {
            content_type = ContentType,
            size_bytes = bytes.LongLength,
            md5 = Convert.ToHexStringLower(MD5.HashData(bytes)),
            name = $"publish-run-{run.RunGuid}-part-{part:D4}.ndjson.gz",
            tags = new[] { "pmc:manifest", $"run:{run.RunGuid}" },
        }, $"{key}:record", default);
        if (created.Record.Status != "ready")
        {
            var upload = created.Upload ?? throw new SourceException("MRS gave no upload URL for the manifest part");
            var client = retail.Value.Mode == RuntimeMode.Dapr ? clients.CreateClient() : clients.CreateClient(EmbeddedTransportRegistration.SelfClient);
            using var put = new HttpRequestMessage(HttpMethod.Put, upload.Url) { Content = new ByteArrayContent(bytes) };
            put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/gzip");
            using var answer = await client.SendAsync(put);
            // 409: the bytes went up and the record was completed by an earlier attempt of this part.
            if (!answer.IsSuccessStatusCode && answer.StatusCode != HttpStatusCode.Conflict)
            {
                throw new SourceException($"the manifest part upload answered {(int)answer.StatusCode}");
            }
            await sources.CompleteUploadAsync(org, created.Record.RecordGuid, created.Record.Revision, $"{key}:complete", default);
        }
        return created.Record.RecordGuid;
    }
}
