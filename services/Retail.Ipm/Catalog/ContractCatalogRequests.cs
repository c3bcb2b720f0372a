using FluentValidation;

namespace Retail.Ipm.Catalog;

/// <param name="App">Only this service's event types (<c>crm</c>).</param>
/// <param name="Kind"><c>business</c> or <c>cdc</c>; both when left out.</param>
public sealed record EventCatalogListRequest(string? App, string? Kind, int? Limit, string? NextToken) : IPagedRequest;

/// <param name="App">Only this service's record types.</param>
public sealed record ExportContractListRequest(string? App, int? Limit, string? NextToken) : IPagedRequest;

/// <param name="App">Only this service's state machines.</param>
public sealed record LifecycleListRequest(string? App, int? Limit, string? NextToken) : IPagedRequest;

/// <param name="Kind"><c>event</c> (an event type; a CDC type names its op: <c>crm.customer.created</c>) or <c>entity</c>.</param>
/// <param name="Name">The event type, or the entity (<c>customer</c>, or <c>crm.customer</c> where two services share the name).</param>
/// <param name="Topic">For an event: <c>cdc</c> picks the CDC change where a business event has the same type
/// (PVM's <c>pvm.barcode.status_changed</c> is both); left out, the business event comes first.</param>
public sealed record SpecimenGetRequest(SpecimenKind? Kind, string? Name, string? Topic = null);

public enum SpecimenKind
{
    Event,
    Entity,
}

public sealed record PaginationGetRequest;

public static class CatalogRules
{
    public const int MaxName = 200;
    public static readonly IReadOnlyList<string> Kinds = ["business", "cdc"];
}

public sealed class EventCatalogListRequestValidator : AbstractValidator<EventCatalogListRequest>
{
    public EventCatalogListRequestValidator()
    {
        RuleFor(r => r.App).OptionalCode();
        RuleFor(r => r.Kind).Must(k => k is null || CatalogRules.Kinds.Contains(k)).WithMessage("must be business or cdc");
        this.AddPagingRules();
    }
}

public sealed class ExportContractListRequestValidator : AbstractValidator<ExportContractListRequest>
{
    public ExportContractListRequestValidator()
    {
        RuleFor(r => r.App).OptionalCode();
        this.AddPagingRules();
    }
}

public sealed class LifecycleListRequestValidator : AbstractValidator<LifecycleListRequest>
{
    public LifecycleListRequestValidator()
    {
        RuleFor(r => r.App).OptionalCode();
        this.AddPagingRules();
    }
}

public sealed class SpecimenGetRequestValidator : AbstractValidator<SpecimenGetRequest>
{
    public SpecimenGetRequestValidator()
    {
        RuleFor(r => r.Kind).NotNull().WithMessage("is required");
        RuleFor(r => r.Name).NotEmpty().WithMessage("is required").MaximumLength(CatalogRules.MaxName);
        RuleFor(r => r.Topic).MaximumLength(CatalogRules.MaxName);
    }
}

public sealed class PaginationGetRequestValidator : NoFieldRules<PaginationGetRequest>;
