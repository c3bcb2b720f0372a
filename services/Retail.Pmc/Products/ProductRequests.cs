using FluentValidation;

namespace Retail.Pmc.Products;

/// <summary>
/// A product in a channel, as a request names it: the channel by <c>channel_code</c> (else the <c>x-channel-code</c>
/// header), the product by <c>style_guid</c> or by <c>style_code</c> (its code when it was last published there).
/// </summary>
public interface IProductRef
{
    string? ChannelCode { get; }

    string? StyleGuid { get; }

    string? StyleCode { get; }
}

/// <summary>A product's revisions in number order (oldest first), with their content; <c>limit</c> 1–100, default 20.</summary>
public sealed record RevisionListRequest(string? ChannelCode, string? StyleGuid, string? StyleCode, int? Limit, string? NextToken) : IProductRef, IPagedRequest;

/// <summary>Where a product's pointer stands; with <c>include_history</c>, also a page of its changes (oldest first).</summary>
public sealed record PointerGetRequest(string? ChannelCode, string? StyleGuid, string? StyleCode, bool? IncludeHistory, int? Limit, string? NextToken)
    : IProductRef, IPagedRequest;

/// <summary>
/// Points the product at <c>revision_no</c> (older: rollback, newer: roll forward). The online flag stays as it is unless
/// <c>online</c> is given. <c>expected_revision</c> (the product record's) is optional; when given, a stale one is 409.
/// </summary>
public sealed record PointerSetRequest(string? ChannelCode, string? StyleGuid, string? StyleCode, int? RevisionNo, bool? Online, string? Reason,
    long? ExpectedRevision) : IProductRef;

/// <summary>Clears the pointer and takes the product offline; a reason, and optionally the record's revision.</summary>
public sealed record PointerClearRequest(string? ChannelCode, string? StyleGuid, string? StyleCode, string? Reason, long? ExpectedRevision) : IProductRef;

/// <summary>Takes the product online at its pointer, or offline keeping the pointer.</summary>
public sealed record OnlineRequest(string? ChannelCode, string? StyleGuid, string? StyleCode, string? Reason, long? ExpectedRevision) : IProductRef;

/// <summary>Build figures of one channel (<c>channel_code</c> or the header), or of every channel the org has published in (paged).</summary>
public sealed record BuildStatsRequest(string? ChannelCode, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A product in a channel: its revisions, the revision served, whether it is online, who changed that last and why.</summary>
public sealed record ProductPointerView(string ChannelCode, string StyleGuid, string StyleCode, int LatestRevisionNo, int? PointerRevisionNo, bool Online,
    long Revision, string? Reason, string? ChangedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    Page<HistoryEntry>? History = null)
{
    public static ProductPointerView Of(ChannelProduct p, Page<HistoryEntry>? history = null) =>
        new(p.ChannelCode, p.StyleGuid, p.StyleCode, p.LatestRevisionNo, p.PointerRevisionNo, p.Online, p.Revision, p.Reason, p.ChangedBy, p.CreatedAt,
            p.UpdatedAt, history);
}

/// <summary>One channel's build figures: revisions written, products online, the last run that finished.</summary>
public sealed record ChannelBuildStats(string ChannelCode, long Revisions, long OnlineProducts, string? LastRunGuid, DateTimeOffset? LastRunFinishedAt);

public static class ProductRequestRules
{
    public const int MaxReason = 500;
    public const int DefaultRevisionPage = 20;
    public const int MaxRevisionPage = 100;

    public static void AddProductRefRules<T>(this AbstractValidator<T> validator) where T : IProductRef
    {
        validator.RuleFor(r => r.ChannelCode).OptionalCode();
        validator.RuleFor(r => r.StyleGuid).OptionalGuid();
        validator.RuleFor(r => r.StyleCode).OptionalCode();
        validator.RuleFor(r => r.StyleGuid).Must((r, guid) => (guid is null) != (r.StyleCode is null))
            .WithMessage("name the product by style_guid or by style_code (one of them)");
    }
}

public sealed class RevisionListRequestValidator : AbstractValidator<RevisionListRequest>
{
    public RevisionListRequestValidator()
    {
        this.AddProductRefRules();
        RuleFor(r => r.Limit).InclusiveBetween(1, ProductRequestRules.MaxRevisionPage).When(r => r.Limit is not null);
        RuleFor(r => r.NextToken).MaximumLength(1024);
    }
}

public sealed class PointerGetRequestValidator : AbstractValidator<PointerGetRequest>
{
    public PointerGetRequestValidator()
    {
        this.AddProductRefRules();
        this.AddPagingRules();
        RuleFor(r => r.Limit).Null().When(r => r.IncludeHistory != true).WithMessage("pages the history; send include_history: true");
        RuleFor(r => r.NextToken).Null().When(r => r.IncludeHistory != true).WithMessage("pages the history; send include_history: true");
    }
}

public sealed class PointerSetRequestValidator : AbstractValidator<PointerSetRequest>
{
    public PointerSetRequestValidator()
    {
        this.AddProductRefRules();
        RuleFor(r => r.RevisionNo).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.Reason).RequiredText(ProductRequestRules.MaxReason);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class PointerClearRequestValidator : AbstractValidator<PointerClearRequest>
{
    public PointerClearRequestValidator()
    {
        this.AddProductRefRules();
        RuleFor(r => r.Reason).RequiredText(ProductRequestRules.MaxReason);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class OnlineRequestValidator : AbstractValidator<OnlineRequest>
{
    public OnlineRequestValidator()
    {
        this.AddProductRefRules();
        RuleFor(r => r.Reason).Text(ProductRequestRules.MaxReason);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class BuildStatsRequestValidator : AbstractValidator<BuildStatsRequest>
{
    public BuildStatsRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        this.AddPagingRules();
    }
}
