using FluentValidation;
using Retail.Pvm.Catalog;
using Retail.Shared;

namespace Retail.Pvm.Options;

public sealed record OgmAxisRequest(string? OptionGroupCode, IReadOnlyList<string>? OptionCodes);

/// <summary>
/// Creates revision 1 of a model as a draft; with <c>ogm_guid</c> (and <c>expected_revision</c>) it replaces the name and
/// axes of that draft instead. An active or retired model is immutable (409 <c>ogm_not_draft</c>): clone it.
/// </summary>
public sealed record OgmRequest(string? OgmGuid, string? OgmCode, string? Name, IReadOnlyList<OgmAxisRequest>? Axes, long? ExpectedRevision);

/// <summary>A model by guid, or by code and model revision (the newest revision when left out).</summary>
public sealed record OgmKey(string? OgmGuid, string? OgmCode, int? OgmRevision);

public sealed record OgmStatusRequest(string? OgmGuid, string? OgmCode, int? OgmRevision, OgmStatus? Status, string? Reason, long? ExpectedRevision)
    : IStatusRequest<OgmStatus>
{
    public string? GuidRef() => OgmGuid;

    public string? CodeRef() => OgmCode is null || OgmRevision is null ? null : Ogm.UniqueOf(Codes.Normalize(OgmCode), OgmRevision.Value);
}

public sealed record OgmListRequest(string? OgmCode, OgmStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IStatusList<OgmStatus>;

/// <summary>The next revision of a model, as a draft; name and axes as the source's unless given.</summary>
public sealed record OgmCloneRequest(string? OgmGuid, string? Name, IReadOnlyList<OgmAxisRequest>? Axes);

public static class OgmRules
{
    public const int MaxAxes = 5;
    public const int MaxOptionsPerAxis = 200;

    public static void AddAxesRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<OgmAxisRequest>?> axes, bool required)
    {
        validator.RuleFor(r => axes(r)).NotNull().WithMessage("is required").When(_ => required).OverridePropertyName("axes");
        validator.RuleFor(r => axes(r)).Must(a => a is null || a.Count is >= 1 and <= MaxAxes)
            .WithMessage($"must have 1 to {MaxAxes} axes").OverridePropertyName("axes");
        validator.RuleFor(r => axes(r)).Must(a => a is null || a.Where(x => x?.OptionGroupCode is not null)
                .Select(x => Codes.Normalize(x.OptionGroupCode)).Distinct().Count() == a.Count(x => x?.OptionGroupCode is not null))
            .WithMessage("names an option group twice").OverridePropertyName("axes");
        validator.RuleForEach(r => axes(r)).NotNull().WithMessage("is required").OverridePropertyName("axes");
        validator.RuleForEach(r => axes(r)).ChildRules(axis =>
        {
            axis.RuleFor(x => x).NotNull().WithMessage("is required");
            axis.RuleFor(x => x.OptionGroupCode).BusinessCode().When(x => x is not null);
            axis.RuleFor(x => x.OptionCodes).NotEmpty().WithMessage("is required").When(x => x is not null);
            axis.RuleFor(x => x.OptionCodes).Must(c => c is null || c.Count <= MaxOptionsPerAxis)
                .WithMessage($"at most {MaxOptionsPerAxis} options").When(x => x is not null);
            axis.RuleFor(x => x.OptionCodes).Must(c => c is null || c.Select(Codes.Normalize).Distinct().Count() == c.Count)
                .WithMessage("names an option twice").When(x => x is not null);
            axis.RuleForEach(x => x.OptionCodes).OptionCode().When(x => x is not null);
        }).OverridePropertyName("axes");
    }
}

public sealed class OgmRequestValidator : AbstractValidator<OgmRequest>
{
    public OgmRequestValidator()
    {
        RuleFor(r => r.OgmGuid).OptionalGuid();
        RuleFor(r => r.OgmCode).BusinessCode().When(r => r.OgmGuid is null);
        RuleFor(r => r.OgmCode).OptionalCode().When(r => r.OgmGuid is not null);
        RuleFor(r => r.Name).RequiredText().When(r => r.OgmGuid is null);
        RuleFor(r => r.Name).Text().When(r => r.OgmGuid is not null);
        this.AddAxesRules(r => r.Axes, required: false);
        RuleFor(r => r.Axes).NotNull().WithMessage("is required").When(r => r.OgmGuid is null);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class OgmKeyValidator : AbstractValidator<OgmKey>
{
    public OgmKeyValidator()
    {
        RuleFor(r => r.OgmGuid).OptionalGuid();
        RuleFor(r => r.OgmCode).OptionalCode();
        RuleFor(r => r.OgmRevision).GreaterThan(0).When(r => r.OgmRevision is not null);
        RuleFor(r => r.OgmGuid).Must((r, guid) => guid is not null || r.OgmCode is not null).WithMessage("name the model by ogm_guid or ogm_code");
    }
}

public sealed class OgmStatusRequestValidator : AbstractValidator<OgmStatusRequest>
{
    public OgmStatusRequestValidator()
    {
        RuleFor(r => r.OgmGuid).OptionalGuid();
        RuleFor(r => r.OgmCode).OptionalCode();
        RuleFor(r => r.OgmRevision).GreaterThan(0).When(r => r.OgmRevision is not null);
        RuleFor(r => r.OgmGuid).Must((r, guid) => guid is not null || (r.OgmCode is not null && r.OgmRevision is not null))
            .WithMessage("name the model by ogm_guid, or by ogm_code and ogm_revision");
        this.AddStatusRules<OgmStatusRequest, OgmStatus>();
    }
}

public sealed class OgmListRequestValidator : AbstractValidator<OgmListRequest>
{
    public OgmListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.OgmCode).OptionalCode();
    }
}

public sealed class OgmCloneRequestValidator : AbstractValidator<OgmCloneRequest>
{
    public OgmCloneRequestValidator()
    {
        RuleFor(r => r.OgmGuid).RequiredGuid();
        RuleFor(r => r.Name).Text();
        this.AddAxesRules(r => r.Axes, required: false);
    }
}

/// <summary>Option group models: the ordered variant axes of a style, revisioned (draft → active → retired; clone to change).</summary>
public static class OgmApi
{
    private static readonly LifecycleRoutes<Ogm, OgmStatus> Routes = new()
    {
        Create = SaveOgm,
        CreatePath = "",
        Get = GetOgm,
        GetBy = "ogm_guid, or ogm_code and ogm_revision (the newest when left out)",
        List = ListOgms,
        StatusGuard = GuardStatus,
    };

    public static IEndpointRouteBuilder MapOgm(this IEndpointRouteBuilder routes)
    {
        var ogm = routes.MapGroup("/ogm").WithTags("Option group models");
        ogm.MapLifecycleData(Routes with { Status = MasterDataApi.StatusHandler<Ogm, OgmStatus, OgmStatusRequest>(Routes) });
        ogm.MapPost("/clone", CloneOgm).RequireRole(Role.Member).AsWrite()
            .WithSummary("Make the next revision of a model as a draft (an active model is immutable), optionally with a new name or axes.");
        return routes;
    }

    /// <summary>Creates revision 1 as a draft, or (with ogm_guid) replaces a draft's name and axes.</summary>
    [EndpointDescription("Without ogm_guid: creates revision 1 of ogm_code as a draft (201). With ogm_guid and expected_revision: replaces the "
        + "name and axes of that draft (200); an active or retired model is immutable (409 ogm_not_draft), ogm/clone makes its next revision.")]
    public static async Task<Results<Created<Ogm>, Ok<Ogm>, ProblemHttpResult>> SaveOgm(OgmRequest request, RecordStore<Ogm> store,
        RecordStore<OptionGroup> groups, RecordStore<Option> options, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.OgmGuid is null)
        {
            var (axes, invalid) = await ResolveAxesAsync(orgcode, request.Axes!, groups, options, ct);
            if (invalid is not null)
            {
                return invalid;
            }
            var created = new Ogm
            {
                OgmGuid = Ids.New(),
                OgmCode = Codes.Normalize(request.OgmCode),
                OgmRevision = 1,
                Name = request.Name!.Trim(),
                Axes = axes!,
            };
            var write = await store.CreateAsync(orgcode, created, ct: ct);
            return write.Succeeded ? TypedResults.Created((string?)null, write.Record!) : write.Problem();
        }
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, request.OgmGuid, request.ExpectedRevision,
            visible: o => request.OgmCode is null || o.OgmCode == Codes.Normalize(request.OgmCode), ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.Status != OgmStatus.Draft)
        {
            return PvmProblems.OgmNotDraft($"Model '{current.OgmCode}' revision {current.OgmRevision} is {Retail.Shared.Json.SnakeCase.Name(current.Status)}; clone it to change it.");
        }
        var next = current with { Name = RequestRules.Trimmed(request.Name) ?? current.Name };
        if (request.Axes is not null)
        {
            var (axes, invalid) = await ResolveAxesAsync(orgcode, request.Axes, groups, options, ct);
            if (invalid is not null)
            {
                return invalid;
            }
            next = next with { Axes = axes! };
        }
        var updated = await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return updated.Succeeded ? TypedResults.Ok(updated.Record!) : updated.Problem();
    }

    public static async Task<Results<Created<Ogm>, ProblemHttpResult>> CloneOgm(OgmCloneRequest request, RecordStore<Ogm> store,
        RecordStore<OptionGroup> groups, RecordStore<Option> options, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await store.GetAsync(orgcode, request.OgmGuid!, ct: ct) is not { } source)
        {
            return ApiProblem.NotFound("No such ogm in this org.");
        }
        var axes = source.Record.Axes;
        if (request.Axes is not null)
        {
            var (resolved, invalid) = await ResolveAxesAsync(orgcode, request.Axes, groups, options, ct);
            if (invalid is not null)
            {
                return invalid;
            }
            axes = resolved!;
        }
        var newest = await NewestAsync(store, orgcode, source.Record.OgmCode, ct);
        var clone = new Ogm
        {
            OgmGuid = Ids.New(),
            OgmCode = source.Record.OgmCode,
            OgmRevision = (newest?.OgmRevision ?? source.Record.OgmRevision) + 1,
            Name = RequestRules.Trimmed(request.Name) ?? source.Record.Name,
            Axes = axes,
            ClonedFromGuid = source.Record.OgmGuid,
        };
        // Two clones at once both aim at max + 1: the unique "ogm" value lets one win and the other answer 409 duplicate.
        return (await store.CreateAsync(orgcode, clone, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<Ogm>, ProblemHttpResult>> GetOgm(OgmKey request, RecordStore<Ogm> store, RequestContext context,
        CancellationToken ct) =>
        await FindAsync(store, context.RequireOrgcode(), request.OgmGuid, request.OgmCode, request.OgmRevision, ct) is { } found
            ? TypedResults.Ok(found.Record)
            : ApiProblem.NotFound("No such ogm in this org.");

    public static async Task<Ok<Page<Ogm>>> ListOgms(OgmListRequest request, RecordStore<Ogm> store, RequestContext context, CancellationToken ct)
    {
        IEnumerable<StateFilter> filters = request.OgmCode is { } code ? [StateFilter.Eq("ogm_code", Codes.Normalize(code))] : [];
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }

    /// <summary>A model by guid (a code given beside it must agree), or by code and revision, or the newest revision of a code.</summary>
    public static async Task<Loaded<Ogm>?> FindAsync(RecordStore<Ogm> store, string orgcode, string? guid, string? code, int? revision,
        CancellationToken ct)
    {
        var normalized = code is null ? null : Codes.Normalize(code);
        if (guid is not null)
        {
            var byGuid = await store.GetAsync(orgcode, guid, ct: ct);
            return byGuid is null || (normalized is not null && byGuid.Record.OgmCode != normalized)
                || (revision is not null && byGuid.Record.OgmRevision != revision) ? null : byGuid;
        }
        if (normalized is null)
        {
            return null;
        }
        if (revision is not null)
        {
            return await store.FindAsync(orgcode, Ogm.CodeName, Ogm.UniqueOf(normalized, revision.Value), ct);
        }
        var newest = await NewestAsync(store, orgcode, normalized, ct);
        return newest is null ? null : await store.GetAsync(orgcode, newest.OgmGuid, ct: ct);
    }

    /// <summary>The highest revision of a model, through the (ogm_code, ogm_revision) index: one row.</summary>
    private static async Task<Ogm?> NewestAsync(RecordStore<Ogm> store, string orgcode, string code, CancellationToken ct)
    {
        var page = await store.ListAsync(orgcode, [StateFilter.Eq("ogm_code", code)], limit: 1,
            sort: [new StateSort("ogm_revision", Descending: true)], ct: ct);
        return page.Items.Count == 0 ? null : page.Items[0];
    }

    /// <summary>
    /// Activating needs every group and option of the axes still there and active; retiring an active model is refused
    /// while a draft or active style is built on it.
    /// </summary>
    private static async Task<ProblemHttpResult?> GuardStatus(IServiceProvider services, string orgcode, Ogm current, OgmStatus to,
        CancellationToken ct)
    {
        if (to == OgmStatus.Active)
        {
            var groups = services.GetRequiredService<RecordStore<OptionGroup>>();
            var options = services.GetRequiredService<RecordStore<Option>>();
            for (var i = 0; i < current.Axes.Count; i++)
            {
                var axis = current.Axes[i];
                var group = await groups.GetAsync(orgcode, axis.OptionGroupGuid, ct: ct);
                if (group is null)
                {
                    return PvmProblems.UnknownReference($"axes[{i}].option_group_code", $"Option group '{axis.OptionGroupCode}' no longer exists.");
                }
                if (group.Record.Status != MasterStatus.Active)
                {
                    return PvmProblems.ReferenceNotActive($"axes[{i}].option_group_code", $"Option group '{axis.OptionGroupCode}' is not active.");
                }
                for (var j = 0; j < axis.OptionCodes.Count; j++)
                {
                    var option = await options.FindAsync(orgcode, Option.CodeName, Option.UniqueOf(axis.OptionGroupCode, axis.OptionCodes[j]), ct);
                    if (option is null)
                    {
                        return PvmProblems.UnknownReference($"axes[{i}].option_codes[{j}]",
                            $"Option '{axis.OptionCodes[j]}' of '{axis.OptionGroupCode}' no longer exists.");
                    }
                    if (option.Record.Status != MasterStatus.Active)
                    {
                        return PvmProblems.ReferenceNotActive($"axes[{i}].option_codes[{j}]",
                            $"Option '{axis.OptionCodes[j]}' of '{axis.OptionGroupCode}' is not active.");
                    }
                }
            }
        }
        if (to == OgmStatus.Retired && current.Status == OgmStatus.Active)
        {
            var styles = services.GetRequiredService<RecordStore<Style>>();
            var inUse = await styles.ListAsync(orgcode,
                [StateFilter.Eq("ogm_guid", current.OgmGuid), StateFilter.In("status", ProductStatus.Draft, ProductStatus.Active)], limit: 1, ct: ct);
            if (inUse.Items.Count > 0)
            {
                return PvmProblems.InUse($"Style '{inUse.Items[0].StyleCode}' (and perhaps others) is built on this model; move it with style/ogm/set first.");
            }
        }
        return null;
    }

    /// <summary>The axes as stored: each group by code (it must exist) and each of its options (they must exist in it).</summary>
    private static async Task<(IReadOnlyList<OgmAxis>? Axes, ProblemHttpResult? Problem)> ResolveAxesAsync(string orgcode,
        IReadOnlyList<OgmAxisRequest> requested, RecordStore<OptionGroup> groups, RecordStore<Option> options, CancellationToken ct)
    {
        var axes = new List<OgmAxis>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var groupCode = Codes.Normalize(requested[i].OptionGroupCode);
            var group = await groups.FindAsync(orgcode, OptionGroup.CodeName, groupCode, ct);
            if (group is null)
            {
                return (null, PvmProblems.UnknownReference($"axes[{i}].option_group_code", $"No option group '{groupCode}' in this org."));
            }
            var codes = requested[i].OptionCodes!.Select(Codes.Normalize).ToList();
            for (var j = 0; j < codes.Count; j++)
            {
                if (await options.FindAsync(orgcode, Option.CodeName, Option.UniqueOf(groupCode, codes[j]), ct) is null)
                {
                    return (null, PvmProblems.UnknownReference($"axes[{i}].option_codes[{j}]", $"No option '{codes[j]}' in group '{groupCode}'."));
                }
            }
            axes.Add(new OgmAxis(group.Record.OptionGroupGuid, groupCode, codes));
        }
        return (axes, null);
    }
}
