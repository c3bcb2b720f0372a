using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Ppm.Pricing;

namespace Retail.Ppm.Policy;

/// <summary>
/// The whole policy as it is to be (parts left out take their defaults). <c>expected_revision</c>: absent or 0 for the
/// org's first policy, the current revision after.
/// </summary>
public sealed record SetPolicyRequest(ApprovalThresholds? Approval, decimal? MaxDiscountPercent, decimal? MinMarginPercent, StackingPolicy? Stacking,
    RoundingPolicy? Rounding, long? ExpectedRevision);

/// <summary>The policy; with <c>include_history</c>, also a page of its changes (oldest first; <c>limit</c>, <c>next_token</c>).</summary>
public sealed record GetPolicyRequest(bool? IncludeHistory, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>The org's policy (the default at revision 0 until first set) and, when asked, a page of its history.</summary>
public sealed record PolicyView(ApprovalThresholds Approval, decimal? MaxDiscountPercent, decimal? MinMarginPercent, StackingPolicy Stacking,
    RoundingPolicy Rounding, long Revision, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Page<HistoryEntry>? History)
{
    public static PolicyView Of(PricingPolicy policy, Page<HistoryEntry>? history) =>
        new(policy.Approval, policy.MaxDiscountPercent, policy.MinMarginPercent, policy.Stacking, policy.Rounding, policy.Revision,
            policy.Revision == 0 ? null : policy.CreatedAt, policy.Revision == 0 ? null : policy.UpdatedAt, history);
}

/// <summary>ppm.policy.changed: the policy as it now is, at its new revision.</summary>
public sealed record PolicyChanged(long Revision, ApprovalThresholds Approval, decimal? MaxDiscountPercent, decimal? MinMarginPercent,
    StackingPolicy Stacking, RoundingPolicy Rounding, string? ChangedBy);

public sealed class SetPolicyRequestValidator : AbstractValidator<SetPolicyRequest>
{
    public SetPolicyRequestValidator()
    {
        RuleFor(r => r.Approval!.MaxDecreasePercent).Percent().When(r => r.Approval is not null).OverridePropertyName("approval.max_decrease_percent");
        RuleFor(r => r.Approval!.MaxIncreasePercent).Percent().When(r => r.Approval is not null).OverridePropertyName("approval.max_increase_percent");
        RuleFor(r => r.MaxDiscountPercent).Percent();
        RuleFor(r => r.MinMarginPercent).Percent();
        When(r => r.Stacking is not null, () =>
        {
            RuleFor(r => r.Stacking!.CapPercent).Percent().OverridePropertyName("stacking.cap_percent");
            RuleFor(r => r.Stacking!.CapPercent).Null().When(r => r.Stacking!.Mode != StackingMode.Additive)
                .WithMessage("applies to mode additive only").OverridePropertyName("stacking.cap_percent");
        });
        When(r => r.Rounding is not null, () =>
        {
            RuleFor(r => r.Rounding!.EndingMinor).NotNull().WithMessage("is required for mode ending").InclusiveBetween(0, 99)
                .When(r => r.Rounding!.Mode == RoundingMode.Ending).OverridePropertyName("rounding.ending_minor");
            RuleFor(r => r.Rounding!.EndingMinor).Null().When(r => r.Rounding!.Mode == RoundingMode.None)
                .WithMessage("applies to mode ending only").OverridePropertyName("rounding.ending_minor");
        });
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class GetPolicyRequestValidator : AbstractValidator<GetPolicyRequest>
{
    public GetPolicyRequestValidator()
    {
        this.AddPagingRules();
        // Paging is of the history: without it a token would be ignored rather than refused.
        RuleFor(r => r.Limit).Null().When(r => r.IncludeHistory != true).WithMessage("pages the history; send include_history: true");
        RuleFor(r => r.NextToken).Null().When(r => r.IncludeHistory != true).WithMessage("pages the history; send include_history: true");
    }
}

public static class PercentRules
{
    /// <summary>A percentage, when given: 0 to 100.</summary>
    public static IRuleBuilderOptions<T, decimal?> Percent<T>(this IRuleBuilder<T, decimal?> rule) =>
        rule.Must(p => p is null or >= 0m and <= 100m).WithMessage("must be a percentage from 0 to 100");
}

/// <summary>
/// The org's pricing policy (issue 12): one versioned record (<see cref="PricingPolicy.TheKey"/>) whose history is the
/// record's own; the default applies, at revision 0, until an admin first sets it.
/// </summary>
public static class PolicyApi
{
    public static IEndpointRouteBuilder MapPolicy(this IEndpointRouteBuilder routes)
    {
        var policy = routes.MapGroup("/policy").WithTags("Pricing policy");
        policy.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("Read the pricing policy (the default at revision 0 until set); include_history adds a page of its changes.");
        policy.MapPost("/set", Set).RequireRole(Role.Admin).AsWrite().InvalidatesPricing()
            .WithSummary("Replace the pricing policy: approval thresholds, maximum discount, minimum margin, stacking, rounding (expected_revision; 0 or absent the first time).");
        return policy;
    }

    public static async Task<Ok<PolicyView>> Get(GetPolicyRequest request, RecordStore<PricingPolicy> store, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var policy = (await store.GetAsync(orgcode, PricingPolicy.TheKey, ct: ct))?.Record ?? PricingPolicy.Default;
        var history = request.IncludeHistory == true
            ? await store.HistoryAsync(orgcode, PricingPolicy.TheKey, Paging.LimitOf(request), request.NextToken, ct)
            : null;
        return TypedResults.Ok(PolicyView.Of(policy, history));
    }

    public static async Task<Results<Ok<PricingPolicy>, ProblemHttpResult>> Set(SetPolicyRequest request, RecordStore<PricingPolicy> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, refused) = await store.LoadForUpsertAsync(orgcode, PricingPolicy.TheKey, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var next = new PricingPolicy
        {
            Approval = request.Approval ?? new(),
            MaxDiscountPercent = request.MaxDiscountPercent,
            MinMarginPercent = request.MinMarginPercent,
            Stacking = request.Stacking ?? new(),
            Rounding = request.Rounding ?? new(),
        };
        DomainEvent[] events = [new(PpmEvents.PolicyChanged, new PolicyChanged((loaded?.Record.Revision ?? 0) + 1, next.Approval, next.MaxDiscountPercent,
            next.MinMarginPercent, next.Stacking, next.Rounding, context.Principal?.Id), "policy")];
        var write = loaded is null ? await store.CreateAsync(orgcode, next, events, ct) : await store.UpdateAsync(orgcode, loaded, next, "updated", events, ct);
        return write.ToOk();
    }
}
