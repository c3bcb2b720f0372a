using System.Net;
using FluentValidation;
using Retail.Ppm.Catalog;
using Retail.Shared.Invocation;

namespace Retail.Ppm.Promotions;

/// <summary>A selector as a request names it: <c>{kind: all|variant|style|category|brand, value?}</c>, value a PVM guid except for <c>all</c>.</summary>
public sealed record SelectorRequest(SelectorKind? Kind, string? Value)
{
    public Selector ToSelector() => new(Kind!.Value, Kind == SelectorKind.All ? null : Guid.Parse(Value!.Trim()).ToString());
}

/// <summary>A window as a request names it: <c>[starts_at, ends_at)</c>, open-ended without ends_at.</summary>
public sealed record WindowRequest(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

/// <summary>The field rules rules and promotions share: selectors, channels, windows, priority, amounts.</summary>
public static class PromotionRules
{
    public const int MaxTargets = 50;
    public const int MaxChannels = 50;
    public const int MaxPriority = 10_000;
    public const long MaxAmountMinor = 1_000_000_000_000;

    public static void AddSelectorRules<T>(this AbstractValidator<T> validator, Func<T, SelectorRequest?> selector, string field)
    {
        validator.RuleFor(r => selector(r)).NotNull().WithMessage("is required").OverridePropertyName(field);
        validator.RuleFor(r => selector(r)!.Kind).NotNull().WithMessage("is required").When(r => selector(r) is not null)
            .OverridePropertyName($"{field}.kind");
        validator.RuleFor(r => selector(r)!.Value).Must((r, value) => SelectorValueOk(selector(r)!)).When(r => selector(r)?.Kind is not null)
            .OverridePropertyName($"{field}.value").WithMessage("is a PVM guid for variant, style, category and brand, and left out for all");
    }

    public static bool SelectorValueOk(SelectorRequest selector) => selector.Kind == SelectorKind.All
        ? selector.Value is null
        : selector.Value is not null && Guid.TryParse(selector.Value.Trim(), out _);

    public static void AddChannelRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<string>?> channels)
    {
        validator.RuleFor(r => channels(r)).Must(c => c is null || c.Count <= MaxChannels).OverridePropertyName("channels")
            .WithMessage($"names at most {MaxChannels} channels");
        validator.RuleForEach(r => channels(r)).BusinessCode().OverridePropertyName("channels");
        validator.RuleFor(r => channels(r)).Must(c => c is null || c.Select(Codes.Normalize).Distinct(StringComparer.Ordinal).Count() == c.Count)
            .OverridePropertyName("channels").WithMessage("names each channel once");
    }

    public static void AddWindowRules<T>(this AbstractValidator<T> validator, Func<T, DateTimeOffset?> starts, Func<T, DateTimeOffset?> ends, string prefix = "")
    {
        validator.RuleFor(r => starts(r)).NotNull().WithMessage("is required").OverridePropertyName($"{prefix}starts_at");
        validator.RuleFor(r => ends(r)).Must((r, end) => end is null || starts(r) is null || end > starts(r))
            .OverridePropertyName($"{prefix}ends_at").WithMessage("must be after starts_at");
    }

    public static IRuleBuilderOptions<T, int?> Priority<T>(this IRuleBuilder<T, int?> rule) =>
        rule.Must(p => p is null or >= 0 and <= MaxPriority).WithMessage($"must be 0–{MaxPriority}");

    public static IRuleBuilderOptions<T, decimal?> Percent<T>(this IRuleBuilder<T, decimal?> rule) =>
        rule.NotNull().WithMessage("is required").Must(p => p is > 0 and <= 100).WithMessage("must be over 0 and at most 100");

    public static IRuleBuilderOptions<T, long?> Amount<T>(this IRuleBuilder<T, long?> rule) =>
        rule.NotNull().WithMessage("is required").Must(a => a is > 0 and <= MaxAmountMinor).WithMessage($"must be 1–{MaxAmountMinor}");

    public static IRuleBuilderOptions<T, TValue> Absent<T, TValue>(this IRuleBuilder<T, TValue> rule, string kinds) =>
        rule.Must(v => v is null).WithMessage($"applies only to {kinds}");

    public static List<string> Channels(IReadOnlyList<string>? channels) => channels?.Select(Codes.Normalize).ToList() ?? [];

    public static string? Currency(string? currency) => RequestRules.Trimmed(currency)?.ToUpperInvariant();
}

/// <summary>
/// The references a rule or promotion names, checked when it is written: channels against OFM (active sales channels,
/// through the org directory as the <c>x-channel-code</c> header is), variants through PPM's catalog projection (PVM
/// once for a variant not yet told), styles, categories and brands by asking PVM (<c>/style/get</c>,
/// <c>/category/get</c>, <c>/brand/get</c>). Resolve never calls any of them.
/// </summary>
public sealed record PromotionReferences(IOrgDirectory Directory, PriceCatalog Catalog, IServiceInvoker Invoker)
{
    /// <summary>Null when every channel is an active sales channel of the org; else 422 <c>unknown_reference</c> naming the first that is not.</summary>
    public async Task<ProblemHttpResult?> ChannelsProblemAsync(string orgcode, IReadOnlyList<string> channels, CancellationToken ct)
    {
        foreach (var channel in channels)
        {
            var check = await Directory.CheckContextAsync(orgcode, new ContextCodes(null, channel, null), ct);
            if (check.Dependency is not null)
            {
                return ApiProblem.DependencyUnavailable(check.Dependency);
            }
            if (!check.IsValid)
            {
                return PpmProblems.UnknownReference("channels", $"No active sales channel '{channel}' in this org.");
            }
        }
        return null;
    }

    /// <summary>Null when every target's record exists in PVM (whatever its status); else 422 <c>unknown_reference</c> naming <paramref name="field"/>.</summary>
    public async Task<ProblemHttpResult?> TargetsProblemAsync(string orgcode, IReadOnlyList<Selector> targets, string field, CancellationToken ct)
    {
        foreach (var target in targets.Distinct())
        {
            if (await TargetProblemAsync(orgcode, target, field, ct) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private async Task<ProblemHttpResult?> TargetProblemAsync(string orgcode, Selector target, string field, CancellationToken ct)
    {
        if (target.Kind == SelectorKind.Variant)
        {
            return (await Catalog.CheckAsync(orgcode, target.Value!, field, VariantNeed.Known, ct)).Problem;
        }
        (string Path, object Body)? ask = target.Kind switch
        {
            SelectorKind.Style => ("/style/get", new { style_guid = target.Value }),
            SelectorKind.Category => ("/category/get", new { category_guid = target.Value }),
            SelectorKind.Brand => ("/brand/get", new { brand_guid = target.Value }),
            _ => null,
        };
        if (ask is not { } call)
        {
            return null;
        }
        var answer = await Invoker.InvokeAsync(PriceCatalog.PvmAppId, call.Path, call.Body, new InvocationOptions(orgcode), ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return PpmProblems.UnknownReference(field, $"No {SnakeCaseName(target.Kind)} '{target.Value}' in this org.");
        }
        return answer.IsSuccess ? null : ApiProblem.DependencyUnavailable("The product service (PVM)");
    }

    private static string SnakeCaseName(SelectorKind kind) => Retail.Shared.Json.SnakeCase.Name(kind);
}
