using FluentValidation;
using Retail.Pvm.Catalog;

namespace Retail.Pvm.Links;

public sealed record KitComponentAddRequest(string? KitVariantGuid, string? KitVariantCode, string? ComponentVariantGuid, string? ComponentVariantCode,
    int? Quantity, long? ExpectedRevision);

public sealed record KitComponentRemoveRequest(string? KitVariantGuid, string? KitVariantCode, string? ComponentVariantGuid, string? ComponentVariantCode,
    long? ExpectedRevision);

public sealed record KitRequest(string? KitVariantGuid, string? KitVariantCode);

public sealed class KitComponentAddRequestValidator : AbstractValidator<KitComponentAddRequest>
{
    public KitComponentAddRequestValidator()
    {
        this.AddVariantRefRules("kit", r => r.KitVariantGuid, r => r.KitVariantCode);
        this.AddVariantRefRules("component", r => r.ComponentVariantGuid, r => r.ComponentVariantCode);
        RuleFor(r => r.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, KitsApi.MaxQuantity);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class KitComponentRemoveRequestValidator : AbstractValidator<KitComponentRemoveRequest>
{
    public KitComponentRemoveRequestValidator()
    {
        this.AddVariantRefRules("kit", r => r.KitVariantGuid, r => r.KitVariantCode);
        this.AddVariantRefRules("component", r => r.ComponentVariantGuid, r => r.ComponentVariantCode);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class KitRequestValidator : AbstractValidator<KitRequest>
{
    public KitRequestValidator() => this.AddVariantRefRules("kit", r => r.KitVariantGuid, r => r.KitVariantCode);
}

/// <summary>
/// Kits (UC-PVM-008): a kit variant (<c>is_kit</c>) lists active component variants and their quantities, without
/// containing itself directly or through nested kits. Every change rewrites the one Kit record (ETag-checked) and
/// commits <c>pvm.kit.changed</c> with the whole composition, which ICS reserves kits through.
/// </summary>
public static class KitsApi
{
    public const int MaxQuantity = 10_000;

    /// <summary>A kit's composition is one record; this bounds it.</summary>
    public const int MaxComponents = 100;

    /// <summary>How deep the cycle check follows nested kits; a deeper nesting is refused rather than left unchecked.</summary>
    public const int MaxNesting = 8;

    public static RouteGroupBuilder MapKits(this IEndpointRouteBuilder routes)
    {
        var kits = routes.MapGroup("/kit/component").WithTags("Kits");
        kits.MapPost("/add", AddComponent).RequireRole(Role.Member).AsWrite()
            .WithSummary("Add a component variant to a kit, or set its quantity; the first component creates the kit's composition.");
        kits.MapPost("/remove", RemoveComponent).RequireRole(Role.Member).AsWrite()
            .WithSummary("Remove a component variant from a kit.");
        kits.MapPost("/list", ListComponents).RequireRole(Role.Viewer)
            .WithSummary("A kit's components with their codes and quantities, and the composition's revision.");
        return kits;
    }

    public static async Task<Results<Ok<Kit>, ProblemHttpResult>> AddComponent(KitComponentAddRequest request, RecordStore<Kit> kits,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (kitVariant, kitProblem) = await LoadKitVariantAsync(variants, orgcode, request.KitVariantGuid, request.KitVariantCode, ct);
        if (kitProblem is not null)
        {
            return kitProblem;
        }
        var component = await VariantRefs.LoadAsync(variants, orgcode, request.ComponentVariantGuid, request.ComponentVariantCode, ct);
        if (component is null)
        {
            return VariantRefs.Unknown("component", request.ComponentVariantGuid, request.ComponentVariantCode);
        }
        var componentField = VariantRefs.Field("component", request.ComponentVariantGuid);
        if (component.Record.VariantGuid == kitVariant!.VariantGuid)
        {
            return PvmProblems.KitCycle($"Kit '{kitVariant.VariantCode}' cannot contain itself.");
        }
        if (component.Record.Status != ProductStatus.Active)
        {
            return PvmProblems.ReferenceNotActive(componentField,
                $"Variant '{component.Record.VariantCode}' is {Retail.Shared.Json.SnakeCase.Name(component.Record.Status)}; a component must be active.");
        }
        var (loaded, problem) = await kits.LoadForUpsertAsync(orgcode, kitVariant.VariantGuid, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded?.Record.Components ?? [];
        var existing = current.Any(c => c.VariantGuid == component.Record.VariantGuid);
        if (!existing && current.Count >= MaxComponents)
        {
            return ApiProblem.Business("kit_too_large", "The kit has too many components.", $"A kit holds at most {MaxComponents} components.",
                [new("field", componentField)]);
        }
        if (!existing && await CycleCheckAsync(kits, orgcode, component.Record.VariantGuid, kitVariant.VariantGuid, ct) is { } cycle)
        {
            return PvmProblems.KitCycle(cycle switch
            {
                KitWalk.ContainsKit => $"Variant '{component.Record.VariantCode}' is a kit that contains kit '{kitVariant.VariantCode}'.",
                _ => $"Kits nest deeper than {MaxNesting} levels below '{component.Record.VariantCode}'; the cycle check stops there.",
            });
        }
        var added = new KitComponent(component.Record.VariantGuid, component.Record.VariantCode, request.Quantity!.Value);
        IReadOnlyList<KitComponent> components = existing
            ? current.Select(c => c.VariantGuid == added.VariantGuid ? added : c).ToList()
            : [.. current, added];
        return await SaveAsync(kits, orgcode, kitVariant, loaded, components, ct);
    }

    public static async Task<Results<Ok<Kit>, ProblemHttpResult>> RemoveComponent(KitComponentRemoveRequest request, RecordStore<Kit> kits,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (kitVariant, kitProblem) = await LoadKitVariantAsync(variants, orgcode, request.KitVariantGuid, request.KitVariantCode, ct);
        if (kitProblem is not null)
        {
            return kitProblem;
        }
        var (loaded, problem) = await kits.LoadForChangeAsync(orgcode, kitVariant!.VariantGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        // By guid, or by the code the component was added under (a retired component variant still leaves its kit).
        var code = string.IsNullOrWhiteSpace(request.ComponentVariantCode) ? null : Codes.Normalize(request.ComponentVariantCode);
        var gone = loaded!.Record.Components.FirstOrDefault(c =>
            (string.IsNullOrWhiteSpace(request.ComponentVariantGuid) || c.VariantGuid == request.ComponentVariantGuid) && (code is null || c.VariantCode == code));
        if (gone is null)
        {
            return PvmProblems.UnknownReference(VariantRefs.Field("component", request.ComponentVariantGuid),
                $"Kit '{kitVariant.VariantCode}' has no component '{request.ComponentVariantGuid ?? code}'.");
        }
        return await SaveAsync(kits, orgcode, kitVariant, loaded, loaded.Record.Components.Where(c => c != gone).ToList(), ct);
    }

    public static async Task<Results<Ok<Kit>, ProblemHttpResult>> ListComponents(KitRequest request, RecordStore<Kit> kits, RecordStore<Variant> variants,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var kitVariant = await VariantRefs.LoadAsync(variants, orgcode, request.KitVariantGuid, request.KitVariantCode, ct);
        if (kitVariant is null)
        {
            return ApiProblem.NotFound("No such variant in this org.");
        }
        var kit = await kits.GetAsync(orgcode, kitVariant.Record.VariantGuid, ct: ct);
        // A kit nothing was added to yet has an empty composition at revision 0.
        return TypedResults.Ok(kit?.Record ?? new Kit { KitVariantGuid = kitVariant.Record.VariantGuid, KitVariantCode = kitVariant.Record.VariantCode });
    }

    /// <summary>The kit variant a change names: 404 when it is not there, 422 when it is not a kit or is retired.</summary>
    private static async Task<(Variant? Kit, ProblemHttpResult? Problem)> LoadKitVariantAsync(RecordStore<Variant> variants, string orgcode, string? guid,
        string? code, CancellationToken ct)
    {
        var loaded = await VariantRefs.LoadAsync(variants, orgcode, guid, code, ct);
        if (loaded is null)
        {
            return (null, ApiProblem.NotFound("No such variant in this org."));
        }
        var variant = loaded.Record;
        if (!variant.IsKit)
        {
            return (null, NotAKit(VariantRefs.Field("kit", guid), $"Variant '{variant.VariantCode}' is not a kit (is_kit is false)."));
        }
        if (variant.Status == ProductStatus.Retired)
        {
            return (null, PvmProblems.ReferenceNotActive(VariantRefs.Field("kit", guid), $"Kit '{variant.VariantCode}' is retired."));
        }
        return (variant, null);
    }

    private static ProblemHttpResult NotAKit(string field, string detail) =>
        ApiProblem.Business("not_a_kit", "The variant is not a kit.", detail, [new("field", field)]);

    private enum KitWalk
    {
        ContainsKit,
        TooDeep,
    }

    /// <summary>
    /// Whether <paramref name="componentGuid"/> contains <paramref name="kitGuid"/> through nested kits: a breadth-first
    /// walk over the Kit records of each level (one bulk read a level), at most <see cref="MaxNesting"/> levels deep.
    /// </summary>
    private static async Task<KitWalk?> CycleCheckAsync(RecordStore<Kit> kits, string orgcode, string componentGuid, string kitGuid, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { componentGuid };
        IReadOnlyList<string> level = [componentGuid];
        for (var depth = 0; depth < MaxNesting; depth++)
        {
            var nested = await kits.GetManyAsync(orgcode, level, ct: ct);
            var next = nested.SelectMany(k => k.Components).Select(c => c.VariantGuid).Where(seen.Add).ToList();
            if (next.Contains(kitGuid, StringComparer.Ordinal))
            {
                return KitWalk.ContainsKit;
            }
            if (next.Count == 0)
            {
                return null;
            }
            level = next;
        }
        return KitWalk.TooDeep;
    }

    /// <summary>The new composition, ETag-checked (created on the first add), with <c>pvm.kit.changed</c> in its transaction.</summary>
    private static async Task<Results<Ok<Kit>, ProblemHttpResult>> SaveAsync(RecordStore<Kit> kits, string orgcode, Variant kitVariant, Loaded<Kit>? loaded,
        IReadOnlyList<KitComponent> components, CancellationToken ct)
    {
        var revision = (loaded?.Record.Revision ?? 0) + 1;
        DomainEvent[] changed =
        [
            new(PvmEvents.KitChanged, new KitChanged(orgcode, kitVariant.VariantGuid, kitVariant.VariantCode, components, revision)),
        ];
        var write = loaded is null
            ? await kits.CreateAsync(orgcode, new Kit { KitVariantGuid = kitVariant.VariantGuid, KitVariantCode = kitVariant.VariantCode, Components = components },
                changed, ct)
            : await kits.UpdateAsync(orgcode, loaded, loaded.Record with { Components = components }, events: changed, ct: ct);
        return write.ToOk();
    }
}
