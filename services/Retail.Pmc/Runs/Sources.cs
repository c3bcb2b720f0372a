using System.Net;
using Retail.Shared.Invocation;

namespace Retail.Pmc.Runs;

// PVM's, MRS's and PPM's answers as PMC reads them (snake_case JSON; PMC never references their assemblies). Only the
// fields a run uses; unknown fields are ignored when reading.

public sealed record PvmCompliance(string? CountryOfOrigin, string? HsCode, bool? Hazmat, int? AgeRestriction, IReadOnlyList<string>? Materials,
    IReadOnlyList<string>? Certifications);

public sealed record PvmStyle(string StyleGuid, string StyleCode, string Name, string? Description, string BrandGuid, string CategoryGuid,
    string? SeasonGuid, PvmCompliance? Compliance, string Status);

public sealed record PvmVariantOption(string OptionGroupCode, string OptionCode);

public sealed record PvmVariant(string VariantGuid, string VariantCode, string StyleGuid, string StyleCode, string? Name,
    IReadOnlyList<PvmVariantOption> Options, string Status);

public sealed record PvmBrand(string BrandGuid, string BrandCode, string Name, string Status);

public sealed record PvmCategory(string CategoryGuid, string CategoryCode, string Name, string? ParentCategoryGuid, string Status);

public sealed record PvmBarcode(string Barcode, bool Primary);

public sealed record PvmIdentifier(string IdType, string Value);

/// <summary>A variant's active barcodes and identifiers, as PVM's <c>variant/list</c> answers them with <c>include_codes</c>.</summary>
public sealed record PvmVariantCodes(string VariantGuid, IReadOnlyList<PvmBarcode> Barcodes, IReadOnlyList<PvmIdentifier> Identifiers);

public sealed record PvmVariantPage(IReadOnlyList<PvmVariant> Items, string? NextToken, IReadOnlyList<PvmVariantCodes>? Codes);

/// <summary>Every variant of a style (any status) with its active barcodes and identifiers.</summary>
public sealed record StyleVariants(IReadOnlyList<PvmVariant> Variants, IReadOnlyDictionary<string, PvmVariantCodes> Codes)
{
    public PvmVariantCodes CodesOf(string variantGuid) => Codes.GetValueOrDefault(variantGuid) ?? new PvmVariantCodes(variantGuid, [], []);
}

public sealed record SourcePage<T>(IReadOnlyList<T> Items, string? NextToken);

public sealed record MrsMeta(string RecordGuid, string Status, string ContentType, string? Name, IReadOnlyList<string> Tags, long SizeBytes,
    long Revision, string? DownloadUrl, DateTimeOffset? DownloadExpiresAt);

public sealed record MrsUpload(string Url, string Method);

public sealed record MrsCreated(MrsMeta Record, MrsUpload? Upload);

public sealed record PpmLine(int Index, string VariantGuid, bool Priced, string? Reason, string? PriceListCode, string? Currency, long? ListUnitMinor,
    long? UnitMinor);

public sealed record PpmAnswer(string? Currency, IReadOnlyList<PpmLine> Lines);

/// <summary>A call to another service that did not answer as it should (unavailable, or an unexpected status): the activity retries.</summary>
public sealed class SourceException(string message) : Exception(message);

/// <summary>
/// What a run reads from PVM (styles, variants, brands, categories, barcodes, identifiers), MRS (media, manifest uploads)
/// and PPM (prices), through service invocation. Not found is null; any other failure throws, so the activity retries.
/// </summary>
public sealed class RunSources(IServiceInvoker invoker)
{
    public const string Pvm = "pvm";
    public const string Mrs = "mrs";
    public const string Ppm = "ppm";
    public const int MaxResolveLines = 100;

    public Task<PvmStyle?> StyleAsync(string orgcode, string styleGuid, CancellationToken ct) =>
        GetAsync<PvmStyle>(orgcode, Pvm, "/style/get", new { style_guid = styleGuid }, ct);

    public Task<PvmVariant?> VariantAsync(string orgcode, string variantGuid, CancellationToken ct) =>
        GetAsync<PvmVariant>(orgcode, Pvm, "/variant/get", new { variant_guid = variantGuid }, ct);

    public Task<PvmBrand?> BrandAsync(string orgcode, string brandGuid, CancellationToken ct) =>
        GetAsync<PvmBrand>(orgcode, Pvm, "/brand/get", new { brand_guid = brandGuid }, ct);

    public Task<PvmCategory?> CategoryAsync(string orgcode, string categoryGuid, CancellationToken ct) =>
        GetAsync<PvmCategory>(orgcode, Pvm, "/category/get", new { category_guid = categoryGuid }, ct);

    /// <summary>A page of styles: a brand's, a category's, or all (PVM's key order).</summary>
    public async Task<SourcePage<PvmStyle>> StylesAsync(string orgcode, SelectorKind kind, string? guid, int limit, string? token, CancellationToken ct)
    {
        object body = kind switch
        {
            SelectorKind.Brand => new { brand_guid = guid, limit, next_token = token },
            SelectorKind.Category => new { category_guid = guid, limit, next_token = token },
            _ => new { limit, next_token = token },
        };
        return await ReadAsync<SourcePage<PvmStyle>>(orgcode, Pvm, "/style/list", body, ct);
    }

    /// <summary>Every variant of the style with its codes, a page of up to 100 a call (PVM's <c>include_codes</c>).</summary>
    public async Task<StyleVariants> VariantsOfAsync(string orgcode, string styleGuid, CancellationToken ct)
    {
        var variants = new List<PvmVariant>();
        var codes = new Dictionary<string, PvmVariantCodes>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await ReadAsync<PvmVariantPage>(orgcode, Pvm, "/variant/list",
                new { style_guid = styleGuid, include_codes = true, limit = Paging.MaxLimit, next_token = token }, ct);
            variants.AddRange(page.Items);
            foreach (var entry in page.Codes ?? [])
            {
                codes[entry.VariantGuid] = entry;
            }
            token = page.NextToken;
        }
        while (token is not null);
        return new StyleVariants(variants, codes);
    }

    /// <summary>The style's ready MRS records (tagged <c>style:{style_guid}</c>).</summary>
    public Task<IReadOnlyList<MrsMeta>> MediaAsync(string orgcode, string styleGuid, CancellationToken ct) =>
        AllAsync<MrsMeta>(orgcode, Mrs, "/list", token => new { tags = new[] { $"style:{styleGuid}" }, status = "ready", limit = 500, next_token = token }, ct);

    /// <summary>One unit of each variant priced in the channel (and facility), at most <see cref="MaxResolveLines"/> at a time.</summary>
    public async Task<IReadOnlyDictionary<string, PpmLine>> PricesAsync(string orgcode, string channel, string? facility, IReadOnlyList<string> variantGuids,
        CancellationToken ct)
    {
        var prices = new Dictionary<string, PpmLine>(StringComparer.Ordinal);
        foreach (var chunk in variantGuids.Chunk(MaxResolveLines))
        {
            var answer = await ReadAsync<PpmAnswer>(orgcode, Ppm, "/price/resolve", new
            {
                channel_code = channel,
                facility_code = facility,
                lines = chunk.Select(v => new { variant_guid = v, quantity = 1 }).ToList(),
            }, ct);
            foreach (var line in answer.Lines)
            {
                prices[line.VariantGuid] = line;
            }
        }
        return prices;
    }

    /// <summary>An upload record in MRS (presigned): the record and where to PUT the bytes.</summary>
    public Task<MrsCreated> CreateUploadAsync(string orgcode, object body, string idempotencyKey, CancellationToken ct) =>
        ReadAsync<MrsCreated>(orgcode, Mrs, "/record", body, ct, idempotencyKey);

    public Task<MrsMeta> CompleteUploadAsync(string orgcode, string recordGuid, long expectedRevision, string idempotencyKey, CancellationToken ct) =>
        ReadAsync<MrsMeta>(orgcode, Mrs, "/record/complete", new { record_guid = recordGuid, expected_revision = expectedRevision }, ct, idempotencyKey);

    public Task<MrsMeta?> MetaAsync(string orgcode, string recordGuid, CancellationToken ct) =>
        GetAsync<MrsMeta>(orgcode, Mrs, "/record/meta", new { record_guid = recordGuid }, ct);

    /// <summary>Whether PVM has the record (any status): null when it cannot tell (unavailable).</summary>
    public async Task<bool?> ExistsAsync(string orgcode, string path, object body, CancellationToken ct)
    {
        try
        {
            var answer = await invoker.InvokeAsync(Pvm, path, body, new InvocationOptions(orgcode), ct);
            return answer.IsSuccess ? true : answer.StatusCode is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.BadRequest ? false : null;
        }
        catch (DependencyUnavailableException)
        {
            return null;
        }
    }

    private async Task<T?> GetAsync<T>(string orgcode, string app, string path, object body, CancellationToken ct) where T : class
    {
        var answer = await invoker.InvokeAsync(app, path, body, new InvocationOptions(orgcode), ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        return answer.IsSuccess ? answer.ReadAs<T>() : throw Failed(app, path, answer);
    }

    private async Task<T> ReadAsync<T>(string orgcode, string app, string path, object body, CancellationToken ct, string? idempotencyKey = null)
    {
        var answer = await invoker.InvokeAsync(app, path, body, new InvocationOptions(orgcode, idempotencyKey), ct);
        return answer.IsSuccess ? answer.ReadAs<T>() : throw Failed(app, path, answer);
    }

    private async Task<IReadOnlyList<T>> AllAsync<T>(string orgcode, string app, string path, Func<string?, object> body, CancellationToken ct)
    {
        var all = new List<T>();
        string? token = null;
        do
        {
            var page = await ReadAsync<SourcePage<T>>(orgcode, app, path, body(token), ct);
            all.AddRange(page.Items);
            token = page.NextToken;
        }
        while (token is not null);
        return all;
    }

    private static SourceException Failed(string app, string path, InvocationResponse answer) =>
        new($"{app}{path} answered {answer.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, 300)))}");
}
