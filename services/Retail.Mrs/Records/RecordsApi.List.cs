using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Retail.Mrs.Records;

public static partial class RecordsApi
{
    /// <summary>
    /// An org's records, newest key last: by a tag, the tag's index (other tags are checked on that page); otherwise the
    /// kind and status index, with expired records left out by the query itself.
    /// </summary>
    public static async Task<Ok<Page<RecordMeta>>> ListRecords(ListRecordsRequest request, RecordStore<MrsRecord> store, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var includeDoomed = request.IncludeDoomed ?? false;
        var now = clock.GetUtcNow();
        var limit = Paging.LimitOf(request);
        var wanted = RecordRules.NormalizeTags(request.Tags);
        if (wanted.Count > 0)
        {
            var tagged = await store.ListByValueAsync(orgcode, "tag", wanted[0], limit, request.NextToken, includeDoomed, ct);
            var items = tagged.Items.Where(r => (includeDoomed || r.IsServedAt(now)) && wanted.All(r.Tags.Contains)
                && (request.Kind is null || r.Kind == request.Kind) && (request.Status is null || r.Status == request.Status));
            return TypedResults.Ok(new Page<RecordMeta>(items.Select(r => RecordMeta.From(r)).ToList(), tagged.NextToken));
        }
        var filters = new List<StateFilter>();
        if (request.Kind is { } kind)
        {
            filters.Add(StateFilter.Eq("kind", kind));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        if (!includeDoomed)
        {
            filters.Add(StateFilter.Above("served_until", now.ToUnixTimeMilliseconds()));
        }
        var page = await store.ListAsync(orgcode, filters, limit, request.NextToken, includeDoomed, ct: ct);
        return TypedResults.Ok(new Page<RecordMeta>(page.Items.Select(r => RecordMeta.From(r)).ToList(), page.NextToken));
    }
}
