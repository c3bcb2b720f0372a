using FluentValidation;
using Retail.Shared.Collaboration;
using Retail.Ipm.Catalog;
using Retail.Shared.Events;
using Retail.Shared.Webhooks;

namespace Retail.Ipm.Webhooks;

/// <param name="Owner">The member or team told (in IPM's inbox) when IPM disables the webhook; by default the member creating it.</param>
public sealed record WebhookCreateRequest(string? Url, IReadOnlyList<string>? EventTypes, string? Description, Assignee? Owner = null);

/// <param name="IncludeDeliveries">Adds a page of the webhook's deliveries, newest first, each with its attempts (the delivery log).</param>
public sealed record WebhookGetRequest(string? WebhookGuid, bool? IncludeDeliveries, DeliveryStatus? DeliveryStatus, int? DeliveryLimit,
    string? DeliveryNextToken);

public sealed record WebhookListRequest(WebhookStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <summary><c>active ⇄ paused</c>, <c>disabled → active</c> (clears the failure run), anything → <c>deleted</c>.</summary>
public sealed record WebhookStatusRequest(string? WebhookGuid, WebhookStatus? Status, long? ExpectedRevision);

/// <summary>Re-sends every delivery created in [from, to); <c>from</c> no older than the replay limit.</summary>
public sealed record WebhookReplayRequest(string? WebhookGuid, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>IPM's webhook settings (section <c>Retail:Webhooks</c>, beside the delivery engine's).</summary>
public sealed class IpmWebhookOptions
{
    /// <summary>Consecutive failed attempts after which a webhook is disabled.</summary>
    public int DisableAfterFailures { get; set; } = 10;

    /// <summary>How far back a replay window may start.</summary>
    public TimeSpan ReplayLimit { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Webhooks an org may have (not counting deleted ones).</summary>
    public int MaxPerOrg { get; set; } = 100;
}

/// <summary>Which events a webhook's filters take: an exact type, a prefix wildcard (<c>order.*</c>) or <c>*</c>.</summary>
public static class EventTypeFilters
{
    public const string All = "*";
    public const int MaxFilters = 50;

    /// <summary>Whether <paramref name="filter"/> names an event type of the catalog, a prefix of some, or all of them.</summary>
    public static bool IsKnown(string filter, IEventCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (filter == All)
        {
            return true;
        }
        if (filter.EndsWith(".*", StringComparison.Ordinal))
        {
            var prefix = filter[..^1];
            return prefix.Length > 1 && catalog.Entries.Any(e => e.Type.StartsWith(prefix, StringComparison.Ordinal));
        }
        return catalog.Find(filter) is not null;
    }

    /// <summary>The filter values that take <paramref name="eventType"/>: itself, each prefix wildcard of it, and <c>*</c>.</summary>
    public static IReadOnlyList<string> MatchingFilters(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var filters = new List<string> { eventType, All };
        for (var dot = eventType.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = eventType.IndexOf('.', dot + 1))
        {
            filters.Add(eventType[..(dot + 1)] + "*");
        }
        return filters;
    }

    public static bool Matches(IEnumerable<string> filters, string eventType)
    {
        var matching = MatchingFilters(eventType);
        return filters.Any(matching.Contains);
    }

    public static IEventCatalog Catalog => ServiceModules.Events;
}

public sealed class WebhookCreateRequestValidator : AbstractValidator<WebhookCreateRequest>
{
    public WebhookCreateRequestValidator()
    {
        RuleFor(r => r.Url).NotEmpty().WithMessage("is required").MaximumLength(WebhookUrls.MaxLength);
        RuleFor(r => r.EventTypes).NotEmpty().WithMessage("needs at least one event type, prefix wildcard (order.*) or *")
            .Must(t => t is null || t.Count <= EventTypeFilters.MaxFilters).WithMessage($"takes at most {EventTypeFilters.MaxFilters} filters");
        RuleForEach(r => r.EventTypes).NotEmpty().MaximumLength(120);
        RuleFor(r => r.Description).Text(500);
        RuleFor(r => r.Owner!).SetValidator(new AssigneeValidator()).When(r => r.Owner is not null);
    }
}

public sealed class WebhookGetRequestValidator : AbstractValidator<WebhookGetRequest>
{
    public WebhookGetRequestValidator()
    {
        RuleFor(r => r.WebhookGuid).RequiredGuid();
        RuleFor(r => r.DeliveryLimit).InclusiveBetween(1, 100).When(r => r.DeliveryLimit is not null);
        RuleFor(r => r.DeliveryNextToken).MaximumLength(1024);
    }
}

public sealed class WebhookListRequestValidator : AbstractValidator<WebhookListRequest>
{
    public WebhookListRequestValidator() => this.AddPagingRules();
}

public sealed class WebhookStatusRequestValidator : AbstractValidator<WebhookStatusRequest>
{
    public WebhookStatusRequestValidator()
    {
        RuleFor(r => r.WebhookGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required")
            .Must(s => s is null or WebhookStatus.Active or WebhookStatus.Paused or WebhookStatus.Deleted)
            .WithMessage("must be active, paused or deleted (IPM disables a failing webhook itself)");
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class WebhookReplayRequestValidator : AbstractValidator<WebhookReplayRequest>
{
    public WebhookReplayRequestValidator()
    {
        RuleFor(r => r.WebhookGuid).RequiredGuid();
        RuleFor(r => r.From).NotNull().WithMessage("is required");
        RuleFor(r => r.To).NotNull().WithMessage("is required")
            .Must((r, to) => to is null || r.From is null || to > r.From).WithMessage("must be after from");
    }
}
