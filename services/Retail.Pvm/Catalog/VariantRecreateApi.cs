using FluentValidation;
using Retail.Pvm.Identifiers;
using Retail.Pvm.Options;
using Retail.Shared;

namespace Retail.Pvm.Catalog;

public sealed record StaleVariantListRequest(string? StyleGuid, string? StyleCode, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>
/// Replaces a stale variant (named by <c>variant_guid</c> or <c>stale_variant_code</c>) with <c>variant_code</c> on its
/// style's current OGM. <c>options</c> gives values for new axes and for old values the new model does not allow; the
/// rest carry over by group.
/// </summary>
public sealed record RecreateVariantRequest(string? VariantGuid, string? StaleVariantCode, string? VariantCode, IReadOnlyList<VariantOptionRequest>? Options,
    string? Name, long? ExpectedRevision) : IRevisioned;

/// <summary>The replacement, the variant it replaced (now retired), and what moved from one to the other.</summary>
public sealed record RecreatedVariant(Variant Variant, Variant Replaced, IReadOnlyList<string> MovedBarcodes, IReadOnlyList<string> MovedIdentifiers,
    IReadOnlyList<string> MovedAliases);

public sealed class StaleVariantListRequestValidator : AbstractValidator<StaleVariantListRequest>
{
    public StaleVariantListRequestValidator()
    {
        this.AddPagingRules();
        this.AddStyleRefRules(r => r.StyleGuid, r => r.StyleCode);
    }
}

public sealed class RecreateVariantRequestValidator : AbstractValidator<RecreateVariantRequest>
{
    public RecreateVariantRequestValidator()
    {
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r.StaleVariantCode).OptionalCode();
        RuleFor(r => r.VariantGuid).Must((r, g) => g is not null || r.StaleVariantCode is not null)
            .WithMessage("name the stale variant by variant_guid or stale_variant_code");
        RuleFor(r => r.VariantCode).BusinessCode();
        this.AddOptionRules(r => r.Options, required: false);
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

/// <summary>UC-PVM-007: the variants a style's OGM move left stale, and their replacement on the current model.</summary>
public static class VariantRecreateApi
{
    /// <summary>Barcodes, identifiers and aliases moved per kind in one transaction.</summary>
    public const int MaxPartsMoved = 500;

    public static RouteGroupBuilder MapVariantRecreate(this RouteGroupBuilder variants)
    {
        variants.MapPost("/stale/list", ListStale).RequireRole(Role.Viewer)
            .WithSummary("List a style's stale variants: those built on a model the style has moved away from.");
        variants.MapPost("/recreate", Recreate).RequireRole(Role.Member).AsWrite()
            .WithSummary("Replace a stale variant on the style's current model; the old one retires and its barcodes, identifiers and aliases move.");
        return variants;
    }

    public static async Task<Ok<Page<Variant>>> ListStale(StaleVariantListRequest request, RecordStore<Variant> store, RecordStore<Style> styles,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var styleGuid = request.StyleGuid ?? (await styles.FindAsync(orgcode, Style.CodeName, Codes.Normalize(request.StyleCode), ct))?.Record.StyleGuid;
        return TypedResults.Ok(await store.ListAsync(orgcode, [StateFilter.Eq("style_guid", styleGuid ?? ""), StateFilter.Eq("stale", true)],
            Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Created<RecreatedVariant>, ProblemHttpResult>> Recreate(RecreateVariantRequest request, RecordStore<Variant> store,
        RecordStore<Style> styles, RecordStore<Ogm> ogms, RecordStore<Barcode> barcodes, RecordStore<Identifier> identifiers,
        RecordStore<Alias> aliases, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, new MasterKey<Variant>(request.VariantGuid, request.StaleVariantCode),
            request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var old = loaded!.Record;
        if (Variant.Lifecycle.Check(old.Status, ProductStatus.Retired) is { } refused)
        {
            return refused;
        }
        if (!old.Stale)
        {
            return ApiProblem.Business("variant_not_stale", "Only a stale variant is recreated.",
                $"Variant '{old.VariantCode}' is built on its style's current model.");
        }
        if (await styles.GetAsync(orgcode, old.StyleGuid, ct: ct) is not { } style
            || await ogms.GetAsync(orgcode, style.Record.OgmGuid, ct: ct) is not { } ogm)
        {
            return PvmProblems.UnknownReference("variant_guid", $"The style of variant '{old.VariantCode}' or its model no longer exists.");
        }
        var (options, misfit) = VariantOptions.Carry(ogm.Record, old.Options, request.Options ?? []);
        if (misfit is not null)
        {
            return misfit.ToProblem();
        }

        var movedBarcodes = await LoadAllAsync(barcodes, orgcode, old.VariantGuid, ct);
        var movedIdentifiers = await LoadAllAsync(identifiers, orgcode, old.VariantGuid, ct);
        var movedAliases = await LoadAllAsync(aliases, orgcode, old.VariantGuid, ct);
        if (movedBarcodes is null || movedIdentifiers is null || movedAliases is null)
        {
            return ApiProblem.Business("too_many_parts", "The variant has too many barcodes, identifiers or aliases to move in one change.",
                $"At most {MaxPartsMoved} of each kind move with a recreate.", [new("limit", MaxPartsMoved)]);
        }

        var replacement = new Variant
        {
            VariantGuid = Ids.New(),
            VariantCode = Codes.Normalize(request.VariantCode),
            StyleGuid = old.StyleGuid,
            StyleCode = old.StyleCode,
            OgmGuid = ogm.Record.OgmGuid,
            Options = options!,
            Name = RequestRules.Trimmed(request.Name) ?? old.Name,
            Physical = old.Physical,
            IsKit = old.IsKit,
            ReplacesGuid = old.VariantGuid,
            // An active variant stays active only on an active style; otherwise its replacement starts as a draft.
            Status = old.Status == ProductStatus.Active && style.Record.Status != ProductStatus.Active ? ProductStatus.Draft : old.Status,
        };
        var retired = old.WithStatus(ProductStatus.Retired, $"replaced by {replacement.VariantCode}") with
        {
            Stale = false,
            ReplacedByGuid = replacement.VariantGuid,
        };
        var recreated = new VariantRecreated(orgcode, old.StyleGuid, old.VariantGuid, replacement.VariantGuid, replacement.VariantCode,
            movedBarcodes.Select(b => b.Record.Value).ToList(), movedIdentifiers.Select(i => i.Record.Key).ToList(),
            movedAliases.Select(a => a.Record.Key).ToList());

        var batch = new RecordBatch();
        var created = store.Create(batch, orgcode, replacement,
        [
            PvmEvents.Variant(PvmEvents.VariantCreated, orgcode, replacement with { Revision = 1 }),
            new DomainEvent(PvmEvents.VariantRecreated, recreated, replacement.VariantGuid),
        ]);
        var replaced = store.Update(batch, orgcode, loaded, retired, "status_changed",
            [PvmEvents.Variant(PvmEvents.VariantStatusChanged, orgcode, retired with { Revision = old.Revision + 1 })]);
        foreach (var barcode in movedBarcodes)
        {
            barcodes.Update(batch, orgcode, barcode, barcode.Record with { VariantGuid = replacement.VariantGuid });
        }
        foreach (var identifier in movedIdentifiers)
        {
            identifiers.Update(batch, orgcode, identifier, identifier.Record with { VariantGuid = replacement.VariantGuid }, events:
            [
                new DomainEvent(PvmEvents.IdentifierTransferred, new IdentifierTransferred(orgcode, identifier.Record.IdType, identifier.Record.Value,
                    old.VariantGuid, replacement.VariantGuid, "variant recreated"), $"identifier/{identifier.Record.Key}"),
            ]);
        }
        foreach (var alias in movedAliases)
        {
            aliases.Update(batch, orgcode, alias, alias.Record with { VariantGuid = replacement.VariantGuid });
        }
        var outcome = await batch.CommitAsync(ct);
        return outcome.Succeeded
            ? TypedResults.Created((string?)null, new RecreatedVariant(created, replaced, recreated.MovedBarcodes, recreated.MovedIdentifiers,
                recreated.MovedAliases))
            : VariantsApi.ProblemOf(outcome);
    }

    /// <summary>
    /// A variant's live barcodes, identifiers or aliases through their variant_guid index, each read again for the ETag its
    /// change is checked against; null when there are more than a transaction should move.
    /// </summary>
    private static async Task<List<Loaded<T>>?> LoadAllAsync<T>(RecordStore<T> store, string orgcode, string variantGuid, CancellationToken ct)
        where T : Record
    {
        var found = new List<Loaded<T>>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(orgcode, [StateFilter.Eq("variant_guid", variantGuid)], limit: 100, token: token, ct: ct);
            foreach (var item in page.Items)
            {
                if (found.Count == MaxPartsMoved)
                {
                    return null;
                }
                if (await store.GetAsync(orgcode, item.Key, ct: ct) is { } loaded)
                {
                    found.Add(loaded);
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        return found;
    }
}
