namespace Retail.Scm.Policies;

/// <summary>
/// The tax of a cart or an order (<see cref="ITaxQuoter"/>): the policy version in effect at the time for the
/// jurisdiction (a subdivision falls back to its country), each line's category (given, else the variant's, else its
/// style's, else <c>standard</c>), per line tax rounded half up. Reads only SCM's own records: one indexed seek per
/// jurisdiction tried and one bulk read of the categories, no service call. Lines an active tax-exemption certificate of
/// the buyer covers (SCM's copy of CRM's, one indexed seek per holder) are zero-rated and name the certificate.
/// </summary>
public sealed class TaxQuoter(RecordStore<TaxPolicy> policies, RecordStore<TaxCategoryAssignment> categories,
    RecordStore<ExemptionCertificateCopy> exemptions) : ITaxQuoter
{
    private const int MaxCertificatesPerHolder = 100;

    public async Task<TaxQuote?> QuoteAsync(string orgcode, TaxInput input, CancellationToken ct)
    {
        var policy = await InEffectAsync(orgcode, input.Jurisdiction, input.At, ct);
        return policy is null ? null : await ExemptAsync(orgcode, TaxMath.Quote(policy, await CategoriesAsync(orgcode, input.Lines, ct)),
            TaxCodes.NormalizeJurisdiction(input.Jurisdiction), input.Holders, input.At, ct);
    }

    /// <summary>
    /// The quote under one given version (an order's own), or null when that version does not exist; the certificates of
    /// <paramref name="holders"/> in force at <paramref name="at"/> in <paramref name="buyerJurisdiction"/> exempt what they cover.
    /// </summary>
    public async Task<TaxQuote?> QuoteWithVersionAsync(string orgcode, string jurisdiction, long version, IReadOnlyList<TaxLineInput> lines,
        CancellationToken ct, IReadOnlyList<string>? holders = null, string? buyerJurisdiction = null, DateTimeOffset? at = null)
    {
        var policy = (await policies.GetAsync(orgcode, TaxPolicy.KeyOf(TaxCodes.NormalizeJurisdiction(jurisdiction), version), ct: ct))?.Record;
        return policy is null ? null : await ExemptAsync(orgcode, TaxMath.Quote(policy, await CategoriesAsync(orgcode, lines, ct)),
            TaxCodes.NormalizeJurisdiction(buyerJurisdiction ?? jurisdiction), holders ?? [], at ?? DateTimeOffset.UtcNow, ct);
    }

    /// <summary>The quote with the lines the holders' active certificates cover zero-rated (<see cref="ExemptionRules.Apply"/>).</summary>
    public async Task<TaxQuote> ExemptAsync(string orgcode, TaxQuote quote, string jurisdiction, IReadOnlyList<string> holders, DateTimeOffset at,
        CancellationToken ct)
    {
        var certificates = new List<ExemptionCertificateCopy>();
        foreach (var holder in holders.Where(h => !string.IsNullOrWhiteSpace(h)).Select(GuidKey).Distinct(StringComparer.Ordinal))
        {
            var page = await exemptions.ListAsync(orgcode, [StateFilter.Eq("holder_guid", holder), StateFilter.Eq("status", ExemptionRules.Active)],
                MaxCertificatesPerHolder, ct: ct);
            certificates.AddRange(page.Items);
        }
        return ExemptionRules.Apply(quote, jurisdiction, certificates, ExemptionRules.DayOf(at));
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
