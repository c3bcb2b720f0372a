using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Retail.Accounting.Exports;

namespace Retail.Ipm.Bulk;

/// <summary>An import file as read from MRS: its content and the SHA-256 of it; or why it cannot be used.</summary>
public sealed record ImportFile(byte[]? Content, ProblemHttpResult? Problem);

/// <summary>
/// Import and export files in MRS, through the same presigned-upload client Accounting's exports use (<see cref="MrsFiles"/>).
/// An import file's content is kept in a bounded in-process cache by (org, record, checksum) between slices, so a file of many
/// slices is downloaded once per process and not once a slice; a miss (another instance, a restart) downloads and checks it again.
/// </summary>
public sealed class BulkFiles(MrsFiles files, BulkFileCache cache)
{
    public static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The file's content when MRS holds a completed upload whose SHA-256 is <paramref name="sha256"/>.</summary>
    public async Task<ImportFile> ReadAsync(string orgcode, string recordGuid, string sha256, CancellationToken ct)
    {
        var key = $"{orgcode}/{recordGuid}/{sha256}";
        if (cache.Files.TryGetValue(key, out byte[]? cached) && cached is not null)
        {
            return new ImportFile(cached, null);
        }
        var meta = await files.MetaAsync(orgcode, recordGuid, ct);
        if (meta is null)
        {
            return new ImportFile(null, IpmProblems.UnknownReference("file_record_guid", $"MRS has no record {recordGuid} in this org."));
        }
        if (meta.Status != "ready" || meta.DownloadUrl is null)
        {
            return new ImportFile(null, IpmProblems.FileNotReady(recordGuid, meta.Status));
        }
        var content = await files.DownloadAsync(orgcode, recordGuid, ct);
        var actual = Sha256Of(content);
        if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
        {
            return new ImportFile(null, IpmProblems.ChecksumMismatch(sha256, actual));
        }
        cache.Files.Set(key, content, new MemoryCacheEntryOptions { Size = Math.Max(1, content.LongLength), SlidingExpiration = TimeSpan.FromMinutes(10) });
        return new ImportFile(content, null);
    }

    /// <summary>Writes an export part (NDJSON, stored gzip); a repeated step with the same key has its effect once.</summary>
    public Task<(string RecordGuid, long StoredBytes)> WritePartAsync(string orgcode, BulkJob job, int part, byte[] ndjson, CancellationToken ct) =>
        files.UploadAsync(orgcode, ndjson, "application/x-ndjson", $"{job.Entity}-{job.JobGuid}-{part:D6}.ndjson.gz", ["ipm-bulk-export", $"entity:{job.Entity}"],
            $"ipm-bulk:{job.JobGuid}:{part}", ct);
}

/// <summary>Import files between slices: at most 256 MiB of content in one process.</summary>
public sealed class BulkFileCache : IDisposable
{
    public MemoryCache Files { get; } = new(new MemoryCacheOptions { SizeLimit = 256L * 1024 * 1024 });

    public void Dispose() => Files.Dispose();
}
