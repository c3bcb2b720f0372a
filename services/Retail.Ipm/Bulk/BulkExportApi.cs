using System.Text.Json;
using Retail.Shared;

namespace Retail.Ipm.Bulk;

/// <summary>The data of <see cref="IpmEvents.BulkExportCompleted"/>.</summary>
public sealed record BulkExportCompleted(string Orgcode, string JobGuid, string Entity, int Parts, long Records);

/// <summary>
/// Exports, admin-only in the org of <c>x-orgcode</c>: each <c>continue</c> pulls the target's pages (<c>/bulk/export</c>) up to
/// a part's size, writes them as one gzip NDJSON file in MRS, and commits the part with the job's progress in one transaction.
/// Customer exports carry what CRM's port gives: without the consent to share, no personal fields and <c>consent_withheld</c>.
/// </summary>
public static class BulkExportApi
{
    public const int TargetPageLimit = 1000;

    public static RouteGroupBuilder MapBulkExport(this IEndpointRouteBuilder routes)
    {
        var exports = routes.MapGroup("/bulk/export").WithTags("Bulk");
        exports.MapPost("/create", Create).RequireRole(Role.Admin).AsWrite()
            .WithSummary("An export of an entity with the target's filters, in gzip NDJSON parts of at most part_size records. Answers the first continuation_token.");
        exports.MapPost("/continue", Continue).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Writes the next part into MRS; answers the next continuation_token (null: completed). The same token again answers the same.");
        return exports;
    }

    public static async Task<Results<Created<BulkJob>, ProblemHttpResult>> Create(ExportCreateRequest request, RecordStore<BulkJob> jobs, BulkTarget target,
        BulkTokens tokens, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (entity, refused) = await target.EntityAsync(orgcode, request.Entity!, request.SchemaVersion, ct);
        if (refused is not null)
        {
            return refused;
        }
        var jobGuid = Ids.New();
        var job = new BulkJob
        {
            JobGuid = jobGuid,
            Kind = BulkKind.Export,
            Entity = entity!.Entity,
            SchemaVersion = entity.SchemaVersion,
            NaturalKey = entity.NaturalKey,
            FieldTypes = entity.Fields.ToDictionary(f => f.Name, f => f.Type, StringComparer.Ordinal),
            Filters = request.Filters is { ValueKind: JsonValueKind.Object } filters ? filters : null,
            SliceSize = request.PartSize ?? BulkRules.DefaultPartSize,
            ContinuationToken = await tokens.SealAsync(orgcode, jobGuid, 0, ct),
            RequestedBy = context.RequirePrincipal().Id,
        };
        return (await jobs.CreateAsync(orgcode, job, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<BulkContinueAnswer>, ProblemHttpResult>> Continue(BulkContinueRequest request, RecordStore<BulkJob> jobs,
        RecordStore<BulkExportPart> parts, BulkTarget target, BulkFiles files, BulkTokens tokens, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, replay, problem) = await tokens.ContinueAsync(jobs, orgcode, request, BulkKind.Export, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (replay is not null)
        {
            return TypedResults.Ok(replay);
        }
        var job = loaded!.Record;
        var (jobGuid, slice) = (job.JobGuid, job.NextSlice);

        using var content = new MemoryStream();
        var records = 0;
        var token = job.TargetToken;
        do
        {
            var (page, refused) = await target.ExportAsync(orgcode, job, Math.Min(TargetPageLimit, job.SliceSize - records), token, ct);
            if (refused is not null)
            {
                return refused;
            }
            foreach (var item in page!.Items)
            {
                content.Write(JsonSerializer.SerializeToUtf8Bytes(item));
                content.WriteByte((byte)'\n');
                records++;
            }
            token = page.NextToken;
        }
        while (token is not null && records < job.SliceSize);

        var done = token is null;
        var batch = new RecordBatch();
        string? partKey = null;
        if (records > 0)
        {
            var ndjson = content.ToArray();
            var part = job.Parts + 1;
            var (recordGuid, stored) = await files.WritePartAsync(orgcode, job, part, ndjson, ct);
            partKey = BulkExportPart.KeyOf(jobGuid, part);
            parts.Create(batch, orgcode, new BulkExportPart
            {
                PartKey = partKey,
                JobGuid = jobGuid,
                Part = part,
                MrsRecordGuid = recordGuid,
                RecordCount = records,
                Sha256 = BulkFiles.Sha256Of(ndjson),
                StoredBytes = stored,
            });
        }
        var sliceResult = new BulkSliceResult(slice, 0, 0, BulkCounts.Zero with { Read = records }, records, partKey);
        var next = job with
        {
            Status = done ? BulkJobStatus.Completed : BulkJobStatus.Running,
            NextSlice = slice + 1,
            TargetToken = token,
            ContinuationToken = done ? null : await tokens.SealAsync(orgcode, jobGuid, slice + 1, ct),
            LastSlice = sliceResult,
            Counts = job.Counts.Add(sliceResult.Counts),
            Parts = job.Parts + (partKey is null ? 0 : 1),
            ExportedRecords = job.ExportedRecords + records,
            FinishedAt = done ? clock.GetUtcNow() : null,
        };
        IEnumerable<DomainEvent> events = done
            ? [new DomainEvent(IpmEvents.BulkExportCompleted, new BulkExportCompleted(orgcode, jobGuid, job.Entity, next.Parts, next.ExportedRecords),
                $"{BulkJob.Type.Entity}/{jobGuid}")]
            : [];
        var written = jobs.Update(batch, orgcode, loaded, next, "slice_processed", events);
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            var latest = await jobs.GetAsync(orgcode, jobGuid, ct: ct);
            return latest is not null && BulkJobRules.Replay(latest.Record, slice) is { } raced ? TypedResults.Ok(raced) : write.Problem();
        }
        return TypedResults.Ok(new BulkContinueAnswer(written, sliceResult, written.ContinuationToken, done));
    }
}
