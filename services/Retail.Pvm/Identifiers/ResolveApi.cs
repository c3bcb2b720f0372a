using FluentValidation;
using Retail.Pvm.Catalog;

namespace Retail.Pvm.Identifiers;

public enum ResolvedKind
{
    Barcode,
    Identifier,
    Alias,
    Variant,
    Style,
}

/// <summary>The state of the thing resolved itself (a barcode's status; doomed when removed).</summary>
public enum ResolvedStatus
{
    Active,
    Inactive,
    Retired,
    Doomed,
}

/// <summary>The variant a lookup names, as a till or an order needs it.</summary>
public sealed record ResolvedVariant(string VariantGuid, string VariantCode, string StyleGuid, string StyleCode, ProductStatus Status,
    IReadOnlyList<VariantOption> Options, bool Doomed)
{
    public static ResolvedVariant Of(Variant v) => new(v.VariantGuid, v.VariantCode, v.StyleGuid, v.StyleCode, v.Status, v.Options, v.IsDoomed);
}

public sealed record ResolvedStyle(string StyleGuid, string StyleCode, string Name, ProductStatus Status);

/// <summary>
/// One answer for every resolver: what was found (<c>kind</c>, <c>key</c>) and its own status; <c>live</c> only when it is
/// active and not removed and its variant exists and is not retired. A removed or retired record answers with its status,
/// never as live; 404 only for a value that was never held.
/// </summary>
public sealed record Resolution(
    ResolvedKind Kind,
    string Key,
    ResolvedStatus Status,
    bool Live,
    ResolvedVariant? Variant,
    ResolvedStyle? Style = null);

public sealed record ResolveCodeRequest(string? Code);

public sealed class ResolveCodeRequestValidator : AbstractValidator<ResolveCodeRequest>
{
    public ResolveCodeRequestValidator() => RuleFor(r => r.Code).BusinessCode();
}

/// <summary>
/// The hot lookups every till and order make: the record by its key (removed ones included), then its variant by key.
/// No queries, nothing read twice.
/// </summary>
public static class ResolveApi
{
    public static IEndpointRouteBuilder MapResolvers(this IEndpointRouteBuilder routes)
    {
        var resolve = routes.MapGroup("/resolve").WithTags("Resolvers");
        resolve.MapPost("/barcode", ResolveBarcode).RequireRole(Role.Viewer)
            .WithSummary("The variant a scanned barcode names, with the barcode's own status (two key reads).");
        resolve.MapPost("/code", ResolveCode).RequireRole(Role.Viewer)
            .WithSummary("Whether a code is a variant_code or a style_code, and the variant or style it names.");
        resolve.MapPost("/alias", ResolveAlias).RequireRole(Role.Viewer)
            .WithSummary("The variant a tagged alias (supplier_sku, amazon_asin, …) names, with the alias's own status.");
        routes.MapPost("/identifier/resolve", ResolveIdentifier).RequireRole(Role.Viewer).WithTags("Identifiers")
            .WithSummary("The variant a typed external id names, with the identifier's own status.");
        routes.MapPost("/barcode/resolve", ResolveBarcode).RequireRole(Role.Viewer).WithTags("Barcodes")
            .WithSummary("The variant a barcode names, with the barcode's own status (as /resolve/barcode).");
        return routes;
    }

    public static async Task<Results<Ok<Resolution>, ProblemHttpResult>> ResolveBarcode(BarcodeKeyRequest request, RecordStore<Barcode> barcodes,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await barcodes.GetAsync(orgcode, request.Barcode!, includeDoomed: true, ct) is not { Record: var barcode })
        {
            return ApiProblem.NotFound("No such barcode in this org.");
        }
        var status = barcode.IsDoomed ? ResolvedStatus.Doomed : StatusOf(barcode.Status);
        return TypedResults.Ok(await AnswerAsync(ResolvedKind.Barcode, barcode.Value, status, barcode.VariantGuid, variants, orgcode, ct));
    }

    public static async Task<Results<Ok<Resolution>, ProblemHttpResult>> ResolveIdentifier(IdentifierKeyRequest request,
        RecordStore<Identifier> identifiers, RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await identifiers.GetAsync(orgcode, IdentifiersApi.KeyOf(request.IdType, request.Value), includeDoomed: true, ct) is not { Record: var identifier })
        {
            return ApiProblem.NotFound("No such identifier in this org.");
        }
        var status = identifier.IsDoomed ? ResolvedStatus.Doomed : ResolvedStatus.Active;
        return TypedResults.Ok(await AnswerAsync(ResolvedKind.Identifier, identifier.Key, status, identifier.VariantGuid, variants, orgcode, ct));
    }

    public static async Task<Results<Ok<Resolution>, ProblemHttpResult>> ResolveAlias(AliasKeyRequest request, RecordStore<Alias> aliases,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await aliases.GetAsync(orgcode, AliasesApi.KeyOf(request.Tag, request.Value), includeDoomed: true, ct) is not { Record: var alias })
        {
            return ApiProblem.NotFound("No such alias in this org.");
        }
        var status = alias.IsDoomed ? ResolvedStatus.Doomed : ResolvedStatus.Active;
        return TypedResults.Ok(await AnswerAsync(ResolvedKind.Alias, alias.Key, status, alias.VariantGuid, variants, orgcode, ct));
    }

    /// <summary>A variant code first (the unique entry, then the variant), else a style code; codes of removed records are free, so not found.</summary>
    public static async Task<Results<Ok<Resolution>, ProblemHttpResult>> ResolveCode(ResolveCodeRequest request, RecordStore<Variant> variants,
        RecordStore<Style> styles, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.Code);
        if (await variants.FindAsync(orgcode, Variant.CodeName, code, ct) is { Record: var variant })
        {
            var status = StatusOf(variant.Status);
            return TypedResults.Ok(new Resolution(ResolvedKind.Variant, variant.VariantGuid, status, status != ResolvedStatus.Retired,
                ResolvedVariant.Of(variant)));
        }
        if (await styles.FindAsync(orgcode, Style.CodeName, code, ct) is { Record: var style })
        {
            var status = StatusOf(style.Status);
            return TypedResults.Ok(new Resolution(ResolvedKind.Style, style.StyleGuid, status, status != ResolvedStatus.Retired, null,
                new ResolvedStyle(style.StyleGuid, style.StyleCode, style.Name, style.Status)));
        }
        return ApiProblem.NotFound("No variant or style has this code in this org.");
    }

    private static async Task<Resolution> AnswerAsync(ResolvedKind kind, string key, ResolvedStatus status, string variantGuid,
        RecordStore<Variant> variants, string orgcode, CancellationToken ct)
    {
        var variant = (await variants.GetAsync(orgcode, variantGuid, includeDoomed: true, ct))?.Record;
        var live = status == ResolvedStatus.Active && variant is { IsDoomed: false } && variant.Status != ProductStatus.Retired;
        return new Resolution(kind, key, status, live, variant is null ? null : ResolvedVariant.Of(variant));
    }

    private static ResolvedStatus StatusOf(MasterStatus status) => status switch
    {
        MasterStatus.Active => ResolvedStatus.Active,
        MasterStatus.Inactive => ResolvedStatus.Inactive,
        _ => ResolvedStatus.Retired,
    };

    /// <summary>A variant's or style's lifecycle in the resolvers' terms: draft and discontinued are not active, not retired.</summary>
    private static ResolvedStatus StatusOf(ProductStatus status) => status switch
    {
        ProductStatus.Active => ResolvedStatus.Active,
        ProductStatus.Retired => ResolvedStatus.Retired,
        _ => ResolvedStatus.Inactive,
    };
}
