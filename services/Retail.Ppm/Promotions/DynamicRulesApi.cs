using FluentValidation;
using Retail.Ppm.Pricing;
using Retail.Shared;

namespace Retail.Ppm.Promotions;

/// <summary>
/// Creates a rule by its code, or changes it (<c>expected_revision</c>): the whole rule is written, status aside.
/// Markdowns take <c>percent</c> (over 0, at most 100) or <c>amount_minor</c> with its <c>currency</c>; floors and
/// ceilings take <c>amount_minor</c> and <c>currency</c>; rounding takes <c>ending_minor</c> (0–99).
/// </summary>
/// <param name="ExpectedRevision">Absent or 0 for a new rule code; the rule's current revision to change it.</param>
public sealed record SetDynamicRuleRequest(string? RuleCode, string? Name, RuleKind? Kind, SelectorRequest? Target, decimal? Percent, long? AmountMinor,
    string? Currency, int? EndingMinor, IReadOnlyList<string>? Channels, WindowRequest? Window, int? Priority, long? ExpectedRevision);

public sealed record DynamicRuleListRequest(MasterStatus? Status, RuleKind? Kind, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

public sealed class SetDynamicRuleRequestValidator : AbstractValidator<SetDynamicRuleRequest>
{
    public SetDynamicRuleRequestValidator()
    {
        RuleFor(r => r.RuleCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Kind).NotNull().WithMessage("is required");
        this.AddSelectorRules(r => r.Target, "target");
        RuleFor(r => r.Percent).Percent().When(r => r.Kind == RuleKind.MarkdownPercent);
        RuleFor(r => r.Percent).Absent("markdown_percent").When(r => r.Kind is not null and not RuleKind.MarkdownPercent);
        RuleFor(r => r.AmountMinor).Amount().When(r => IsAmountKind(r.Kind));
        RuleFor(r => r.AmountMinor).Absent("markdown_amount, floor and ceiling").When(r => r.Kind is not null && !IsAmountKind(r.Kind));
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency().When(r => IsAmountKind(r.Kind));
        RuleFor(r => r.Currency).Absent("markdown_amount, floor and ceiling").When(r => r.Kind is not null && !IsAmountKind(r.Kind));
        RuleFor(r => r.EndingMinor).NotNull().WithMessage("is required").InclusiveBetween(0, 99).When(r => r.Kind == RuleKind.Rounding);
        RuleFor(r => r.EndingMinor).Absent("rounding").When(r => r.Kind is not null and not RuleKind.Rounding);
        this.AddChannelRules(r => r.Channels);
        When(r => r.Window is not null, () => this.AddWindowRules(r => r.Window!.StartsAt, r => r.Window!.EndsAt, "window."));
        RuleFor(r => r.Priority).Priority();
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }

    private static bool IsAmountKind(RuleKind? kind) => kind is RuleKind.MarkdownAmount or RuleKind.Floor or RuleKind.Ceiling;
}

public sealed class DynamicRuleListRequestValidator : AbstractValidator<DynamicRuleListRequest>
{
    public DynamicRuleListRequestValidator() => this.AddListRules();
}

/// <summary>
/// Dynamic rules: markdowns (percent or amount), rounding, floors and ceilings for a selector, optionally limited to
/// sales channels and a window; the master-data lifecycle (active, inactive, retired). Every write drops the org's
/// pricing snapshot.
/// </summary>
public static class DynamicRulesApi
{
    private static readonly MasterRoutes<DynamicRule> Routes = new() { Create = SetRule, StatusPath = "/status/set" };

    /// <summary>/dynamic-rule/set|get|list|status/set (issue 12, promotions helper).</summary>
    public static IEndpointRouteBuilder MapDynamicRules(this IEndpointRouteBuilder routes)
    {
        var rules = routes.MapGroup("/dynamic-rule").WithTags("Dynamic rules");
        // Handlers as delegates: the route analyzer cannot read generic method groups.
        Delegate getRule = MasterDataApi.Get<DynamicRule>;
        Delegate setStatus = MasterDataApi.StatusHandler<DynamicRule, MasterStatus, StatusChange<DynamicRule, MasterStatus>>(Routes);
        rules.MapPost("/set", SetRule).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Create a dynamic rule by its code (201), or change it with expected_revision: kind, target, amounts, channels, window, priority.");
        rules.MapPost("/get", getRule).RequireRole(Role.Viewer).WithSummary("Read a dynamic rule by rule_guid or rule_code.");
        rules.MapPost("/list", ListRules).RequireRole(Role.Viewer).WithSummary("List the org's dynamic rules, by status and kind.");
        rules.MapPost("/status/set", setStatus)
            .RequireRole(Role.Admin).AsWrite().InvalidatesPricing()
            .WithSummary("Move a dynamic rule through its lifecycle (active, inactive, retired); only active rules price.");
        return routes;
    }

    public static async Task<Results<Created<DynamicRule>, Ok<DynamicRule>, ProblemHttpResult>> SetRule(SetDynamicRuleRequest request,
        RecordStore<DynamicRule> store, [AsParameters] PromotionReferences references, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.RuleCode);
        var current = await store.FindAsync(orgcode, DynamicRule.CodeName, code, ct);
        var revisionCheck = current is null
            ? request.ExpectedRevision is null or 0 ? null : ApiProblem.RevisionMismatch(0)
            : RecordStore<DynamicRule>.CheckRevision(current, request.ExpectedRevision).Problem;
        if (revisionCheck is not null)
        {
            return revisionCheck;
        }
        if (current is { Record.Status: MasterStatus.Retired })
        {
            return PpmProblems.RuleRetired($"Dynamic rule '{code}' is retired; set up a rule under a new code.");
        }
        var channels = PromotionRules.Channels(request.Channels);
        var target = request.Target!.ToSelector();
        if (await references.ChannelsProblemAsync(orgcode, channels, ct) is { } channelProblem)
        {
            return channelProblem;
        }
        if (await references.TargetsProblemAsync(orgcode, [target], "target.value", ct) is { } targetProblem)
        {
            return targetProblem;
        }
        var rule = new DynamicRule
        {
            RuleGuid = current?.Record.RuleGuid ?? Ids.New(),
            RuleCode = code,
            Name = request.Name!.Trim(),
            Kind = request.Kind!.Value,
            Target = target,
            Percent = request.Percent,
            AmountMinor = request.AmountMinor,
            Currency = PromotionRules.Currency(request.Currency),
            EndingMinor = request.EndingMinor,
            Channels = channels,
            Window = request.Window is { } w ? new TimeWindow(w.StartsAt!.Value.ToUniversalTime(), w.EndsAt?.ToUniversalTime()) : null,
            Priority = request.Priority ?? 100,
            Status = current?.Record.Status ?? MasterStatus.Active,
            StatusReason = current?.Record.StatusReason,
        };
        var write = current is null ? await store.CreateAsync(orgcode, rule, ct: ct) : await store.UpdateAsync(orgcode, current, rule, ct: ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        return current is null ? TypedResults.Created((string?)null, write.Record!) : TypedResults.Ok(write.Record!);
    }

    public static async Task<Ok<Page<DynamicRule>>> ListRules(DynamicRuleListRequest request, RecordStore<DynamicRule> store, RequestContext context,
        CancellationToken ct)
    {
        IEnumerable<StateFilter> filters = request.Kind is { } kind ? [StateFilter.Eq("kind", kind)] : [];
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }
}
