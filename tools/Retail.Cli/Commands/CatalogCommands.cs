using System.CommandLine;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Retail.Cli.Commands;

/// <summary>
/// <c>retail catalog import|export</c>: IPM's bulk jobs as a client drives them (UC-IPM-003). Import: the file into MRS (gzip, presigned
/// PUT, complete), an import job continued slice by slice, then committed with its reconciliation. Export: an export job continued
/// until done, then its gzip NDJSON parts downloaded from MRS into one NDJSON file.
/// </summary>
public static class CatalogCommands
{
    /// <summary>How often a <c>continue</c> answered 503 (nothing committed; the same token may be sent again) is retried.</summary>
    private const int Retries = 5;

    public static Command Build(CommandFactory commands)
    {
        var catalog = new Command("catalog", "Bulk import and export of catalog entities through IPM");
        catalog.Subcommands.Add(Import(commands));
        catalog.Subcommands.Add(Export(commands));
        return catalog;
    }

    private static Command Import(CommandFactory commands)
    {
        var file = new Argument<FileInfo>("file") { Description = "NDJSON (one record a line) or CSV with a header line" };
        var entity = new Option<string>("--entity") { Description = "Target entity, app.entity (pvm.vendor, pvm.variant, ppm.price…)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate every record, write nothing (no commit)" };
        var format = new Option<string?>("--format") { Description = "ndjson or csv (default: from the file's extension)" };
        format.AcceptOnlyFromAmong("ndjson", "csv");
        var slice = new Option<int?>("--slice-size") { Description = "Records per slice (1-1000)" };
        var schema = new Option<int>("--schema-version") { Description = "The entity's schema version", DefaultValueFactory = _ => 1 };
        var accept = new Option<bool>("--accept-quarantine") { Description = "Commit even though some records were rejected" };
        var import = new Command("import", "Import a file into an entity: upload, slices with progress, commit, reconciliation")
        {
            file, entity, dryRun, format, slice, schema, accept,
        };
        commands.Action(import, async (context, ct) =>
        {
            var api = context.Api;
            var org = api.RequireOrg();
            var path = context.Value(file)!;
            if (!path.Exists)
            {
                throw new UsageException($"no file {path.FullName}");
            }
            var kind = context.Value(format) ?? (path.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "ndjson");
            var content = await File.ReadAllBytesAsync(path.FullName, ct);
            var recordGuid = await UploadAsync(api, org, content, kind == "csv" ? "text/csv" : "application/x-ndjson", path.Name, ct);
            context.Output.Note($"uploaded {path.Name} ({content.Length:N0} bytes) to MRS record {recordGuid}");

            var job = await api.PostAsync("/ipm/bulk/import/create", new
            {
                entity = context.Value(entity), schema_version = context.Value(schema), file_record_guid = recordGuid,
                sha256 = Convert.ToHexStringLower(SHA256.HashData(content)), format = kind, slice_size = context.Value(slice), dry_run = context.Value(dryRun),
            }, ct, org);
            var jobGuid = job.GetProperty("job_guid").GetString()!;
            var total = job.GetProperty("file_records").GetInt64();
            job = await WithProgressAsync(context.Output, $"importing {context.Value(entity)}", total, new RateColumn("rec"), async advance =>
            {
                var token = job.GetProperty("continuation_token").GetString();
                var last = job;
                while (token is not null)
                {
                    var answer = await ContinueAsync(api, "import", jobGuid, token, org, ct);
                    advance(answer.GetProperty("slice").GetProperty("records").GetInt64());
                    token = answer.GetProperty("continuation_token").GetString();
                    last = answer.GetProperty("job");
                }
                return last;
            });

            var counts = job.GetProperty("counts");
            JsonElement? quarantine = null;
            if (counts.GetProperty("rejected").GetInt64() > 0)
            {
                quarantine = (await api.PostAsync("/ipm/bulk/job/get", new { job_guid = jobGuid, include_quarantine = true, limit = 10 }, ct, org))
                    .GetProperty("quarantine");
            }
            JsonElement? report = null;
            if (!context.Value(dryRun))
            {
                job = await api.PostAsync("/ipm/bulk/import/commit",
                    new { job_guid = jobGuid, accept_quarantine = context.Value(accept), expected_revision = job.GetProperty("revision").GetInt64() }, ct, org);
                report = job.GetProperty("report");
            }
            context.Output.Write(new { job_guid = jobGuid, status = job.GetProperty("status").GetString(), counts, quarantine, report }, console =>
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("read", "created", "updated", "unchanged", "rejected");
                table.AddRow(new[] { "read", "created", "updated", "unchanged", "rejected" }.Select(f => Output.Field(counts, f)).ToArray());
                console.Write(table);
                if (quarantine is { } q)
                {
                    var rejected = new Table().Border(TableBorder.Rounded).AddColumns("line", "key", "code", "field", "reason");
                    foreach (var item in q.GetProperty("items").EnumerateArray())
                    {
                        rejected.AddRow(new[] { "line", "natural_key", "code", "field", "reason" }.Select(f => (IRenderable)new Text(Output.Field(item, f))).ToArray());
                    }
                    console.Write(rejected);
                }
                if (report is { } r)
                {
                    console.WriteLine($"committed job {jobGuid}, reconciliation matched: {Output.Field(r, "matched")}");
                    console.WriteLine($"  {Output.Field(r, "file_records")} in the file, {Output.Field(r, "written")} written, {Output.Field(r, "unchanged")} unchanged, " +
                        $"{Output.Field(r, "rejected")} rejected; {Output.Field(r, "target_count")} in the target; " +
                        $"sampled keys found {Output.Field(r, "keys_found")}/{r.GetProperty("sampled_keys").GetArrayLength()}");
                }
                else
                {
                    console.WriteLine($"dry run {jobGuid}: {Output.Field(job, "status")}, nothing written");
                }
            });
        });
        return import;
    }

    private static Command Export(CommandFactory commands)
    {
        var entity = new Option<string>("--entity") { Description = "Entity, app.entity (pvm.vendor…)", Required = true };
        var output = new Option<FileInfo>("--out", "-o") { Description = "NDJSON file to write (replaced)", Required = true };
        var filters = new Option<string?>("--filters") { Description = "The target's filters as a JSON object, e.g. {\"status\":\"active\"}" };
        var partSize = new Option<int?>("--part-size") { Description = "Records per exported part" };
        var export = new Command("export", "Export an entity to an NDJSON file through an IPM export job") { entity, output, filters, partSize };
        commands.Action(export, async (context, ct) =>
        {
            var api = context.Api;
            var org = api.RequireOrg();
            var filter = context.Value(filters) is { } text ? JsonDocument.Parse(text).RootElement.Clone() : (JsonElement?)null;
            var job = await api.PostAsync("/ipm/bulk/export/create",
                new { entity = context.Value(entity), filters = filter, part_size = context.Value(partSize) }, ct, org);
            var jobGuid = job.GetProperty("job_guid").GetString()!;
            job = await WithProgressAsync(context.Output, $"exporting {context.Value(entity)}", null, new RateColumn("rec"), async advance =>
            {
                var token = job.GetProperty("continuation_token").GetString();
                var last = job;
                while (token is not null)
                {
                    var answer = await ContinueAsync(api, "export", jobGuid, token, org, ct);
                    advance(answer.GetProperty("slice").GetProperty("records").GetInt64());
                    token = answer.GetProperty("continuation_token").GetString();
                    last = answer.GetProperty("job");
                }
                return last;
            });

            var parts = new List<JsonElement>();
            string? next = null;
            do
            {
                var view = await api.PostAsync("/ipm/bulk/job/get", new { job_guid = jobGuid, limit = 500, next_token = next }, ct, org);
                var page = view.GetProperty("parts");
                parts.AddRange(page.GetProperty("items").EnumerateArray());
                next = page.TryGetProperty("next_token", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            }
            while (next is not null);

            var target = context.Value(output)!;
            long records = 0;
            await using (var file = new FileStream(target.FullName, FileMode.Create, FileAccess.Write))
            {
                var bytes = parts.Sum(p => p.GetProperty("stored_bytes").GetInt64());
                await WithProgressAsync<int>(context.Output, "downloading", bytes, new TransferSpeedColumn(), async advance =>
                {
                    foreach (var part in parts)
                    {
                        records += await DownloadPartAsync(api, org, part, file, advance, ct);
                    }
                    return 0;
                });
            }
            var result = new { job_guid = jobGuid, status = job.GetProperty("status").GetString(), parts = parts.Count, records, file = target.FullName };
            context.Output.Write(result, console => console.WriteLine($"exported {records:N0} records in {parts.Count} parts to {target.FullName}"));
        });
        return export;
    }

    /// <summary>A file into MRS as a client uploads it: gzip, a presigned PUT, complete. Answers the record guid.</summary>
    private static async Task<string> UploadAsync(RetailApi api, string org, byte[] content, string contentType, string name, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(content, ct);
        }
        var body = buffer.ToArray();
        var created = await api.PostAsync("/mrs/record",
            new { content_type = contentType, size_bytes = body.Length, md5 = Convert.ToHexStringLower(MD5.HashData(body)), name }, ct, org);
        var record = created.GetProperty("record");
        var recordGuid = record.GetProperty("record_guid").GetString()!;
        await api.PutPresignedAsync(created.GetProperty("upload").GetProperty("url").GetString()!, new ByteArrayContent(body), ct);
        await api.PostAsync("/mrs/record/complete", new { record_guid = recordGuid, expected_revision = record.GetProperty("revision").GetInt64() }, ct, org);
        return recordGuid;
    }

    /// <summary>One slice; a 503 said nothing was committed and the same token may be sent again, so it is, a few times.</summary>
    private static async Task<JsonElement> ContinueAsync(RetailApi api, string kind, string jobGuid, string token, string org, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await api.PostAsync($"/ipm/bulk/{kind}/continue", new { job_guid = jobGuid, continuation_token = token }, ct, org);
            }
            catch (ApiProblemException problem) when (problem.Status == HttpStatusCode.ServiceUnavailable && attempt <= Retries)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    /// <summary>Downloads one gzip part through its signed URL into <paramref name="target"/>, answering its records.</summary>
    private static async Task<long> DownloadPartAsync(RetailApi api, string org, JsonElement part, Stream target, Action<long> advance, CancellationToken ct)
    {
        var meta = await api.PostAsync("/mrs/record/meta", new { record_guid = part.GetProperty("mrs_record_guid").GetString() }, ct, org);
        using var response = await api.GetPresignedAsync(meta.GetProperty("download_url").GetString()!, ct);
        using var compressed = new MemoryStream();
        await using (var stream = await response.Content.ReadAsStreamAsync(ct))
        {
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                compressed.Write(chunk, 0, read);
                advance(read);
            }
        }
        compressed.Position = 0;
        using var plain = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(plain, ct);
        }
        var bytes = plain.ToArray();
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != part.GetProperty("sha256").GetString())
        {
            throw new ApiProblemException(HttpStatusCode.UnprocessableEntity,
                JsonSerializer.SerializeToElement(new { code = "checksum_mismatch", detail = $"part {part.GetProperty("part")} does not match its SHA-256" }));
        }
        await target.WriteAsync(bytes, ct);
        if (bytes.Length > 0 && bytes[^1] != (byte)'\n')
        {
            target.WriteByte((byte)'\n');
        }
        return part.GetProperty("record_count").GetInt64();
    }

    /// <summary>
    /// Runs <paramref name="work"/> under a Spectre progress bar (description, bar, percentage, rate, ETA) on a terminal or plain output;
    /// with <c>--json</c> without one, so stdout stays a single JSON document. A null <paramref name="total"/> is an indeterminate bar.
    /// </summary>
    internal static async Task<T> WithProgressAsync<T>(Output output, string description, long? total, ProgressColumn rate,
        Func<Action<long>, Task<T>> work)
    {
        if (output.IsJson)
        {
            return await work(_ => { });
        }
        return await output.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), rate, new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(description), maxValue: Math.Max(total ?? 1, 1));
                task.IsIndeterminate = total is null;
                var result = await work(n =>
                {
                    if (task.IsIndeterminate)
                    {
                        // No total is known: keep the bar open so the rate still counts every increment.
                        task.MaxValue += n;
                    }
                    task.Increment(n);
                });
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    /// <summary>Records per second of a task: while it runs as Spectre measures its increments, once stopped the whole run's average.</summary>
    internal sealed class RateColumn(string unit) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            // A stopped task keeps the speed a frame last read: none at all when a short job ends between two frames.
            var rate = task.StopTime is not null && task.ElapsedTime is { TotalSeconds: > 0 } elapsed ? task.Value / elapsed.TotalSeconds : task.Speed;
            return new Text(rate is { } perSecond ? $"{perSecond:N0} {unit}/s" : $"- {unit}/s");
        }
    }
}
