using FluentValidation;

namespace Retail.Shared.Records;

/// <summary>The common paging fields of every list and search request.</summary>
public interface IPagedRequest
{
    int? Limit { get; }

    string? NextToken { get; }
}

public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MinLimit = 1;
    public const int MaxTokenLength = 1024;

    public static int LimitOf(IPagedRequest request) => request.Limit ?? DefaultLimit;

    /// <summary>limit 1–500; next_token bounded in size.</summary>
    public static void AddPagingRules<T>(this AbstractValidator<T> validator) where T : IPagedRequest
    {
        validator.RuleFor(r => r.Limit).InclusiveBetween(MinLimit, MaxLimit).When(r => r.Limit is not null);
        validator.RuleFor(r => r.NextToken).MaximumLength(MaxTokenLength);
    }
}
