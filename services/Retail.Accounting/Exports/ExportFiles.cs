using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.Options;
using Retail.Accounting.Usage;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Json;

namespace Retail.Accounting.Exports;

/// <summary>A file's content with what the export records of it.</summary>
public sealed record ExportContent(byte[] Bytes, long RecordCount)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));
}

/// <summary>
/// Writes usage records or rollups as CSV (RFC 4180, a header line, invariant culture) or NDJSON (one snake_case object a
/// line), reading them through their <c>day</c> indexes page by page, in key order within a day, so the same data always
/// gives the same bytes.
/// </summary>
public sealed class UsageFileWriter(RecordStore<UsageRecord> records, RecordStore<UsageRollup> rollups)
{
    public const int PageSize = 500;

    public static readonly string[] RecordColumns =
        ["event_id", "day", "at", "app", "operation", "cccode", "principal_id", "principal_kind", "status", "request_bytes", "duration_ms", "trace_id", "request_id"];

    public static readonly string[] RollupColumns = ["day", "app", "cccode", "count", "bytes", "duration_ms", "error_count"];

    public static IReadOnlyList<string> ColumnsOf(ExportDataset dataset) => dataset == ExportDataset.UsageRecords ? RecordColumns : RollupColumns;

    /// <summary>The CSV header line (with its line break), or nothing for NDJSON.</summary>
    public static byte[] Header(ExportDataset dataset, ExportFormat format)
    {
        if (format == ExportFormat.Ndjson)
        {
            return [];
        }
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CsvConfig))
        {
            foreach (var column in ColumnsOf(dataset))
            {
                csv.WriteField(column);
            }
            csv.NextRecord();
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A whole export: the header, then every row of each day from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public async Task<ExportContent> WriteAsync(string orgcode, ExportDataset dataset, ExportFormat format, DateOnly from, DateOnly to, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Header(dataset, format));
        long count = 0;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            count += await WriteRowsAsync(buffer, orgcode, dataset, format, [StateFilter.Eq("day", Day(day))], ct);
        }
        return new ExportContent(buffer.ToArray(), count);
    }

    /// <summary>One app's rows of one day, without a header: a batch's part.</summary>
    public async Task<ExportContent> WritePartAsync(string orgcode, ExportDataset dataset, ExportFormat format, DateOnly day, string app, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var count = await WriteRowsAsync(buffer, orgcode, dataset, format, [StateFilter.Eq("day", Day(day)), StateFilter.Eq("app", app)], ct);
        return new ExportContent(buffer.ToArray(), count);
    }

    /// <summary>The apps that had usage on the day (from its rollups, which hold one row per app and cost centre), in order.</summary>
    public async Task<IReadOnlyList<string>> AppsOfDayAsync(string orgcode, DateOnly day, CancellationToken ct)
    {
        var apps = new SortedSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await rollups.ListAsync(orgcode, [StateFilter.Eq("day", Day(day))], PageSize, token, ct: ct);
            apps.UnionWith(page.Items.Select(r => r.App));
            token = page.NextToken;
        }
        while (token is not null);
        return [.. apps];
    }

    private async Task<long> WriteRowsAsync(Stream output, string orgcode, ExportDataset dataset, ExportFormat format, IReadOnlyList<StateFilter> filters,
        CancellationToken ct)
    {
        long count = 0;
        string? token = null;
        do
        {
            IReadOnlyList<object[]> rows;
            if (dataset == ExportDataset.UsageRecords)
            {
                var page = await records.ListAsync(orgcode, filters, PageSize, token, ct: ct);
                rows = page.Items.Select(RowOf).ToList();
                token = page.NextToken;
            }
            else
            {
                var page = await rollups.ListAsync(orgcode, filters, PageSize, token, ct: ct);
                rows = page.Items.Select(RowOf).ToList();
                token = page.NextToken;
            }
            var bytes = format == ExportFormat.Csv ? Csv(rows) : Ndjson(ColumnsOf(dataset), rows);
            output.Write(bytes);
            count += rows.Count;
        }
        while (token is not null);
        return count;
    }

    private static readonly CsvConfiguration CsvConfig = new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    private static byte[] Csv(IReadOnlyList<object[]> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CsvConfig))
        {
            foreach (var row in rows)
            {
                foreach (var value in row)
                {
                    csv.WriteField(Text(value));
                }
                csv.NextRecord();
            }
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Ndjson(IReadOnlyList<string> columns, IReadOnlyList<object[]> rows)
    {
        using var buffer = new MemoryStream();
        foreach (var row in rows)
        {
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                for (var i = 0; i < columns.Count; i++)
                {
                    json.WritePropertyName(columns[i]);
                    switch (row[i])
                    {
                        case null: json.WriteNullValue(); break;
                        case long l: json.WriteNumberValue(l); break;
                        case int n: json.WriteNumberValue(n); break;
                        case double d: json.WriteNumberValue(d); break;
                        default: json.WriteStringValue(Text(row[i])); break;
                    }
                }
                json.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
        }
        return buffer.ToArray();
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object[] RowOf(UsageRecord r) =>
        [r.EventId, r.Day, r.At, r.App, r.Operation, r.Cccode!, r.PrincipalId, r.PrincipalKind, r.Status, r.RequestBytes, r.DurationMs, r.TraceId!, r.RequestId!];

    private static object[] RowOf(UsageRollup r) => [r.Day, r.App, r.Cccode!, r.Count, r.Bytes, r.DurationMs, r.ErrorCount];

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Thrown by <see cref="MrsFiles"/> when MRS does not answer as it should; the export or part records it as its error.</summary>
public sealed class ExportFileException(string message) : Exception(message);

/// <summary>
/// Export files in MRS: a presigned upload (record → PUT the gzip bytes → complete) under deterministic idempotency keys, so
/// a repeated step has its effect once; reading a file back (a batch's parts) through its signed download URL.
/// </summary>
public sealed class MrsFiles(IServiceInvoker invoker, IHttpClientFactory clients, IOptions<RetailOptions> retail)
{
    public const string App = "mrs";

    public static string ContentTypeOf(ExportFormat format, bool gzip) =>
        gzip ? "application/gzip" : format == ExportFormat.Csv ? "text/csv" : "application/x-ndjson";

    public static string ExtensionOf(ExportFormat format, bool gzip) => (format == ExportFormat.Csv ? ".csv" : ".ndjson") + (gzip ? ".gz" : "");

    /// <summary>Uploads <paramref name="content"/> gzip-compressed; answers the MRS record's guid and the stored size.</summary>
    public async Task<(string RecordGuid, long StoredBytes)> UploadAsync(string orgcode, byte[] content, string contentType, string name,
        IReadOnlyList<string> tags, string idempotencyKey, CancellationToken ct)
    {
        var gzip = Compress(content);
        var created = await ReadAsync<MrsCreated>(orgcode, "/record", new
        {
            content_type = contentType,
            size_bytes = gzip.LongLength,
            md5 = Convert.ToHexStringLower(MD5.HashData(gzip)),
            name,
            tags,
        }, $"{idempotencyKey}:record", ct);
        if (created.Record.Status != "ready")
        {
            var upload = created.Upload ?? throw new ExportFileException("MRS gave no upload URL");
            using var put = new HttpRequestMessage(HttpMethod.Put, upload.Url) { Content = new ByteArrayContent(gzip) };
            put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/gzip");
            using var answer = await Client().SendAsync(put, ct);
            // 409: an earlier attempt of this step uploaded the bytes and completed the record.
            if (!answer.IsSuccessStatusCode && answer.StatusCode != HttpStatusCode.Conflict)
            {
                throw new ExportFileException($"the upload to MRS answered {(int)answer.StatusCode}");
            }
            await ReadAsync<MrsMeta>(orgcode, "/record/complete", new { record_guid = created.Record.RecordGuid, expected_revision = created.Record.Revision },
                $"{idempotencyKey}:complete", ct);
        }
        return (created.Record.RecordGuid, gzip.LongLength);
    }

    /// <summary>The record's metadata with its signed download URL; null when MRS has no such record.</summary>
    public async Task<MrsMeta?> MetaAsync(string orgcode, string recordGuid, CancellationToken ct)
    {
        var answer = await invoker.InvokeAsync(App, "/record/meta", new { record_guid = recordGuid }, new InvocationOptions(orgcode), ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        return answer.IsSuccess ? answer.ReadAs<MrsMeta>() : throw Failed("/record/meta", answer);
    }

    /// <summary>A file's content, decompressed.</summary>
    public async Task<byte[]> DownloadAsync(string orgcode, string recordGuid, CancellationToken ct)
    {
        var meta = await MetaAsync(orgcode, recordGuid, ct) ?? throw new ExportFileException($"MRS has no record {recordGuid}");
        var url = meta.DownloadUrl ?? throw new ExportFileException($"MRS offers no download of {recordGuid}");
        using var answer = await Client().GetAsync(url, ct);
        if (!answer.IsSuccessStatusCode)
        {
            throw new ExportFileException($"the download from MRS answered {(int)answer.StatusCode}");
        }
        var bytes = await answer.Content.ReadAsByteArrayAsync(ct);
        return bytes is [0x1f, 0x8b, ..] ? Decompress(bytes) : bytes;
    }

    public static byte[] Compress(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return buffer.ToArray();
    }

    public static byte[] Decompress(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private HttpClient Client() =>
        retail.Value.Mode == RuntimeMode.Dapr ? clients.CreateClient() : clients.CreateClient(EmbeddedTransportRegistration.SelfClient);

    private async Task<T> ReadAsync<T>(string orgcode, string path, object body, string idempotencyKey, CancellationToken ct)
    {
        var answer = await invoker.InvokeAsync(App, path, body, new InvocationOptions(orgcode, idempotencyKey), ct);
        return answer.IsSuccess ? answer.ReadAs<T>() : throw Failed(path, answer);
    }

    private static ExportFileException Failed(string path, InvocationResponse answer) =>
        new($"mrs{path} answered {answer.StatusCode}: {Encoding.UTF8.GetString(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, 300)))}");
}

public sealed record MrsMeta(string RecordGuid, string Status, long SizeBytes, long Revision, string? DownloadUrl, DateTimeOffset? DownloadExpiresAt);

public sealed record MrsUpload(string Url, string Method);

public sealed record MrsCreated(MrsMeta Record, MrsUpload? Upload);

/// <summary>
/// Where a batch part may be made to fail (tests inject one that throws once); nothing happens in production. Called before a
/// part's rows are written.
/// </summary>
public interface IExportFailurePoint
{
    Task BeforePartAsync(string orgcode, string batchGuid, string app, CancellationToken ct);
}

public sealed class NoExportFailures : IExportFailurePoint
{
    public Task BeforePartAsync(string orgcode, string batchGuid, string app, CancellationToken ct) => Task.CompletedTask;
}
