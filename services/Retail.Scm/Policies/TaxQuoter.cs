namespace Retail.Scm.Policies;

/// <summary>
/// The tax of a cart or an order (<see cref="ITaxQuoter"/>): the policy version in effect at the time for the
/// jurisdiction (a subdivision falls back to its country), each line's category (given, else the variant's, else its
/// style's, else <c>standard</c>), per line tax rounded half up. Reads only SCM's own records: one indexed seek per
/// jurisdiction tried and one bulk read of the categories, no service call.
/// </summary>
public sealed class TaxQuoter(RecordStore<TaxPolicy> policies, RecordStore<TaxCategoryAssignment> categories) : ITaxQuoter
{
    public async Task<TaxQuote?> QuoteAsync(string orgcode, TaxInput input, CancellationToken ct)
    {
        var policy = await InEffectAsync(orgcode, input.Jurisdiction, input.At, ct);
        return policy is null ? null : TaxMath.Quote(policy, await CategoriesAsync(orgcode, input.Lines, ct));
    }

    /// <summary>The quote under one given version (an order's own), or null when that version does not exist.</summary>
    public async Task<TaxQuote?> QuoteWithVersionAsync(string orgcode, string jurisdiction, long version, IReadOnlyList<TaxLineInput> lines,
        CancellationToken ct)
    {
        var policy = (await policies.GetAsync(orgcode, TaxPolicy.KeyOf(TaxCodes.NormalizeJurisdiction(jurisdiction), version), ct: ct))?.Record;
        return policy is null ? null : TaxMath.Quote(policy, await CategoriesAsync(orgcode, lines, ct));
    }

    /// <summary>The version in effect at <paramref name="at"/> for the jurisdiction, or for its country when the subdivision has none.</summary>
    public async Task<TaxPolicy?> InEffectAsync(string orgcode, string jurisdiction, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var candidate in TaxCodes.FallbackChain(TaxCodes.NormalizeJurisdiction(jurisdiction)))
        {
            var page = await policies.ListAsync(orgcode,
                [StateFilter.Eq("jurisdiction", candidate), StateFilter.Below("effective_ms", at.ToUnixTimeMilliseconds(), inclusive: true)],
                limit: 1, sort: [new StateSort("effective_ms", Descending: true), new StateSort("version", Descending: true)], ct: ct);
            if (page.Items.Count > 0)
            {
                return page.Items[0];
            }
        }
        return null;
    }

    /// <summary>Each line's category: the one the line names, else the variant's, else its style's, else <c>standard</c>.</summary>
    public async Task<IReadOnlyList<(TaxLineInput Line, string Category)>> CategoriesAsync(string orgcode, IReadOnlyList<TaxLineInput> lines,
        CancellationToken ct)
    {
        var unnamed = lines.Where(l => string.IsNullOrWhiteSpace(l.TaxCategory)).ToList();
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        if (unnamed.Count > 0)
        {
            var keys = unnamed.Select(l => TaxCategoryAssignment.KeyOf("variant", GuidKey(l.VariantGuid)))
                .Concat(unnamed.Where(l => l.StyleGuid is not null).Select(l => TaxCategoryAssignment.KeyOf("style", GuidKey(l.StyleGuid!))))
                .Distinct(StringComparer.Ordinal).ToList();
            foreach (var found in await categories.GetManyAsync(orgcode, keys, ct: ct))
            {
                assigned[found.Key] = found.TaxCategory;
            }
        }
        return lines.Select(l => (l, !string.IsNullOrWhiteSpace(l.TaxCategory) ? Codes.Normalize(l.TaxCategory)
            : assigned.GetValueOrDefault(TaxCategoryAssignment.KeyOf("variant", GuidKey(l.VariantGuid)))
              ?? (l.StyleGuid is null ? null : assigned.GetValueOrDefault(TaxCategoryAssignment.KeyOf("style", GuidKey(l.StyleGuid))))
              ?? TaxCodes.Standard)).ToList();
    }

    public static string GuidKey(string guid) => Guid.TryParse(guid, out var g) ? g.ToString() : guid.Trim().ToLowerInvariant();
}
