using System.Text.Json;
using FluentValidation;
using Retail.Shared.Invocation;
using Retail.Shared.Json;

namespace Retail.Pmc.Storefront;

/// <summary>An option a product must offer: products match when a variant has it (OR within a group, AND across groups).</summary>
public sealed record OptionFilter(string? OptionGroupCode, string? OptionCode);

/// <summary>The filters list, search and group share.</summary>
public interface IProductFilters
{
    string? ChannelCode { get; }

    string? BrandGuid { get; }

    string? BrandCode { get; }

    /// <summary>The category or any of its descendants.</summary>
    string? CategoryGuid { get; }

    string? CategoryCode { get; }

    IReadOnlyList<OptionFilter>? Options { get; }

    /// <summary>Products whose price range overlaps [<see cref="PriceMinMinor"/>, <see cref="PriceMaxMinor"/>].</summary>
    long? PriceMinMinor { get; }

    long? PriceMaxMinor { get; }

    bool? InStock { get; }
}

/// <summary>One online product by <c>style_guid</c> or <c>style_code</c>; the channel from the body or <c>x-channel-code</c>.</summary>
public sealed record GetProductRequest(string? ChannelCode, string? StyleGuid, string? StyleCode);

/// <summary>Online products of the channel, filtered and sorted (<c>name</c> by default), 1–100 a page (default 20).</summary>
public sealed record ListProductsRequest(string? ChannelCode, string? BrandGuid, string? BrandCode, string? CategoryGuid, string? CategoryCode,
    IReadOnlyList<OptionFilter>? Options, long? PriceMinMinor, long? PriceMaxMinor, bool? InStock, StorefrontSort? Sort, int? Limit, string? NextToken)
    : IProductFilters, IPagedRequest;

/// <summary>
/// Text search over names, descriptions, style and variant codes, barcodes and brand names with the list's filters;
/// relevance order unless <c>sort</c> says otherwise; <c>facets: true</c> adds counts over every match.
/// </summary>
public sealed record SearchProductsRequest(string? ChannelCode, string? Q, bool? Facets, string? BrandGuid, string? BrandCode, string? CategoryGuid,
    string? CategoryCode, IReadOnlyList<OptionFilter>? Options, long? PriceMinMinor, long? PriceMaxMinor, bool? InStock, StorefrontSort? Sort,
    int? Limit, string? NextToken) : IProductFilters, IPagedRequest;

public enum ProductGroupBy
{
    Brand,
    Category,
    Option,
}

/// <summary>How many online products (with the filters) each brand, category or option value has.</summary>
public sealed record GroupProductsRequest(string? ChannelCode, ProductGroupBy? By, string? BrandGuid, string? BrandCode, string? CategoryGuid,
    string? CategoryCode, IReadOnlyList<OptionFilter>? Options, long? PriceMinMinor, long? PriceMaxMinor, bool? InStock) : IProductFilters;

public static partial class StorefrontRules
{
    public const string OptionCodePatternText = "^[a-z0-9][a-z0-9_.-]{0,63}$";

    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const int MaxOptions = 20;
    public const int MaxQueryLength = 200;
    public const int MaxFacetValues = 200;

    public static void AddFilterRules<T>(this AbstractValidator<T> validator) where T : IProductFilters
    {
        validator.RuleFor(r => r.ChannelCode).OptionalCode();
        validator.RuleFor(r => r.BrandGuid).OptionalGuid();
        validator.RuleFor(r => r.BrandCode).OptionalCode();
        validator.RuleFor(r => r.CategoryGuid).OptionalGuid();
        validator.RuleFor(r => r.CategoryCode).OptionalCode();
        validator.RuleFor(r => r.Options).Must(o => o is null || o.Count <= MaxOptions).WithMessage($"at most {MaxOptions} options");
        validator.RuleForEach(r => r.Options).ChildRules(option =>
        {
            option.RuleFor(o => o!.OptionGroupCode).BusinessCode();
            // PVM's option codes are values of their axis ("s", "10.5"): one character is enough, dots allowed.
            option.RuleFor(o => o!.OptionCode).NotEmpty().WithMessage("is required")
                .Must(c => c is null || OptionCodePattern().IsMatch(Codes.Normalize(c))).WithMessage($"must match {OptionCodePatternText}");
        }).When(r => r.Options is { Count: <= MaxOptions });
        validator.RuleFor(r => r.PriceMinMinor).GreaterThanOrEqualTo(0).When(r => r.PriceMinMinor is not null);
        validator.RuleFor(r => r.PriceMaxMinor).GreaterThanOrEqualTo(0).When(r => r.PriceMaxMinor is not null);
        validator.RuleFor(r => r.PriceMaxMinor).GreaterThanOrEqualTo(r => r.PriceMinMinor!.Value)
            .When(r => r.PriceMinMinor is not null && r.PriceMaxMinor is not null).WithMessage("must not be below price_min_minor");
    }

    [System.Text.RegularExpressions.GeneratedRegex(OptionCodePatternText, System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex OptionCodePattern();

    public static void AddPageRules<T>(this AbstractValidator<T> validator) where T : IPagedRequest
    {
        validator.RuleFor(r => r.Limit).InclusiveBetween(1, MaxLimit).When(r => r.Limit is not null);
        validator.RuleFor(r => r.NextToken).MaximumLength(1024);
    }
}

public sealed class GetProductRequestValidator : AbstractValidator<GetProductRequest>
{
    public GetProductRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.StyleGuid).OptionalGuid();
        RuleFor(r => r.StyleCode).OptionalCode();
        RuleFor(r => r.StyleGuid).NotEmpty().When(r => r.StyleCode is null).WithMessage("style_guid or style_code is required");
        RuleFor(r => r.StyleCode).Null().When(r => r.StyleGuid is not null).WithMessage("give style_guid or style_code, not both");
    }
}

public sealed class ListProductsRequestValidator : AbstractValidator<ListProductsRequest>
{
    public ListProductsRequestValidator()
    {
        this.AddFilterRules();
        this.AddPageRules();
        RuleFor(r => r.Sort).NotEqual(StorefrontSort.Relevance).WithMessage("relevance orders search results; list sorts by name, price_asc, price_desc or newest");
    }
}

public sealed class SearchProductsRequestValidator : AbstractValidator<SearchProductsRequest>
{
    public SearchProductsRequestValidator()
    {
        this.AddFilterRules();
        this.AddPageRules();
        RuleFor(r => r.Q).NotEmpty().WithMessage("is required")
            .Must(q => q is null || (q.Length <= StorefrontRules.MaxQueryLength && RequestRules.IsText(q, StorefrontRules.MaxQueryLength)))
            .WithMessage($"must be 1–{StorefrontRules.MaxQueryLength} characters without control or format characters");
    }
}

public sealed class GroupProductsRequestValidator : AbstractValidator<GroupProductsRequest>
{
    public GroupProductsRequestValidator()
    {
        this.AddFilterRules();
        RuleFor(r => r.By).NotNull().WithMessage("is required (brand, category or option)");
    }
}

/// <summary>
/// The storefront (issue 14, UC-PMC-005): what a channel sells right now, from the read model only. The index answers
/// each page with one indexed statement and the summaries as stored JSON, written straight to the response.
/// </summary>
public static class StorefrontApi
{
    public static RouteGroupBuilder MapStorefrontApi(this IEndpointRouteBuilder routes)
    {
        var products = routes.MapGroup("/product").WithTags("Storefront");
        products.MapPost("/get", Get).RequireRole(Role.Viewer).Produces<StorefrontProduct>()
            .WithSummary("The online product of the channel by style_guid or style_code: the served revision's content, its number, and which variants have stock.");
        products.MapPost("/list", List).RequireRole(Role.Viewer).Produces<ProductSummaryPage>()
            .WithSummary("Online products of the channel as summaries: filters (brand, category with its descendants, option values, price range, in stock), sort (name, price_asc, price_desc, newest), paged.");
        products.MapPost("/search", Search).RequireRole(Role.Viewer).Produces<ProductSearchPage>()
            .WithSummary("Text search over the channel's online products with the list's filters, relevance order by default; facets: true adds brand, category and option counts over every match.");
        products.MapPost("/group", Group).RequireRole(Role.Viewer).Produces<ProductGroups>()
            .WithSummary("Facet counts of the channel's online products (with the list's filters) by brand, category (ancestors count their descendants) or option value.");
        return products;
    }

    public static async Task<Results<StorefrontJsonResult, ProblemHttpResult>> Get(GetProductRequest request, StorefrontIndex index,
        RequestContext context, IOrgDirectory directory, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, refused) = await ChannelOfAsync(request.ChannelCode, context, directory, ct);
        if (refused is not null)
        {
            return refused;
        }
        var styleGuid = request.StyleGuid?.Trim().ToLowerInvariant();
        var styleCode = styleGuid is null ? Codes.Normalize(request.StyleCode!) : null;
        var product = index.GetProduct(orgcode, channel!, styleGuid, styleCode);
        if (product is null)
        {
            return ApiProblem.NotFound($"No product '{styleGuid ?? styleCode}' is online in channel '{channel}'.");
        }
        return StorefrontJsonResult.Of(body =>
        {
            using var writer = new Utf8JsonWriter(body);
            writer.WriteStartObject();
            writer.WriteString("channel_code", product.ChannelCode);
            writer.WriteString("style_guid", product.StyleGuid);
            writer.WriteString("style_code", product.StyleCode);
            writer.WriteNumber("revision_no", product.RevisionNo);
            writer.WritePropertyName("published_at");
            JsonSerializer.Serialize(writer, product.PublishedAt, RetailJson.Api);
            writer.WriteBoolean("in_stock", product.InStock);
            writer.WriteStartArray("variants_in_stock");
            foreach (var variant in product.VariantsInStock)
            {
                writer.WriteStringValue(variant);
            }
            writer.WriteEndArray();
            writer.WritePropertyName("product");
            writer.WriteRawValue(product.Product, skipInputValidation: true);
            writer.WriteEndObject();
        });
    }

    public static async Task<Results<StorefrontJsonResult, ProblemHttpResult>> List(ListProductsRequest request, StorefrontIndex index, StorefrontCategories categories,
        RequestContext context, IOrgDirectory directory, PageTokens tokens, CancellationToken ct)
    {
        var (query, refused) = await QueryOfAsync(request, context, directory, categories, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (query is null)
        {
            return StorefrontJsonResult.Of(body => StorefrontJson.WritePage(body, new SummaryPage([], null), null), close: true);
        }
        query = query with { Sort = request.Sort ?? StorefrontSort.Name, Limit = request.Limit ?? StorefrontRules.DefaultLimit };
        var list = ListIdentity("list", query);
        var cursor = await tokens.OpenAsync(request.NextToken, list, ct);
        var page = index.Query(query, cursor);
        var next = await tokens.SealAsync(page.Cursor, list, ct);
        return StorefrontJsonResult.Of(body => StorefrontJson.WritePage(body, page, next), close: true);
    }

    public static async Task<Results<StorefrontJsonResult, ProblemHttpResult>> Search(SearchProductsRequest request, StorefrontIndex index, StorefrontCategories categories,
        RequestContext context, IOrgDirectory directory, PageTokens tokens, CancellationToken ct)
    {
        var (query, refused) = await QueryOfAsync(request, context, directory, categories, ct);
        if (refused is not null)
        {
            return refused;
        }
        var match = StorefrontText.Match(request.Q);
        if (query is null || match is null)
        {
            // Nothing to look for (only punctuation) or a filter nothing can match: an empty answer, not an error.
            return StorefrontJsonResult.Of(body =>
            {
                StorefrontJson.WritePage(body, new SummaryPage([], null), null);
                WriteFacets(body, request.Facets == true ? [] : null);
            });
        }
        query = query with { Text = match, Sort = request.Sort ?? StorefrontSort.Relevance, Limit = request.Limit ?? StorefrontRules.DefaultLimit };
        var list = ListIdentity("search", query);
        var cursor = await tokens.OpenAsync(request.NextToken, list, ct);
        var page = index.Query(query, cursor);
        var facets = request.Facets == true ? index.Facets(query, [FacetKinds.Brand, FacetKinds.Category, FacetKinds.Option], StorefrontRules.MaxFacetValues) : null;
        var next = await tokens.SealAsync(page.Cursor, list, ct);
        return StorefrontJsonResult.Of(body =>
        {
            StorefrontJson.WritePage(body, page, next);
            WriteFacets(body, facets);
        });
    }

    public static async Task<Results<Ok<ProductGroups>, ProblemHttpResult>> Group(GroupProductsRequest request, StorefrontIndex index, StorefrontCategories categories,
        RequestContext context, IOrgDirectory directory, CancellationToken ct)
    {
        var (query, refused) = await QueryOfAsync(request, context, directory, categories, ct);
        if (refused is not null)
        {
            return refused;
        }
        var by = request.By!.Value switch
        {
            ProductGroupBy.Brand => FacetKinds.Brand,
            ProductGroupBy.Category => FacetKinds.Category,
            _ => FacetKinds.Option,
        };
        var counts = query is null ? [] : index.Facets(query, [by], StorefrontRules.MaxFacetValues);
        return TypedResults.Ok(new ProductGroups(by, [.. counts.Select(FacetValueCount.Of)]));
    }

    private static void WriteFacets(Stream body, IReadOnlyList<FacetCount>? facets)
    {
        body.Write(",\"facets\":"u8);
        if (facets is null)
        {
            body.Write("null}"u8);
            return;
        }
        var counts = new FacetCounts(
            [.. facets.Where(f => f.Kind == FacetKinds.Brand).Select(FacetValueCount.Of)],
            [.. facets.Where(f => f.Kind == FacetKinds.Category).Select(FacetValueCount.Of)],
            [.. facets.Where(f => f.Kind == FacetKinds.Option).Select(FacetValueCount.Of)]);
        JsonSerializer.Serialize(body, counts, RetailJson.Api);
        body.WriteByte((byte)'}');
    }

    /// <summary>The list a token belongs to: every filter and the sort (not the limit), so a token cannot page another list.</summary>
    private static string ListIdentity(string kind, StorefrontQuery query) =>
        $"pmc/product/{kind}|" + JsonSerializer.Serialize(query with { Limit = 0 }, RetailJson.Storage);

    /// <summary>
    /// The channel and filters as the index takes them; a null query (and no problem) when a code names nothing the index
    /// holds, so nothing can match.
    /// </summary>
    private static async Task<(StorefrontQuery? Query, ProblemHttpResult? Problem)> QueryOfAsync(IProductFilters filters, RequestContext context,
        IOrgDirectory directory, StorefrontCategories categories, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, refused) = await ChannelOfAsync(filters.ChannelCode, context, directory, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var categoryGuid = filters.CategoryGuid?.Trim().ToLowerInvariant();
        if (filters.CategoryCode is { } categoryCode)
        {
            string? known;
            try
            {
                known = await categories.GuidOfAsync(orgcode, Codes.Normalize(categoryCode), ct);
            }
            catch (DependencyUnavailableException ex)
            {
                return (null, ApiProblem.DependencyUnavailable(ex.Dependency));
            }
            if (known is null || (categoryGuid is not null && categoryGuid != known))
            {
                return (null, null);
            }
            categoryGuid = known;
        }
        var options = (filters.Options ?? [])
            .GroupBy(o => Codes.Normalize(o.OptionGroupCode!), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[.. g.Select(o => $"{g.Key}:{Codes.Normalize(o.OptionCode!)}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)])
            .ToList();
        return (new StorefrontQuery(orgcode, channel!)
        {
            BrandGuid = filters.BrandGuid?.Trim().ToLowerInvariant(),
            BrandCode = filters.BrandCode is null ? null : Codes.Normalize(filters.BrandCode),
            CategoryGuid = categoryGuid,
            Options = options,
            PriceMinMinor = filters.PriceMinMinor,
            PriceMaxMinor = filters.PriceMaxMinor,
            InStock = filters.InStock,
        }, null);
    }

    /// <summary>
    /// The body's <c>channel_code</c>, else the <c>x-channel-code</c> header (already checked by the contract middleware);
    /// required. A body code is checked with OFM (cached): unknown is 422 <c>unknown_reference</c>.
    /// </summary>
    private static async Task<(string? Channel, ProblemHttpResult? Problem)> ChannelOfAsync(string? bodyChannel, RequestContext context,
        IOrgDirectory directory, CancellationToken ct)
    {
        var body = RequestRules.Trimmed(bodyChannel);
        if (body is null)
        {
            var header = RequestRules.Trimmed(context.ChannelCode);
            return header is null
                ? (null, ApiProblem.Validation("channel_code", "required (in the body or the x-channel-code header)"))
                : (Codes.Normalize(header), null);
        }
        var channel = Codes.Normalize(body);
        if (context.ChannelCode is { } headerCode && Codes.Normalize(headerCode) == channel)
        {
            return (channel, null);
        }
        var check = await directory.CheckContextAsync(context.RequireOrgcode(), new ContextCodes(null, channel, null), ct);
        if (check.Dependency is not null)
        {
            return (null, ApiProblem.DependencyUnavailable(check.Dependency));
        }
        return check.IsValid ? (channel, null) : (null, PmcProblems.UnknownReference("channel_code", $"No sales channel '{channel}' in this org."));
    }
}

/// <summary>A JSON body written by the handler's own code (stored JSON copied as is); the endpoint's <c>Produces</c> describes its shape.</summary>
public sealed class StorefrontJsonResult : IResult
{
    private readonly Action<Stream> _write;
    private readonly bool _close;

    private StorefrontJsonResult(Action<Stream> write, bool close)
    {
        _write = write;
        _close = close;
    }

    /// <summary>The body <paramref name="write"/> writes; <paramref name="close"/> adds the final <c>}</c> (pages end open for facets).</summary>
    public static StorefrontJsonResult Of(Action<Stream> write, bool close = false) => new(write, close);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        using var buffer = new MemoryStream(4096);
        _write(buffer);
        if (_close)
        {
            buffer.WriteByte((byte)'}');
        }
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = buffer.Length;
        await httpContext.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), httpContext.RequestAborted);
    }
}
