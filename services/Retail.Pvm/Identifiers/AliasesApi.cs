using FluentValidation;
using Retail.Pvm.Catalog;

namespace Retail.Pvm.Identifiers;

/// <summary>Sets the variant's value for a tag; <c>expected_revision</c>, when sent, is that of the alias it replaces (0: none yet).</summary>
public sealed record SetAliasRequest(string? Guid, string? Code, string? Tag, string? Value, long? ExpectedRevision) : IMasterRef<Variant>;

public sealed record RemoveAliasRequest(string? Tag, string? Value, long? ExpectedRevision) : IRevisioned;

public sealed record AliasListRequest(string? Guid, string? Code, string? Tag, bool? IncludeDoomed, int? Limit, string? NextToken)
    : IMasterRef<Variant>, IPagedRequest;

public sealed record AliasKeyRequest(string? Tag, string? Value);

public sealed class SetAliasRequestValidator : AbstractValidator<SetAliasRequest>
{
    public SetAliasRequestValidator()
    {
        this.AddVariantRules();
        this.AddTypedValueRules(r => r.Tag, r => r.Value, "tag");
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class RemoveAliasRequestValidator : AbstractValidator<RemoveAliasRequest>
{
    public RemoveAliasRequestValidator()
    {
        this.AddTypedKeyRules(r => r.Tag, r => r.Value, "tag");
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class AliasListRequestValidator : AbstractValidator<AliasListRequest>
{
    public AliasListRequestValidator()
    {
        this.AddVariantRules();
        RuleFor(r => r.Tag).OptionalCode();
        this.AddPagingRules();
    }
}

public sealed class AliasKeyRequestValidator : AbstractValidator<AliasKeyRequest>
{
    public AliasKeyRequestValidator() => this.AddTypedKeyRules(r => r.Tag, r => r.Value, "tag");
}

/// <summary>
/// Tagged aliases of variants (a supplier's SKU, a marketplace id): one value per tag per variant, and a tag's value names
/// one variant. Setting a new value dooms the old alias and creates (or revives) the new one in one batch; the unique value
/// <c>variant_tag</c> makes the loser of two concurrent sets a 409.
/// </summary>
public static class AliasesApi
{
    public static RouteGroupBuilder MapAliases(this IEndpointRouteBuilder routes)
    {
        var aliases = routes.MapGroup("/alias").WithTags("Aliases");
        aliases.MapPost("/set", Set).RequireRole(Role.Member).AsWrite()
            .WithSummary("Set a variant's value for a tag (supplier_sku, amazon_asin, …), replacing its previous value in the same write.");
        aliases.MapPost("/remove", Remove).RequireRole(Role.Member).AsWrite()
            .WithSummary("Remove (doom) an alias, freeing its value; its history is kept.");
        aliases.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("List a variant's aliases, by tag; removed ones on request.");
        return aliases;
    }

    public static async Task<Results<Ok<Alias>, ProblemHttpResult>> Set(SetAliasRequest request, RecordStore<Alias> aliases,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (variant, problem) = await VariantRefs.ForWriteAsync(variants, orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var tag = Codes.Normalize(request.Tag);
        var value = request.Value!;
        var current = await aliases.FindAsync(orgcode, "variant_tag", $"{variant!.VariantGuid}:{tag}", ct);
        if (request.ExpectedRevision is { } expected && (current?.Record.Revision ?? 0) != expected)
        {
            return ApiProblem.RevisionMismatch(current?.Record.Revision ?? 0);
        }
        if (current?.Record.Value == value)
        {
            return TypedResults.Ok(current.Record);
        }
        var holder = await aliases.GetAsync(orgcode, Alias.KeyOf(tag, value), includeDoomed: true, ct);
        if (holder is { Record.IsDoomed: false })
        {
            return ApiProblem.Duplicate($"Alias {holder.Record.Key} is held by variant {holder.Record.VariantGuid}.", "value");
        }
        var alias = new Alias { Tag = tag, Value = value, VariantGuid = variant.VariantGuid };
        var batch = new RecordBatch();
        // The old value first: dooming it frees variant_tag for the new one within the same transaction.
        if (current is not null)
        {
            aliases.Doom(batch, orgcode, current);
        }
        var written = holder is null ? aliases.Create(batch, orgcode, alias) : aliases.Update(batch, orgcode, holder, alias, VariantRefs.Revived);
        var commit = await batch.CommitAsync(ct);
        return commit.Succeeded ? TypedResults.Ok(written) : commit.Problem();
    }

    public static async Task<Results<Ok<Alias>, ProblemHttpResult>> Remove(RemoveAliasRequest request, RecordStore<Alias> aliases,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await aliases.LoadForChangeAsync(orgcode, KeyOf(request.Tag, request.Value), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        return (await aliases.DoomAsync(orgcode, loaded!, ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<Page<Alias>>, ProblemHttpResult>> List(AliasListRequest request, RecordStore<Alias> aliases,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await VariantRefs.ForReadAsync(variants, orgcode, request, ct) is not { } variant)
        {
            return ApiProblem.NotFound("No such variant in this org.");
        }
        List<StateFilter> filters = [StateFilter.Eq("variant_guid", variant.VariantGuid)];
        if (request.Tag is { } tag)
        {
            filters.Add(StateFilter.Eq("tag", Codes.Normalize(tag)));
        }
        return TypedResults.Ok(await aliases.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken, request.IncludeDoomed ?? false, ct: ct));
    }

    internal static string KeyOf(string? tag, string? value) => Alias.KeyOf(Codes.Normalize(tag), value ?? "");
}
