using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Retail.Mrs.Records;

/// <summary>Changes to a record: tags, time to live, doom.</summary>
public static partial class RecordsApi
{
    public static Task<Results<Ok<RecordMeta>, ProblemHttpResult>> AddTags(TagsRequest request, RecordStore<MrsRecord> store, RequestContext context,
        TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(store, context, request.RecordGuid!, request.ExpectedRevision, clock, r =>
        {
            var tags = r.Tags.Union(RecordRules.NormalizeTags(request.Tags), StringComparer.Ordinal).ToList();
            return tags.Count > RecordRules.MaxTags ? null : r with { Tags = tags };
        }, ct);

    public static Task<Results<Ok<RecordMeta>, ProblemHttpResult>> RemoveTags(TagsRequest request, RecordStore<MrsRecord> store, RequestContext context,
        TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(store, context, request.RecordGuid!, request.ExpectedRevision, clock,
            r => r with { Tags = r.Tags.Except(RecordRules.NormalizeTags(request.Tags), StringComparer.Ordinal).ToList() }, ct);

    public static Task<Results<Ok<RecordMeta>, ProblemHttpResult>> SetTtl(TtlRequest request, RecordStore<MrsRecord> store, RequestContext context,
        TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(store, context, request.RecordGuid!, request.ExpectedRevision, clock,
            r => r with { ExpiresAt = request.TtlSeconds is { } ttl ? clock.GetUtcNow().AddSeconds(ttl) : null }, ct);

    public static async Task<Results<Ok<RecordMeta>, ProblemHttpResult>> DoomRecord(RecordChangeRequest request, RecordStore<MrsRecord> store,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadForChangeAsync(store, orgcode, request.RecordGuid, request.ExpectedRevision, clock, ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await store.DoomAsync(orgcode, loaded!, [new DomainEvent(MrsEvents.RecordDoomed, new RecordDoomed(orgcode, loaded!.Record.RecordGuid))], ct);
        return write.ToOk(r => RecordMeta.From(r));
    }

    private static async Task<Results<Ok<RecordMeta>, ProblemHttpResult>> ChangeAsync(RecordStore<MrsRecord> store, RequestContext context,
        string recordGuid, long? expectedRevision, TimeProvider clock, Func<MrsRecord, MrsRecord?> change, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadForChangeAsync(store, orgcode, recordGuid, expectedRevision, clock, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (change(loaded!.Record) is not { } next)
        {
            return ApiProblem.Validation("tags", $"a record has at most {RecordRules.MaxTags} tags");
        }
        var write = await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return write.ToOk(r => RecordMeta.From(r));
    }

    /// <summary>A change is to a record the caller can still see: doomed and expired records are 404.</summary>
    private static Task<ChangeBase<MrsRecord>> LoadForChangeAsync(RecordStore<MrsRecord> store, string orgcode, string? recordGuid,
        long? expectedRevision, TimeProvider clock, CancellationToken ct) =>
        store.LoadForChangeAsync(orgcode, recordGuid, expectedRevision, visible: r => r.IsServedAt(clock.GetUtcNow()), ct: ct);
}
