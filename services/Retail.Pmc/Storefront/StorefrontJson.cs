using System.Text;
using System.Text.Json;
using Retail.Pmc.Products;
using Retail.Shared.Json;

namespace Retail.Pmc.Storefront;

/// <summary>An option group and the option codes its variants have (in variant order).</summary>
public sealed record OptionGroupValues(string OptionGroupCode, IReadOnlyList<string> OptionCodes);

/// <summary>
/// What list and search answer per product. <see cref="InStock"/> stays the last property: the index stores the JSON up to
/// its value and ends it with the current stock flag when it answers, so a stock change rewrites no JSON.
/// </summary>
public sealed record ProductSummary(
    string StyleGuid,
    string StyleCode,
    string Name,
    NamedRef Brand,
    NamedRef Category,
    PriceSummary? Price,
    MediaRef? PrimaryMedia,
    int VariantCount,
    IReadOnlyList<OptionGroupValues> Options,
    int RevisionNo,
    bool InStock);

/// <summary>A page of summaries (<c>next_token</c> null on the last page).</summary>
public sealed record ProductSummaryPage(IReadOnlyList<ProductSummary> Items, string? NextToken);

/// <summary>Facet counts over every product that matches (not only the page): per brand, category (with ancestors) and option value.</summary>
public sealed record FacetCounts(IReadOnlyList<FacetValueCount> Brand, IReadOnlyList<FacetValueCount> Category, IReadOnlyList<FacetValueCount> Option);

/// <summary>
/// A facet value: for brand and category the record's guid (code and name when the index knows them); for an option
/// <c>{option_group_code}:{option_code}</c> with both codes.
/// </summary>
public sealed record FacetValueCount(string Value, string? Code, string? Name, string? OptionGroupCode, long Count)
{
    public static FacetValueCount Of(FacetCount count) => new(count.Value, count.Code, count.Name, count.OptionGroupCode, count.Count);
}

/// <summary>A page of search results; <see cref="Facets"/> when asked.</summary>
public sealed record ProductSearchPage(IReadOnlyList<ProductSummary> Items, string? NextToken, FacetCounts? Facets);

/// <summary>Facet counts of one kind.</summary>
public sealed record ProductGroups(string By, IReadOnlyList<FacetValueCount> Items);

/// <summary>
/// An online product of the channel: the revision's content as published, which revision it is, and which of its variants
/// have stock available (any facility of the org).
/// </summary>
public sealed record StorefrontProduct(string ChannelCode, string StyleGuid, string StyleCode, int RevisionNo, DateTimeOffset PublishedAt, bool InStock,
    IReadOnlyList<string> VariantsInStock, ProductSnapshot Product);

public static class StorefrontJson
{
    private static readonly byte[] FalseEnd = "false}"u8.ToArray();

    public static ProductSummary SummaryOf(ProductRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var product = revision.Product;
        var options = product.Variants.SelectMany(v => v.Options)
            .GroupBy(o => o.OptionGroupCode, StringComparer.Ordinal)
            .Select(g => new OptionGroupValues(g.Key, [.. g.Select(o => o.OptionCode).Distinct(StringComparer.Ordinal)]))
            .ToList();
        return new ProductSummary(product.StyleGuid, product.StyleCode, product.Name, product.Brand, product.Category, product.Price,
            PrimaryMediaOf(product.Media), product.Variants.Count, options, revision.RevisionNo, false);
    }

    /// <summary>The media tagged <c>primary</c>, else the first image, else the first of any kind.</summary>
    public static MediaRef? PrimaryMediaOf(IReadOnlyList<MediaRef> media) =>
        media.FirstOrDefault(m => m.Tags.Contains("primary", StringComparer.Ordinal))
        ?? media.FirstOrDefault(m => m.ContentType.StartsWith("image/", StringComparison.Ordinal))
        ?? media.FirstOrDefault();

    /// <summary>The summary's JSON without its final <c>false}</c>: the index appends the current stock flag.</summary>
    public static byte[] SummaryPrefix(ProductSummary summary)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(summary with { InStock = false }, RetailJson.Api);
        if (!json.AsSpan().EndsWith(FalseEnd))
        {
            throw new InvalidOperationException("a product summary must end with its in_stock flag");
        }
        return json[..^FalseEnd.Length];
    }

    /// <summary><c>{"items":[…],"next_token":…</c> — the caller closes the object (facets may follow).</summary>
    public static void WritePage(Stream body, SummaryPage page, string? nextToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(page);
        body.Write("{\"items\":["u8);
        for (var i = 0; i < page.Items.Count; i++)
        {
            if (i > 0)
            {
                body.WriteByte((byte)',');
            }
            body.Write(page.Items[i]);
        }
        body.Write("],\"next_token\":"u8);
        if (nextToken is null)
        {
            body.Write("null"u8);
        }
        else
        {
            // Sealed tokens are base64url: nothing to escape.
            body.WriteByte((byte)'"');
            body.Write(Encoding.ASCII.GetBytes(nextToken));
            body.WriteByte((byte)'"');
        }
    }
}

/// <summary>
/// Turns what a shopper typed into a safe FTS5 expression: each whitespace-separated word becomes a quoted phrase of its
/// letter and digit runs (so <c>tee-s-red</c> matches the code and punctuation never reaches FTS5 as syntax), all words
/// must match, and the last one matches as a prefix (search as you type).
/// </summary>
public static class StorefrontText
{
    public const int MaxWords = 12;

    /// <summary>The expression, or null when the text has no letter or digit to search for.</summary>
    public static string? Match(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var phrases = new List<string>();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var runs = new List<string>();
            var run = new StringBuilder();
            foreach (var c in word.Normalize(NormalizationForm.FormC))
            {
                if (char.IsLetterOrDigit(c))
                {
                    run.Append(c);
                }
                else if (run.Length > 0)
                {
                    runs.Add(run.ToString());
                    run.Clear();
                }
            }
            if (run.Length > 0)
            {
                runs.Add(run.ToString());
            }
            if (runs.Count > 0)
            {
                phrases.Add(string.Join(' ', runs));
            }
            if (phrases.Count == MaxWords)
            {
                break;
            }
        }
        if (phrases.Count == 0)
        {
            return null;
        }
        var expression = new StringBuilder();
        for (var i = 0; i < phrases.Count; i++)
        {
            expression.Append(i == 0 ? "" : " ").Append('"').Append(phrases[i]).Append('"');
            if (i == phrases.Count - 1)
            {
                expression.Append('*');
            }
        }
        return expression.ToString();
    }
}
