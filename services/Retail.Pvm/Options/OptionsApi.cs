using FluentValidation;
using Retail.Shared;

namespace Retail.Pvm.Options;

public sealed record CreateOptionGroupRequest(string? OptionGroupCode, string? Name, string? Description);

public sealed record UpdateOptionGroupRequest(string? Guid, string? Code, string? Name, string? Description, long? ExpectedRevision)
    : IUpdateOf<OptionGroup>
{
    public OptionGroup Apply(OptionGroup current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        Description = RequestRules.Trimmed(Description) ?? current.Description,
    };
}

/// <summary>An option is named by its guid, or by its group's code and its own code.</summary>
public sealed record OptionKey(string? OptionGuid, string? OptionGroupCode, string? OptionCode) : IRecordRef
{
    public string? GuidRef() => OptionGuid;

    public string? CodeRef() => OptionCodes.Of(OptionGroupCode, OptionCode);
}

public sealed record CreateOptionRequest(string? OptionGroupCode, string? OptionCode, string? Name, int? Position);

public sealed record UpdateOptionRequest(string? OptionGuid, string? OptionGroupCode, string? OptionCode, string? Name, int? Position,
    long? ExpectedRevision) : IRecordRef, IRevisioned
{
    public string? GuidRef() => OptionGuid;

    public string? CodeRef() => OptionCodes.Of(OptionGroupCode, OptionCode);
}

public sealed record OptionStatusRequest(string? OptionGuid, string? OptionGroupCode, string? OptionCode, MasterStatus? Status, string? Reason,
    long? ExpectedRevision) : IStatusRequest
{
    public string? GuidRef() => OptionGuid;

    public string? CodeRef() => OptionCodes.Of(OptionGroupCode, OptionCode);
}

/// <summary>The options of a group (or of the org when no group is named), by status.</summary>
public sealed record OptionListRequest(string? OptionGroupCode, MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

internal static class OptionCodes
{
    public static string? Of(string? groupCode, string? optionCode) =>
        groupCode is null || optionCode is null ? null : Option.UniqueOf(Codes.Normalize(groupCode), Codes.Normalize(optionCode));

    public static void AddOptionRefRules<T>(this AbstractValidator<T> validator, Func<T, string?> guid, Func<T, string?> group, Func<T, string?> code)
    {
        validator.RuleFor(r => guid(r)).OptionalGuid().OverridePropertyName("option_guid");
        validator.RuleFor(r => group(r)).OptionalCode().OverridePropertyName("option_group_code");
        validator.RuleFor(r => code(r)).OptionalOptionCode().OverridePropertyName("option_code");
        validator.RuleFor(r => r).Must(r => !string.IsNullOrWhiteSpace(guid(r)) || (group(r) is not null && code(r) is not null))
            .OverridePropertyName("option_guid").WithMessage("name the option by option_guid, or by option_group_code and option_code");
    }
}

public sealed class CreateOptionGroupRequestValidator : AbstractValidator<CreateOptionGroupRequest>
{
    public CreateOptionGroupRequestValidator()
    {
        RuleFor(r => r.OptionGroupCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class UpdateOptionGroupRequestValidator : AbstractValidator<UpdateOptionGroupRequest>
{
    public UpdateOptionGroupRequestValidator()
    {
        this.AddUpdateRules<UpdateOptionGroupRequest, OptionGroup>();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class OptionKeyValidator : AbstractValidator<OptionKey>
{
    public OptionKeyValidator() => this.AddOptionRefRules(r => r.OptionGuid, r => r.OptionGroupCode, r => r.OptionCode);
}

public sealed class CreateOptionRequestValidator : AbstractValidator<CreateOptionRequest>
{
    public CreateOptionRequestValidator()
    {
        RuleFor(r => r.OptionGroupCode).BusinessCode();
        RuleFor(r => r.OptionCode).OptionCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Position).InclusiveBetween(0, 1_000_000).When(r => r.Position is not null);
    }
}

public sealed class UpdateOptionRequestValidator : AbstractValidator<UpdateOptionRequest>
{
    public UpdateOptionRequestValidator()
    {
        this.AddOptionRefRules(r => r.OptionGuid, r => r.OptionGroupCode, r => r.OptionCode);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Position).InclusiveBetween(0, 1_000_000).When(r => r.Position is not null);
    }
}

public sealed class OptionStatusRequestValidator : AbstractValidator<OptionStatusRequest>
{
    public OptionStatusRequestValidator()
    {
        this.AddOptionRefRules(r => r.OptionGuid, r => r.OptionGroupCode, r => r.OptionCode);
        this.AddStatusRules();
    }
}

public sealed class OptionListRequestValidator : AbstractValidator<OptionListRequest>
{
    public OptionListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.OptionGroupCode).OptionalCode();
    }
}

/// <summary>Option groups (size, colour) and their ordered values.</summary>
public static class OptionsApi
{
    public static IEndpointRouteBuilder MapOptions(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/option_group").WithTags("Option groups").MapMasterData(new MasterRoutes<OptionGroup>
        {
            Create = CreateOptionGroup,
            CreatePath = "",
            Update = MasterDataApi.Update<OptionGroup, UpdateOptionGroupRequest>,
        });
        var options = new MasterRoutes<Option>
        {
            Create = CreateOption,
            CreatePath = "",
            Update = UpdateOption,
            List = ListOptions,
            Get = MasterDataApi.GetBy<Option, OptionKey>,
            GetBy = "option_guid, or option_group_code and option_code",
        };
        routes.MapGroup("/option").WithTags("Options").MapMasterData(options with
        {
            Status = MasterDataApi.StatusHandler<Option, OptionStatusRequest>(options),
        });
        return routes;
    }

    public static async Task<Results<Created<OptionGroup>, ProblemHttpResult>> CreateOptionGroup(CreateOptionGroupRequest request,
        RecordStore<OptionGroup> store, RequestContext context, CancellationToken ct)
    {
        var group = new OptionGroup
        {
            OptionGroupGuid = Ids.New(),
            OptionGroupCode = Codes.Normalize(request.OptionGroupCode),
            Name = request.Name!.Trim(),
            Description = RequestRules.Trimmed(request.Description),
        };
        return (await store.CreateAsync(context.RequireOrgcode(), group, ct: ct)).ToCreated();
    }

    /// <summary>A new value of an active group; its code is unique within the group.</summary>
    public static async Task<Results<Created<Option>, ProblemHttpResult>> CreateOption(CreateOptionRequest request, RecordStore<Option> store,
        RecordStore<OptionGroup> groups, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var groupCode = Codes.Normalize(request.OptionGroupCode);
        var group = await groups.FindAsync(orgcode, OptionGroup.CodeName, groupCode, ct);
        if (group is null)
        {
            return PvmProblems.UnknownReference("option_group_code", $"No option group '{groupCode}' in this org.");
        }
        if (group.Record.Status != MasterStatus.Active)
        {
            return PvmProblems.ReferenceNotActive("option_group_code", $"Option group '{groupCode}' is {MasterLifecycle.Name(group.Record.Status)}.");
        }
        var option = new Option
        {
            OptionGuid = Ids.New(),
            OptionGroupGuid = group.Record.OptionGroupGuid,
            OptionGroupCode = groupCode,
            OptionCode = Codes.Normalize(request.OptionCode),
            Name = request.Name!.Trim(),
            Position = request.Position ?? 0,
        };
        return (await store.CreateAsync(orgcode, option, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<Option>, ProblemHttpResult>> UpdateOption(UpdateOptionRequest request, RecordStore<Option> store,
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
            Position = request.Position ?? current.Position,
        };
        return (await store.UpdateAsync(orgcode, loaded, next, ct: ct)).ToOk();
    }

    /// <summary>The options of a group through the (option_group_guid, status) index; an unknown group lists nothing.</summary>
    public static async Task<Ok<Page<Option>>> ListOptions(OptionListRequest request, RecordStore<Option> store, RecordStore<OptionGroup> groups,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var filters = new List<StateFilter>();
        if (request.OptionGroupCode is { } code)
        {
            var group = await groups.FindAsync(orgcode, OptionGroup.CodeName, Codes.Normalize(code), ct);
            filters.Add(StateFilter.Eq("option_group_guid", group?.Record.OptionGroupGuid ?? ""));
        }
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, orgcode, request, filters, ct));
    }
}

/// <summary>
/// An option's code is a value of its axis ("s", "m", "10.5"), so one character is enough: 1–64 of a-z, 0-9, '_', '-'
/// and '.', starting with a letter or digit; trimmed and lower-cased like every code.
/// </summary>
public static partial class OptionCodeRules
{
    public const string PatternText = "^[a-z0-9][a-z0-9_.-]{0,63}$";

    public static bool IsValid(string? raw) => raw is not null && Pattern().IsMatch(Codes.Normalize(raw));

    public static IRuleBuilderOptions<T, string?> OptionCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").Must(IsValid).WithMessage($"must match {PatternText}");

    public static IRuleBuilderOptions<T, string?> OptionalOptionCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || IsValid(c)).WithMessage($"must match {PatternText}");

    [System.Text.RegularExpressions.GeneratedRegex(PatternText, System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
