using FluentValidation;
using Retail.Ppm.Pricing;
using Retail.Shared;

namespace Retail.Ppm.Promotions;

/// <summary>
/// A new promotion. percent_off takes <c>percent</c> (over 0, at most 100); amount_off and fixed_price take
/// <c>amount_minor</c> and its <c>currency</c>; buy_x_get_y takes <c>buy_quantity</c> and <c>get_quantity</c> (at least 1)
/// and <c>get_percent</c> (default 100: free). Channels left out or empty: every channel. <c>code</c>: the promotion applies
/// only when a pricing request presents this code (unique among the org's active promotions).
/// </summary>
public sealed record CreatePromotionRequest(string? PromotionCode, string? Name, PromotionKind? Kind, decimal? Percent, long? AmountMinor, string? Currency,
    int? BuyQuantity, int? GetQuantity, decimal? GetPercent, IReadOnlyList<SelectorRequest>? Targets, IReadOnlyList<string>? Channels,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? Priority, bool? Exclusive, string? Code = null);

public sealed record PromotionKey(string? PromotionGuid, string? PromotionCode) : IRecordRef
{
    public string? GuidRef() => PromotionGuid;

    public string? CodeRef() => PromotionCode is null ? null : Codes.Normalize(PromotionCode);
}

/// <param name="ActiveAt">Only promotions that apply at this time (status active, window containing it).</param>
/// <param name="ChannelCode">Only promotions that apply in this channel (naming it, or naming none).</param>
public sealed record PromotionListRequest(PromotionStatus? Status, DateTimeOffset? ActiveAt, string? ChannelCode, int? Limit, string? NextToken) : IPagedRequest;

public sealed record EndPromotionRequest(string? PromotionGuid, long? ExpectedRevision, string? Reason);

/// <summary>What <c>ppm.promotion.created</c> carries.</summary>
public sealed record PromotionCreated(string Orgcode, string PromotionGuid, string PromotionCode, PromotionKind Kind, IReadOnlyList<string> Channels,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, bool Exclusive, string? Code = null);

/// <summary>What <c>ppm.promotion.ended</c> carries.</summary>
public sealed record PromotionEnded(string Orgcode, string PromotionGuid, string PromotionCode, DateTimeOffset EndedAt, string? Reason);

public sealed class CreatePromotionRequestValidator : AbstractValidator<CreatePromotionRequest>
{
    public CreatePromotionRequestValidator()
    {
        RuleFor(r => r.PromotionCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Kind).NotNull().WithMessage("is required");
        RuleFor(r => r.Percent).Percent().When(r => r.Kind == PromotionKind.PercentOff);
        RuleFor(r => r.Percent).Absent("percent_off").When(r => r.Kind is not null and not PromotionKind.PercentOff);
        RuleFor(r => r.AmountMinor).Amount().When(r => IsAmountKind(r.Kind));
        RuleFor(r => r.AmountMinor).Absent("amount_off and fixed_price").When(r => r.Kind is not null && !IsAmountKind(r.Kind));
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency().When(r => IsAmountKind(r.Kind));
        RuleFor(r => r.Currency).Absent("amount_off and fixed_price").When(r => r.Kind is not null && !IsAmountKind(r.Kind));
        When(r => r.Kind == PromotionKind.BuyXGetY, () =>
        {
            RuleFor(r => r.BuyQuantity).NotNull().WithMessage("is required").InclusiveBetween(1, 1000);
            RuleFor(r => r.GetQuantity).NotNull().WithMessage("is required").InclusiveBetween(1, 1000);
            RuleFor(r => r.GetPercent).Must(p => p is null or > 0 and <= 100).WithMessage("must be over 0 and at most 100");
        }).Otherwise(() =>
        {
            RuleFor(r => r.BuyQuantity).Absent("buy_x_get_y").When(r => r.Kind is not null);
            RuleFor(r => r.GetQuantity).Absent("buy_x_get_y").When(r => r.Kind is not null);
            RuleFor(r => r.GetPercent).Absent("buy_x_get_y").When(r => r.Kind is not null);
        });
        RuleFor(r => r.Targets).NotEmpty().WithMessage("is required")
            .Must(t => t is null || t.Count <= PromotionRules.MaxTargets).WithMessage($"names at most {PromotionRules.MaxTargets} targets");
        RuleForEach(r => r.Targets).NotNull().WithMessage("is required").ChildRules(target =>
        {
            target.RuleFor(t => t.Kind).NotNull().WithMessage("is required");
            target.RuleFor(t => t.Value).Must((t, _) => PromotionRules.SelectorValueOk(t))
                .WithMessage("is a PVM guid for variant, style, category and brand, and left out for all").When(t => t.Kind is not null);
        });
        RuleFor(r => r.Targets).Must(t => t is null || t.Any(x => x is null || x.Kind is null || !PromotionRules.SelectorValueOk(x)) || Distinct(t))
            .WithMessage("names each target once, and all stands alone");
        this.AddChannelRules(r => r.Channels);
        this.AddWindowRules(r => r.StartsAt, r => r.EndsAt);
        RuleFor(r => r.Priority).Priority();
        RuleFor(r => r.Code).OptionalCode();
    }

    private static bool IsAmountKind(PromotionKind? kind) => kind is PromotionKind.AmountOff or PromotionKind.FixedPrice;

    private static bool Distinct(IReadOnlyList<SelectorRequest> targets)
    {
        var selectors = targets.Select(t => t.ToSelector()).ToList();
        return selectors.Distinct().Count() == selectors.Count && (selectors.Count == 1 || selectors.All(s => s.Kind != SelectorKind.All));
    }
}

public sealed class PromotionKeyValidator : AbstractValidator<PromotionKey>
{
    public PromotionKeyValidator()
    {
        RuleFor(r => r.PromotionGuid).OptionalGuid();
        RuleFor(r => r.PromotionCode).OptionalCode();
        RuleFor(r => r.PromotionGuid).Must((r, guid) => !string.IsNullOrWhiteSpace(guid) || !string.IsNullOrWhiteSpace(r.PromotionCode))
            .WithMessage("name the promotion by promotion_guid or promotion_code");
    }
}

public sealed class PromotionListRequestValidator : AbstractValidator<PromotionListRequest>
{
    public PromotionListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ChannelCode).OptionalCode();
    }
}

public sealed class EndPromotionRequestValidator : AbstractValidator<EndPromotionRequest>
{
    public EndPromotionRequestValidator()
    {
        RuleFor(r => r.PromotionGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Reason).Text(500);
    }
}

/// <summary>
/// Promotions (UC-PPM-003): created once with their kind, targets, channels, window, priority and exclusive flag, and
/// ended (by an admin) when they should stop early; an ended promotion never applies again. How they combine and the
/// caps that hold them are the engine's (<see cref="PriceEngine"/>). Every write drops the org's pricing snapshot.
/// </summary>
public static class PromotionsApi
{
    /// <summary>/promotion/create|get|list|end (issue 12, promotions helper).</summary>
    public static IEndpointRouteBuilder MapPromotions(this IEndpointRouteBuilder routes)
    {
        var promotions = routes.MapGroup("/promotion").WithTags("Promotions");
        promotions.MapPost("/create", CreatePromotion).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Create a promotion: percent off, amount off, fixed price or buy X get Y, on targets, in channels, for a window.");
        promotions.MapPost("/get", GetPromotion).RequireRole(Role.Viewer).WithSummary("Read a promotion by promotion_guid or promotion_code.");
        promotions.MapPost("/list", ListPromotions).RequireRole(Role.Viewer)
            .WithSummary("List the org's promotions, by status; active_at keeps those that apply then, channel_code those that apply in a channel.");
        promotions.MapPost("/end", EndPromotion).RequireRole(Role.Admin).AsWrite().InvalidatesPricing()
            .WithSummary("End a promotion now (expected_revision): it never applies again; 409 promotion_ended when it already has.");
        return routes;
    }

    public static async Task<Results<Created<Promotion>, ProblemHttpResult>> CreatePromotion(CreatePromotionRequest request, RecordStore<Promotion> store,
        [AsParameters] PromotionReferences references, TimeProvider clock, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var now = clock.GetUtcNow();
        if (request.EndsAt is { } endsAt && endsAt <= now)
        {
            return PpmProblems.WindowInPast($"The window ended at {endsAt.ToUniversalTime():O}; a promotion that can no longer apply is not created.");
        }
        var channels = PromotionRules.Channels(request.Channels);
        if (await references.ChannelsProblemAsync(orgcode, channels, ct) is { } channelProblem)
        {
            return channelProblem;
        }
        var targets = request.Targets!.Select(t => t.ToSelector()).ToList();
        if (await references.TargetsProblemAsync(orgcode, targets, "targets", ct) is { } targetProblem)
        {
            return targetProblem;
        }
        var kind = request.Kind!.Value;
        var promotion = new Promotion
        {
            PromotionGuid = Ids.New(),
            PromotionCode = Codes.Normalize(request.PromotionCode),
            Name = request.Name!.Trim(),
            Kind = kind,
            Percent = request.Percent,
            AmountMinor = request.AmountMinor,
            Currency = PromotionRules.Currency(request.Currency),
            BuyQuantity = request.BuyQuantity,
            GetQuantity = request.GetQuantity,
            GetPercent = kind == PromotionKind.BuyXGetY ? request.GetPercent ?? 100 : null,
            Targets = targets,
            Channels = channels,
            Window = new TimeWindow(request.StartsAt!.Value.ToUniversalTime(), request.EndsAt?.ToUniversalTime()),
            Priority = request.Priority ?? 100,
            Exclusive = request.Exclusive ?? false,
            Code = request.Code is null ? null : Codes.Normalize(request.Code),
        };
        var created = new PromotionCreated(orgcode, promotion.PromotionGuid, promotion.PromotionCode, kind, channels, promotion.Window.StartsAt,
            promotion.Window.EndsAt, promotion.Exclusive, promotion.Code);
        return (await store.CreateAsync(orgcode, promotion, [new DomainEvent(PpmEvents.PromotionCreated, created)], ct)).ToCreated();
    }

    public static async Task<Results<Ok<Promotion>, ProblemHttpResult>> GetPromotion(PromotionKey request, RecordStore<Promotion> store,
        RequestContext context, CancellationToken ct) =>
        await MasterDataApi.LoadAsync(store, context.RequireOrgcode(), request, ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such promotion in this org.");

    /// <summary>
    /// A page of promotions through the status index. <c>active_at</c> narrows to status active by that index and keeps the
    /// page's promotions whose window contains it; <c>channel_code</c> keeps those naming the channel or none. Both are
    /// applied within the page, so a page may hold fewer than <c>limit</c> items while <c>next_token</c> goes on.
    /// </summary>
    public static async Task<Ok<Page<Promotion>>> ListPromotions(PromotionListRequest request, RecordStore<Promotion> store, RequestContext context,
        CancellationToken ct)
    {
        var status = request.Status;
        if (request.ActiveAt is not null)
        {
            if (status is PromotionStatus.Ended)
            {
                return TypedResults.Ok(new Page<Promotion>([], null));
            }
            status = PromotionStatus.Active;
        }
        List<StateFilter> filters = status is { } s ? [StateFilter.Eq("status", s)] : [];
        var page = await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        var channel = request.ChannelCode is null ? null : Codes.Normalize(request.ChannelCode);
        var items = page.Items
            .Where(p => request.ActiveAt is not { } at || p.Window.Contains(at.ToUniversalTime()))
            .Where(p => channel is null || p.Channels.Count == 0 || p.Channels.Contains(channel, StringComparer.Ordinal))
            .ToList();
        return TypedResults.Ok(new Page<Promotion>(items, page.NextToken));
    }

    public static async Task<Results<Ok<Promotion>, ProblemHttpResult>> EndPromotion(EndPromotionRequest request, RecordStore<Promotion> store,
        TimeProvider clock, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, request.PromotionGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.Status == PromotionStatus.Ended)
        {
            return PpmProblems.PromotionEnded($"Promotion '{current.PromotionCode}' ended at {current.EndedAt:O}.");
        }
        var now = clock.GetUtcNow();
        // The window closes now (or stays closed where it already ended; a promotion not yet started keeps an empty window).
        var closesAt = current.Window.EndsAt is { } end && end < now ? end : now;
        var ended = current with
        {
            Status = PromotionStatus.Ended,
            EndedAt = now,
            EndReason = RequestRules.Trimmed(request.Reason),
            Window = current.Window with { EndsAt = closesAt < current.Window.StartsAt ? current.Window.StartsAt : closesAt },
        };
        var data = new PromotionEnded(orgcode, current.PromotionGuid, current.PromotionCode, now, ended.EndReason);
        return (await store.UpdateAsync(orgcode, loaded, ended, "status_changed", [new DomainEvent(PpmEvents.PromotionEnded, data)], ct)).ToOk();
    }
}
