using FluentValidation;
using Retail.Pvm.Identifiers;
using Retail.Pvm.Links;
using Retail.Pvm.Options;
using Retail.Shared;

namespace Retail.Pvm.Catalog;

public sealed record PhysicalRequest(int? WeightGrams, int? LengthMm, int? WidthMm, int? HeightMm)
{
    public PhysicalAttributes ToAttributes() => new(WeightGrams, LengthMm, WidthMm, HeightMm);
}

public sealed record CreateVariantRequest(
    string? StyleCode,
    string? StyleGuid,
    string? VariantCode,
    IReadOnlyList<VariantOptionRequest>? Options,
    string? Name,
    PhysicalRequest? Physical,
    bool? IsKit,
    ProductStatus? Status,
    IReadOnlyList<BarcodeRequest>? Barcodes,
    IReadOnlyList<IdentifierRequest>? Identifiers);

public sealed record UpdateVariantRequest(string? Guid, string? Code, string? Name, PhysicalRequest? Physical, long? ExpectedRevision)
    : IMasterRef<Variant>, IRevisioned;

/// <param name="IncludeCodes">Also answer each variant's active barcodes and its identifiers (<see cref="VariantPage.Codes"/>), so a reader of a
/// whole style (PMC's publish runs) needs one call instead of two more per variant.</param>
public sealed record VariantListRequest(string? StyleCode, string? StyleGuid, ProductStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken,
    bool? IncludeCodes = null)
    : IStatusList<ProductStatus>;

/// <summary>A variant's active barcodes and its identifiers, as <c>variant/list</c> answers them with <c>include_codes</c>.</summary>
public sealed record VariantCodes(string VariantGuid, IReadOnlyList<VariantBarcode> Barcodes, IReadOnlyList<VariantIdentifier> Identifiers);

public sealed record VariantBarcode(string Barcode, BarcodeSymbology Symbology, bool Primary);

public sealed record VariantIdentifier(string IdType, string Value);

/// <summary>A page of variants; <see cref="Codes"/> (one entry per item, in the same order) only when asked for with <c>include_codes</c>.</summary>
public sealed record VariantPage(
    IReadOnlyList<Variant> Items,
    string? NextToken,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<VariantCodes>? Codes);

public static class VariantRequestRules
{
    public static void AddStyleRefRules<T>(this AbstractValidator<T> validator, Func<T, string?> guid, Func<T, string?> code)
    {
        validator.RuleFor(r => guid(r)).OptionalGuid().OverridePropertyName("style_guid");
        validator.RuleFor(r => code(r)).OptionalCode().OverridePropertyName("style_code");
        validator.RuleFor(r => guid(r)).Must((r, g) => g is not null || code(r) is not null).OverridePropertyName("style_code")
            .WithMessage("name the style by style_code or style_guid");
    }

    public static void AddOptionRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<VariantOptionRequest>?> options, bool required)
    {
        validator.RuleFor(r => options(r)).NotEmpty().WithMessage("is required").When(_ => required).OverridePropertyName("options");
        validator.RuleFor(r => options(r)).Must(o => o is null || o.Count <= OgmRules.MaxAxes).WithMessage($"at most {OgmRules.MaxAxes} options")
            .Must(o => o is null || o.Where(x => x?.OptionGroupCode is not null).Select(x => Codes.Normalize(x.OptionGroupCode)).Distinct().Count()
                == o.Count(x => x?.OptionGroupCode is not null))
            .WithMessage("names an option group twice")
            .OverridePropertyName("options");
        validator.RuleForEach(r => options(r)).NotNull().WithMessage("is required").OverridePropertyName("options");
        validator.RuleForEach(r => options(r)).ChildRules(o =>
        {
            o.RuleFor(x => x).NotNull().WithMessage("is required");
            o.RuleFor(x => x.OptionGroupCode).BusinessCode().When(x => x is not null);
            o.RuleFor(x => x.OptionCode).OptionCode().When(x => x is not null);
        }).OverridePropertyName("options");
    }

    public static void AddPhysicalRules<T>(this AbstractValidator<T> validator, Func<T, PhysicalRequest?> physical)
    {
        validator.RuleFor(r => physical(r)).ChildRules(p =>
        {
            p.RuleFor(x => x!.WeightGrams).GreaterThanOrEqualTo(0).When(x => x!.WeightGrams is not null);
            p.RuleFor(x => x!.LengthMm).GreaterThanOrEqualTo(0).When(x => x!.LengthMm is not null);
            p.RuleFor(x => x!.WidthMm).GreaterThanOrEqualTo(0).When(x => x!.WidthMm is not null);
            p.RuleFor(x => x!.HeightMm).GreaterThanOrEqualTo(0).When(x => x!.HeightMm is not null);
        }).When(r => physical(r) is not null).OverridePropertyName("physical");
    }
}

public sealed class CreateVariantRequestValidator : AbstractValidator<CreateVariantRequest>
{
    public CreateVariantRequestValidator()
    {
        this.AddStyleRefRules(r => r.StyleGuid, r => r.StyleCode);
        RuleFor(r => r.VariantCode).BusinessCode();
        this.AddOptionRules(r => r.Options, required: true);
        RuleFor(r => r.Name).Text();
        this.AddPhysicalRules(r => r.Physical);
        RuleFor(r => r.Status).Must(s => s is null or ProductStatus.Draft or ProductStatus.Active).WithMessage("a variant starts draft or active");
        this.AddPartRules(r => r.Barcodes, r => r.Identifiers);
    }
}

public sealed class UpdateVariantRequestValidator : AbstractValidator<UpdateVariantRequest>
{
    public UpdateVariantRequestValidator()
    {
        this.AddRefRules<UpdateVariantRequest, Variant>();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Name).Text();
        this.AddPhysicalRules(r => r.Physical);
    }
}

public sealed class VariantListRequestValidator : AbstractValidator<VariantListRequest>
{
    public VariantListRequestValidator()
    {
        this.AddListRules();
        this.AddStyleRefRules(r => r.StyleGuid, r => r.StyleCode);
    }
}

/// <summary>Variants: the sellable units of a style, one option per axis of its OGM, with their barcodes and identifiers.</summary>
public static class VariantsApi
{
    private static readonly LifecycleRoutes<Variant, ProductStatus> Routes = new()
    {
        Create = CreateVariant,
        CreatePath = "",
        Update = UpdateVariant,
        List = ListVariants,
        StatusGuard = GuardStatus,
        StatusEvents = (orgcode, current, to) =>
            [PvmEvents.Variant(PvmEvents.VariantStatusChanged, orgcode, current.WithStatus(to, null) with { Revision = current.Revision + 1 })],
    };

    public static IEndpointRouteBuilder MapVariants(this IEndpointRouteBuilder routes)
    {
        var variants = routes.MapGroup("/variant").WithTags("Variants");
        variants.MapLifecycleData(Routes);
        variants.MapVariantRecreate();
        return routes;
    }

    /// <summary>
    /// The catalog loader's hot path: the style (one key or unique read), its OGM (one key read), then the variant, its
    /// barcodes and identifiers in one transaction.
    /// </summary>
    public static async Task<Results<Created<Variant>, ProblemHttpResult>> CreateVariant(CreateVariantRequest request, RecordStore<Variant> store,
        RecordStore<Style> styles, RecordStore<Ogm> ogms, RecordStore<Barcode> barcodeStore, RecordStore<Identifier> identifierStore,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var style = await LoadStyleAsync(styles, orgcode, request.StyleGuid, request.StyleCode, ct);
        if (style is null)
        {
            return PvmProblems.UnknownReference(request.StyleGuid is null ? "style_code" : "style_guid", "No such style in this org.");
        }
        if (style.Status == ProductStatus.Retired)
        {
            return PvmProblems.ReferenceNotActive(request.StyleGuid is null ? "style_code" : "style_guid", $"Style '{style.StyleCode}' is retired.");
        }
        var status = request.Status ?? ProductStatus.Draft;
        if (status == ProductStatus.Active && style.Status != ProductStatus.Active)
        {
            return PvmProblems.ReferenceNotActive("status", $"Style '{style.StyleCode}' is {Retail.Shared.Json.SnakeCase.Name(style.Status)}; a variant is active only on an active style.");
        }
        if (await ogms.GetAsync(orgcode, style.OgmGuid, ct: ct) is not { } ogm)
        {
            return PvmProblems.UnknownReference("style_code", $"The model of style '{style.StyleCode}' no longer exists.");
        }
        var (options, misfit) = VariantOptions.Fit(ogm.Record, request.Options!);
        if (misfit is not null)
        {
            return misfit.ToProblem();
        }
        var variant = new Variant
        {
            VariantGuid = Ids.New(),
            VariantCode = Codes.Normalize(request.VariantCode),
            StyleGuid = style.StyleGuid,
            StyleCode = style.StyleCode,
            OgmGuid = style.OgmGuid,
            Options = options!,
            Name = RequestRules.Trimmed(request.Name),
            Physical = request.Physical?.ToAttributes(),
            IsKit = request.IsKit ?? false,
            Status = status,
        };
        var barcodes = VariantParts.Barcodes(variant.VariantGuid, request.Barcodes);
        var identifiers = VariantParts.Identifiers(variant.VariantGuid, request.Identifiers);

        var (created, outcome) = await CommitAsync(orgcode, variant, barcodes, identifiers, store, barcodeStore, identifierStore, null, ct);
        if (outcome.Outcome == RecordWriteOutcome.RevisionMismatch && outcome.Entity is "barcode" or "identifier")
        {
            // A value is taken: by a live record (409 naming it), or by doomed ones, which this variant revives.
            var (existing, taken) = await VariantParts.ExistingAsync(orgcode, barcodes, identifiers, barcodeStore, identifierStore, ct);
            if (taken is not null)
            {
                return taken;
            }
            (created, outcome) = await CommitAsync(orgcode, variant, barcodes, identifiers, store, barcodeStore, identifierStore, existing, ct);
        }
        return outcome.Succeeded ? TypedResults.Created((string?)null, created) : ProblemOf(outcome);
    }

    public static async Task<Results<Ok<Variant>, ProblemHttpResult>> UpdateVariant(UpdateVariantRequest request, RecordStore<Variant> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var next = current with
        {
            Name = RequestRules.Trimmed(request.Name) ?? current.Name,
            Physical = request.Physical?.ToAttributes() ?? current.Physical,
        };
        var updated = PvmEvents.Variant(PvmEvents.VariantUpdated, orgcode, next with { Revision = current.Revision + 1 });
        return (await store.UpdateAsync(orgcode, loaded, next, events: [updated], ct: ct)).ToOk();
    }

    /// <summary>The variants of a style through the (style_guid, status) index.</summary>
    public static async Task<Ok<VariantPage>> ListVariants(VariantListRequest request, RecordStore<Variant> store, RecordStore<Style> styles,
        RecordStore<Barcode> barcodes, RecordStore<Identifier> identifiers, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var styleGuid = request.StyleGuid ?? (await styles.FindAsync(orgcode, Style.CodeName, Codes.Normalize(request.StyleCode), ct))?.Record.StyleGuid;
        var page = await MasterDataApi.ListAsync(store, orgcode, request, [StateFilter.Eq("style_guid", styleGuid ?? "")], ct);
        if (request.IncludeCodes != true)
        {
            return TypedResults.Ok(new VariantPage(page.Items, page.NextToken, null));
        }
        var codes = new List<VariantCodes>(page.Items.Count);
        foreach (var variant in page.Items)
        {
            codes.Add(await CodesOfAsync(barcodes, identifiers, orgcode, variant.VariantGuid, ct));
        }
        return TypedResults.Ok(new VariantPage(page.Items, page.NextToken, codes));
    }

    /// <summary>
    /// A variant's active barcodes (primary first) and identifiers, each an indexed read. A variant holds a handful; the
    /// cap only bounds a pathological one.
    /// </summary>
    private static async Task<VariantCodes> CodesOfAsync(RecordStore<Barcode> barcodes, RecordStore<Identifier> identifiers, string orgcode,
        string variantGuid, CancellationToken ct)
    {
        const int Cap = 100;
        var held = await barcodes.ListAsync(orgcode, [StateFilter.Eq("variant_guid", variantGuid), StateFilter.Eq("status", "active")], Cap, ct: ct);
        var ids = await identifiers.ListAsync(orgcode, [StateFilter.Eq("variant_guid", variantGuid)], Cap, ct: ct);
        return new VariantCodes(variantGuid,
            [.. held.Items.OrderByDescending(b => b.Primary).ThenBy(b => b.Value, StringComparer.Ordinal).Select(b => new VariantBarcode(b.Value, b.Symbology, b.Primary))],
            [.. ids.Items.OrderBy(i => i.IdType, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal).Select(i => new VariantIdentifier(i.IdType, i.Value))]);
    }

    /// <summary>A style by guid (a code beside it must agree) or by code.</summary>
    internal static async Task<Style?> LoadStyleAsync(RecordStore<Style> styles, string orgcode, string? guid, string? code, CancellationToken ct) =>
        (await MasterDataApi.LoadAsync(styles, orgcode, new MasterKey<Style>(guid, code), ct))?.Record;

    /// <summary>The 409 a failed variant write answers: <c>duplicate_variant</c> for a combination the style already has.</summary>
    internal static ProblemHttpResult ProblemOf(BatchWrite outcome) =>
        outcome is { Outcome: RecordWriteOutcome.Duplicate, Entity: "variant", DuplicateOf: "combination" }
            ? PvmProblems.DuplicateVariant("Another variant of this style on its model has these options.")
            : outcome.Problem();

    private static async Task<(Variant Created, BatchWrite Outcome)> CommitAsync(string orgcode, Variant variant, IReadOnlyList<Barcode> barcodes,
        IReadOnlyList<Identifier> identifiers, RecordStore<Variant> store, RecordStore<Barcode> barcodeStore, RecordStore<Identifier> identifierStore,
        ExistingParts? existing, CancellationToken ct)
    {
        var batch = new RecordBatch();
        var created = store.Create(batch, orgcode, variant,
            [PvmEvents.Variant(PvmEvents.VariantCreated, orgcode, variant with { Revision = 1 })]);
        VariantParts.Stage(batch, orgcode, created, barcodes, identifiers, barcodeStore, identifierStore, existing);
        return (created, await batch.CommitAsync(ct));
    }

    /// <summary>A variant becomes active only on an active style.</summary>
    private static async Task<ProblemHttpResult?> GuardStatus(IServiceProvider services, string orgcode, Variant current, ProductStatus to,
        CancellationToken ct)
    {
        if (to == ProductStatus.Retired)
        {
            // A kit sells through its components: a component cannot go while a kit still names it (remove it from the
            // kit first; /kit/component/remove accepts any component). Discontinuing one is allowed.
            var kits = await services.GetRequiredService<RecordStore<Kit>>().ListByValueAsync(orgcode, "component", current.VariantGuid, 1, ct: ct);
            return kits.Items is [var kit, ..]
                ? PvmProblems.InUse($"Variant '{current.VariantCode}' is a component of kit '{kit.KitVariantCode}'; remove it from the kit first.")
                : null;
        }
        if (to != ProductStatus.Active)
        {
            return null;
        }
        var style = await services.GetRequiredService<RecordStore<Style>>().GetAsync(orgcode, current.StyleGuid, ct: ct);
        return style?.Record.Status == ProductStatus.Active ? null
            : PvmProblems.ReferenceNotActive("style_guid", $"Style '{current.StyleCode}' is not active; activate it first.");
    }
}
