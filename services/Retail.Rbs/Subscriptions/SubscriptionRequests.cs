using FluentValidation;
using Retail.Shared.Webhooks;

namespace Retail.Rbs.Subscriptions;

/// <param name="Url">The partner endpoint: https (plain http only to an allow-listed development address).</param>
/// <param name="Topics">Event types of the bus (<c>customer.created</c>) or prefix wildcards (<c>order.*</c>); 1–50.</param>
/// <param name="Filters">Up to 10 equality matches on the event's data, all of which must hold.</param>
public sealed record RegisterSubscriptionRequest(string? Url, IReadOnlyList<string>? Topics, IReadOnlyList<FilterRequest>? Filters, string? Description);

public sealed record FilterRequest(string? Field, string? Value);

/// <summary>Fields left out stay as they are; a list given replaces. A new URL needs verifying again.</summary>
public sealed record UpdateSubscriptionRequest(string? SubscriptionGuid, long? ExpectedRevision, string? Url, IReadOnlyList<string>? Topics,
    IReadOnlyList<FilterRequest>? Filters, string? Description);

/// <param name="Status"><c>active</c> or <c>paused</c>.</param>
public sealed record SetSubscriptionStatusRequest(string? SubscriptionGuid, long? ExpectedRevision, SubscriptionStatus? Status, string? Reason);

/// <summary>A change to one subscription named by its guid, at a revision (verify, unregister).</summary>
public sealed record SubscriptionChange(string? SubscriptionGuid, long? ExpectedRevision);

public sealed record SubscriptionKey(string? SubscriptionGuid);

public sealed record SubscriptionListRequest(SubscriptionStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>The answer of <c>register</c>: the subscription and its signing secret, shown this once.</summary>
public sealed record RegisteredSubscription(Subscription Subscription, string Secret);

/// <summary>The outcome of a <c>test</c> event: delivered or not, the endpoint's status and the time it took.</summary>
public sealed record TestDelivery(string SubscriptionGuid, string EventId, bool Delivered, int? StatusCode, long LatencyMs, string? Error,
    string? ResponseExcerpt, DateTimeOffset At)
{
    public static TestDelivery Of(string subscriptionGuid, string eventId, WebhookAttemptResult attempt) =>
        new(subscriptionGuid, eventId, attempt.Delivered, attempt.StatusCode, attempt.LatencyMs, attempt.Error, attempt.ResponseExcerpt, attempt.At);
}

internal static class SubscriptionRequestRules
{
    public static IReadOnlyList<SubscriptionFilter> FiltersOf(IReadOnlyList<FilterRequest>? filters) =>
        (filters ?? []).Select(f => new SubscriptionFilter(f.Field!.Trim(), f.Value!)).ToList();

    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();

    public static void TopicsRule<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, IEnumerable<string>?>> topics)
    {
        validator.RuleFor(topics).Must(t => t is null || t.Count() is > 0 and <= SubscriptionRules.MaxTopics)
            .WithMessage($"must list 1–{SubscriptionRules.MaxTopics} topics");
        validator.RuleForEach<string>(topics!).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("must not be empty")
            .Must(t => SubscriptionRules.TopicProblem(t.Trim().ToLowerInvariant(), BusTopics.Catalog) is null)
            .WithMessage((_, t) => SubscriptionRules.TopicProblem(t.Trim().ToLowerInvariant(), BusTopics.Catalog));
    }

    public static void FiltersRule<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, IEnumerable<FilterRequest>?>> filters)
    {
        validator.RuleFor(filters).Must(f => f is null || f.Count() <= SubscriptionRules.MaxFilters)
            .WithMessage($"at most {SubscriptionRules.MaxFilters} filters");
        validator.RuleForEach<FilterRequest>(filters!).ChildRules(filter =>
        {
            filter.RuleFor(f => f.Field).Must(SubscriptionRules.IsFilterField)
                .WithMessage("must be a snake_case field of the event's data, dotted for a nested one (channel_code, order.facility_code)");
            filter.RuleFor(f => f.Value).NotNull().WithMessage("is required").MaximumLength(SubscriptionRules.MaxFilterValue);
        });
    }

    public static void UrlRule<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, string?>> url) =>
        validator.RuleFor(url).Must(u => u is null || (u.Length <= WebhookUrls.MaxLength && Uri.TryCreate(u.Trim(), UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
            .WithMessage("must be an absolute https URL");
}

public sealed class RegisterSubscriptionRequestValidator : AbstractValidator<RegisterSubscriptionRequest>
{
    public RegisterSubscriptionRequestValidator()
    {
        RuleFor(r => r.Url).NotEmpty().WithMessage("is required");
        this.UrlRule(r => r.Url);
        RuleFor(r => r.Topics).NotNull().WithMessage("is required");
        this.TopicsRule(r => r.Topics);
        this.FiltersRule(r => r.Filters);
        RuleFor(r => r.Description).MultilineText(SubscriptionRules.MaxDescription);
    }
}

public sealed class UpdateSubscriptionRequestValidator : AbstractValidator<UpdateSubscriptionRequest>
{
    public UpdateSubscriptionRequestValidator()
    {
        RuleFor(r => r.SubscriptionGuid).RequiredGuid();
        this.UrlRule(r => r.Url);
        this.TopicsRule(r => r.Topics);
        this.FiltersRule(r => r.Filters);
        RuleFor(r => r.Description).MultilineText(SubscriptionRules.MaxDescription);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class SetSubscriptionStatusRequestValidator : AbstractValidator<SetSubscriptionStatusRequest>
{
    public SetSubscriptionStatusRequestValidator()
    {
        RuleFor(r => r.SubscriptionGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required")
            .Must(s => s is null or SubscriptionStatus.Active or SubscriptionStatus.Paused).WithMessage("must be active or paused");
        RuleFor(r => r.Reason).Text(SubscriptionRules.MaxDescription);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class SubscriptionChangeValidator : AbstractValidator<SubscriptionChange>
{
    public SubscriptionChangeValidator()
    {
        RuleFor(r => r.SubscriptionGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class SubscriptionKeyValidator : AbstractValidator<SubscriptionKey>
{
    public SubscriptionKeyValidator() => RuleFor(r => r.SubscriptionGuid).RequiredGuid();
}

public sealed class SubscriptionListRequestValidator : AbstractValidator<SubscriptionListRequest>
{
    public SubscriptionListRequestValidator() => this.AddPagingRules();
}
