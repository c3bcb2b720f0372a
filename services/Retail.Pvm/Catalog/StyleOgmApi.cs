using FluentValidation;
using Retail.Pvm.Options;

namespace Retail.Pvm.Catalog;

/// <summary>Moves a style to another active OGM (or a newer revision of its own); its variants on another model become stale.</summary>
public sealed record StyleOgmSetRequest(string? StyleGuid, string? StyleCode, string? OgmGuid, string? OgmCode, int? OgmRevision, long? ExpectedRevision)
    : IRevisioned;

public sealed class StyleOgmSetRequestValidator : AbstractValidator<StyleOgmSetRequest>
{
    public StyleOgmSetRequestValidator()
    {
        this.AddStyleRefRules(r => r.StyleGuid, r => r.StyleCode);
        RuleFor(r => r.OgmGuid).OptionalGuid();
        RuleFor(r => r.OgmCode).OptionalCode();
        RuleFor(r => r.OgmRevision).GreaterThan(0).When(r => r.OgmRevision is not null);
        RuleFor(r => r.OgmGuid).Must((r, g) => g is not null || (r.OgmCode is not null && r.OgmRevision is not null))
            .WithMessage("name the model by ogm_guid, or by ogm_code and ogm_revision");
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public static class StyleOgmApi
{
    /// <summary>One transaction holds the style and every variant it marks; a style with more is moved in another way, not by an unbounded one.</summary>
    public const int MaxVariantsMarked = 1_000;

    public static RouteGroupBuilder MapStyleOgm(this RouteGroupBuilder styles)
    {
        styles.MapPost("/ogm/set", SetStyleOgm).RequireRole(Role.Member).AsWrite()
            .WithSummary("Move a style to another active OGM or a newer revision (UC-PVM-007); its variants on another model become stale.");
        return styles;
    }

    public static async Task<Results<Ok<Style>, ProblemHttpResult>> SetStyleOgm(StyleOgmSetRequest request, RecordStore<Style> styles,
        RecordStore<Ogm> ogms, RecordStore<Variant> variants, RecordStore<Taxonomy.Category> categories, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(styles, orgcode, new MasterKey<Style>(request.StyleGuid, request.StyleCode),
            request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var style = loaded!.Record;
        var field = request.OgmGuid is null ? "ogm_code" : "ogm_guid";
        var ogm = await OgmApi.FindAsync(ogms, orgcode, request.OgmGuid, request.OgmCode, request.OgmRevision, ct);
        if (ogm is null)
        {
            return PvmProblems.UnknownReference(field, "No such ogm in this org.");
        }
        if (ogm.Record.Status != OgmStatus.Active)
        {
            return PvmProblems.ReferenceNotActive(field,
                $"Model '{ogm.Record.OgmCode}' revision {ogm.Record.OgmRevision} is {Retail.Shared.Json.SnakeCase.Name(ogm.Record.Status)}; only an active one is assignable.");
        }
        if (ogm.Record.OgmGuid == style.OgmGuid)
        {
            return TypedResults.Ok(style);
        }

        var marked = new List<Loaded<Variant>>();
        string? token = null;
        do
        {
            var page = await variants.ListAsync(orgcode, [StateFilter.Eq("style_guid", style.StyleGuid), StateFilter.Eq("stale", false)],
                limit: 500, token: token, ct: ct);
            foreach (var variant in page.Items.Where(v => v.OgmGuid != ogm.Record.OgmGuid && v.Status != ProductStatus.Retired))
            {
                if (marked.Count == MaxVariantsMarked)
                {
                    return ApiProblem.Business("too_many_variants", "The style has too many variants to move in one change.",
                        $"More than {MaxVariantsMarked} live variants would become stale.", [new("limit", MaxVariantsMarked)]);
                }
                // The list gives no ETag; each change is made against the record as read now, so a concurrent change still conflicts.
                if (await variants.GetAsync(orgcode, variant.VariantGuid, ct: ct) is { } current)
                {
                    marked.Add(current);
                }
            }
            token = page.NextToken;
        }
        while (token is not null);

        var batch = new RecordBatch();
        var next = style with { OgmGuid = ogm.Record.OgmGuid };
        var path = await StyleEvents.CategoryPathAsync(categories, orgcode, style.CategoryGuid, ct);
        var moved = styles.Update(batch, orgcode, loaded, next, events: [StyleEvents.Changed(orgcode, next with { Revision = style.Revision + 1 }, path)]);
        foreach (var variant in marked)
        {
            var stale = variant.Record with { Stale = true };
            variants.Update(batch, orgcode, variant, stale, events:
                [PvmEvents.Variant(PvmEvents.VariantUpdated, orgcode, stale with { Revision = variant.Record.Revision + 1 })]);
        }
        var outcome = await batch.CommitAsync(ct);
        return outcome.Succeeded ? TypedResults.Ok(moved) : outcome.Problem();
    }
}
