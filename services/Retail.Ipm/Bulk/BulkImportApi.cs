using System.Text.Json.Nodes;
using Retail.Shared;
using Retail.Shared.Json;

namespace Retail.Ipm.Bulk;

/// <summary>The data of <see cref="IpmEvents.BulkImportCommitted"/>.</summary>
public sealed record BulkImportCommitted(string Orgcode, string JobGuid, string Entity, long FileRecords, long Written, long Unchanged, long Rejected,
    bool QuarantineAccepted, long TargetCount);

/// <summary>
/// UC-IPM-003 imports, admin-only in the org of <c>x-orgcode</c>: <c>create</c> checks the file and the mapping, each
/// <c>continue</c> loads one slice through the target's bulk port and commits the job's progress and the slice's quarantine in
/// one transaction, <c>commit</c> reconciles against the target and closes the import.
/// </summary>
public static class BulkImportApi
{
    public static RouteGroupBuilder MapBulkImport(this IEndpointRouteBuilder routes)
    {
        var imports = routes.MapGroup("/bulk/import").WithTags("Bulk");
        imports.MapPost("/create", Create).RequireRole(Role.Admin).AsWrite()
            .WithSummary("An import of an MRS file (NDJSON or CSV, with its SHA-256) into an entity with a mapping; dry_run validates only. Answers the first continuation_token.");
        imports.MapPost("/continue", Continue).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Loads the next slice: parse, map, upsert in the target, quarantine rejects, count; answers the next continuation_token (null: done). The same token again answers the same.");
        imports.MapPost("/commit", Commit).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Closes a processed import with its reconciliation report; refused while records are quarantined unless accept_quarantine.");
        return imports;
    }

    public static async Task<Results<Created<BulkJob>, ProblemHttpResult>> Create(ImportCreateRequest request, RecordStore<BulkJob> jobs, BulkTarget target,
        BulkFiles files, BulkTokens tokens, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (entity, refused) = await target.EntityAsync(orgcode, request.Entity!, request.SchemaVersion!.Value, ct);
        if (refused is not null)
        {
            return refused;
        }
        var fileGuid = Guid.Parse(request.FileRecordGuid!).ToString();
        var sha256 = request.Sha256!.ToLowerInvariant();
        var (content, unusable) = await files.ReadAsync(orgcode, fileGuid, sha256, ct);
        if (unusable is not null)
        {
            return unusable;
        }
        var offset = BulkRules.StartOffset(content);
        long line = 1;
        IReadOnlyList<string>? header = null;
        if (request.Format == BulkFormat.Csv)
        {
            var first = BulkRules.Slice(content, offset, line, 1);
            header = first.Lines.Count == 1 ? BulkRules.CsvFields(first.Lines[0].Text) : null;
            if (header is not { Count: > 0 })
            {
                return IpmProblems.Mapping("invalid_csv_header", "file_record_guid", "The CSV file has no header line.");
            }
            (offset, line) = (first.NextOffset, first.NextLine);
        }
        var mapping = BulkRules.MappingOf(request.Mapping?.Select(m => new BulkMappingRule(m.Target!, m.Source, m.Constant)).ToList(), entity!, header);
        if (BulkRules.CheckMapping(mapping, entity!, header) is { } fault)
        {
            return IpmProblems.Mapping(fault.Code, fault.Field, fault.Reason);
        }
        var jobGuid = Ids.New();
        var job = new BulkJob
        {
            JobGuid = jobGuid,
            Kind = BulkKind.Import,
            Entity = entity!.Entity,
            SchemaVersion = entity.SchemaVersion,
            NaturalKey = entity.NaturalKey,
            FieldTypes = entity.Fields.ToDictionary(f => f.Name, f => f.Type, StringComparer.Ordinal),
            DryRun = request.DryRun == true,
            Format = request.Format,
            FileRecordGuid = fileGuid,
            FileSha256 = sha256,
            FileRecords = BulkRules.CountRecords(content, offset),
            CsvHeader = header,
            Mapping = mapping,
            SliceSize = request.SliceSize ?? BulkRules.DefaultSliceSize,
            NextOffset = offset,
            NextLine = line,
            ContinuationToken = await tokens.SealAsync(orgcode, jobGuid, 0, ct),
            RequestedBy = context.RequirePrincipal().Id,
        };
        return (await jobs.CreateAsync(orgcode, job, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<BulkContinueAnswer>, ProblemHttpResult>> Continue(BulkContinueRequest request, RecordStore<BulkJob> jobs,
        RecordStore<BulkQuarantineItem> quarantine, BulkTarget target, BulkFiles files, BulkTokens tokens, RequestContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, replay, problem) = await tokens.ContinueAsync(jobs, orgcode, request, BulkKind.Import, ct);
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

        var (content, unusable) = await files.ReadAsync(orgcode, job.FileRecordGuid!, job.FileSha256!, ct);
        if (unusable is not null)
        {
            return unusable;
        }
        var lines = BulkRules.Slice(content, job.NextOffset, job.NextLine, job.SliceSize);
        var items = new List<BulkQuarantineItem>();
        var sent = new List<(SourceLine Line, JsonObject Record, string? Key)>(lines.Lines.Count);
        foreach (var source in lines.Lines)
        {
            var parsed = BulkRules.Parse(job.Format!.Value, source.Text, job.CsvHeader);
            if (parsed.Failed)
            {
                items.Add(BulkJobRules.Quarantined(job, slice, source, null, "unparseable", parsed.Error!, null));
                continue;
            }
            var record = BulkRules.Map(parsed, job.Mapping, job.FieldTypes);
            sent.Add((source, record, BulkRules.NaturalKeyOf(record, job.NaturalKey)));
        }

        long created = 0, updated = 0, unchanged = 0;
        var accepted = new List<string>();
        if (sent.Count > 0)
        {
            var (answer, refused) = await target.UpsertAsync(orgcode, job, [.. sent.Select(s => s.Record)], $"ipm-bulk:{jobGuid}:{slice}", ct);
            if (refused is not null)
            {
                return refused;
            }
            var byIndex = answer!.Results.GroupBy(r => r.Index).ToDictionary(g => g.Key, g => g.First());
            for (var i = 0; i < sent.Count; i++)
            {
                var (line, _, key) = sent[i];
                var outcome = byIndex.GetValueOrDefault(i);
                switch (outcome?.Outcome)
                {
                    case "created": created++; accepted.Add(outcome.Key ?? key ?? ""); break;
                    case "updated": updated++; accepted.Add(outcome.Key ?? key ?? ""); break;
                    case "unchanged": unchanged++; accepted.Add(outcome.Key ?? key ?? ""); break;
                    case "rejected":
                        items.Add(BulkJobRules.Quarantined(job, slice, line, outcome.Key ?? key, outcome.Code ?? "rejected", outcome.Reason ?? "rejected by the target", outcome.Field));
                        break;
                    default:
                        items.Add(BulkJobRules.Quarantined(job, slice, line, key, "no_outcome", "the target answered no outcome for this record", null));
                        break;
                }
            }
        }

        var counts = new BulkCounts(lines.Lines.Count, created, updated, unchanged, items.Count);
        var sliceResult = new BulkSliceResult(slice, lines.Lines.FirstOrDefault()?.Line ?? job.NextLine, lines.Lines.LastOrDefault()?.Line ?? job.NextLine,
            counts, lines.Lines.Count, null);
        var next = job with
        {
            Status = lines.Done ? (job.DryRun ? BulkJobStatus.Validated : BulkJobStatus.Processed) : BulkJobStatus.Running,
            NextSlice = slice + 1,
            NextOffset = lines.NextOffset,
            NextLine = lines.NextLine,
            ContinuationToken = lines.Done ? null : await tokens.SealAsync(orgcode, jobGuid, slice + 1, ct),
            LastSlice = sliceResult,
            Counts = job.Counts.Add(counts),
            SampledKeys = BulkRules.Sample(job.SampledKeys, job.Counts.Accepted, accepted.Where(k => k.Length > 0), Random.Shared),
            FinishedAt = lines.Done && job.DryRun ? clock.GetUtcNow() : null,
        };
        var batch = new RecordBatch();
        var stored = jobs.Update(batch, orgcode, loaded, next, "slice_processed");
        foreach (var item in items)
        {
            quarantine.Create(batch, orgcode, item);
        }
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            // Another continue with this token won: answer what it committed.
            var latest = await jobs.GetAsync(orgcode, jobGuid, ct: ct);
            return latest is not null && BulkJobRules.Replay(latest.Record, slice) is { } raced ? TypedResults.Ok(raced) : write.Problem();
        }
        return TypedResults.Ok(new BulkContinueAnswer(stored, sliceResult, stored.ContinuationToken, lines.Done));
    }

    public static async Task<Results<Ok<BulkJob>, ProblemHttpResult>> Commit(ImportCommitRequest request, RecordStore<BulkJob> jobs, BulkTarget target,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await jobs.LoadForChangeAsync(orgcode, Guid.Parse(request.JobGuid!).ToString(), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var job = loaded!.Record;
        if (job.Kind != BulkKind.Import)
        {
            return ApiProblem.NotFound("No such import in this org.");
        }
        if (BulkJob.Lifecycle.Check(job.Status, BulkJobStatus.Committed) is { } refused)
        {
            return refused;
        }
        var accept = request.AcceptQuarantine == true;
        if (job.Counts.Rejected > 0 && !accept)
        {
            return IpmProblems.QuarantineUnresolved(job.Counts.Rejected);
        }
        IReadOnlyList<string> found = [], missing = [];
        if (job.SampledKeys.Count > 0)
        {
            var (keys, unavailable) = await target.KeysAsync(orgcode, job, job.SampledKeys, ct);
            if (unavailable is not null)
            {
                return unavailable;
            }
            (found, missing) = (keys!.Found, keys.Missing);
        }
        var (count, uncounted) = await target.CountAsync(orgcode, job, ct);
        if (uncounted is not null)
        {
            return uncounted;
        }
        var report = BulkJobRules.Reconcile(job, accept, count!.Count, found.Count, missing);
        if (!report.Matched)
        {
            return IpmProblems.ReconciliationMismatch(missing);
        }
        var next = job with { Status = BulkJobStatus.Committed, Report = report, FinishedAt = clock.GetUtcNow() };
        var data = new BulkImportCommitted(orgcode, job.JobGuid, job.Entity, report.FileRecords, report.Written, report.Unchanged, report.Rejected, accept,
            report.TargetCount);
        return (await jobs.UpdateAsync(orgcode, loaded, next, "committed",
            [new DomainEvent(IpmEvents.BulkImportCommitted, data, $"{BulkJob.Type.Entity}/{job.JobGuid}")], ct)).ToOk();
    }
}

/// <summary>The decisions of a job's steps that need no I/O.</summary>
public static class BulkJobRules
{
    /// <summary>The answer a slice gave, when <paramref name="slice"/> is the one the job processed last: a token used twice answers the same.</summary>
    public static BulkContinueAnswer? Replay(BulkJob job, int slice) =>
        job.LastSlice is { } last && last.Slice == slice && job.NextSlice == slice + 1
            ? new BulkContinueAnswer(job, last, job.ContinuationToken, job.ContinuationToken is null)
            : null;

    public static BulkQuarantineItem Quarantined(BulkJob job, int slice, SourceLine line, string? key, string code, string reason, string? field) => new()
    {
        ItemKey = BulkQuarantineItem.KeyOf(job.JobGuid, line.Line),
        JobGuid = job.JobGuid,
        Line = line.Line,
        Slice = slice,
        NaturalKey = key,
        Code = code,
        Reason = reason,
        Field = field,
        Raw = BulkRules.Raw(line.Text),
    };

    /// <summary>Playbook F's reconciliation: every sampled key must be in the target.</summary>
    public static BulkReconciliation Reconcile(BulkJob job, bool quarantineAccepted, long targetCount, int keysFound, IReadOnlyList<string> keysMissing) =>
        new(job.Counts.Read, job.Counts.Created + job.Counts.Updated, job.Counts.Unchanged, job.Counts.Rejected, quarantineAccepted, targetCount,
            job.SampledKeys, keysFound, keysMissing, keysMissing.Count == 0 && keysFound == job.SampledKeys.Count);
}
