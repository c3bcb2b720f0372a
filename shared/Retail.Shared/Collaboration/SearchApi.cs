using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Collaboration;

public sealed record SearchRequest(string? Query, int? Limit, string? NextToken) : IPagedRequest;

public sealed class SearchRequestValidator : AbstractValidator<SearchRequest>
{
    public SearchRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Query).NotEmpty().WithMessage("is required").MaximumLength(CollaborationRules.MaxQuery)
            .Must(q => CollaborationRules.Terms(q).Count is > 0 and <= CollaborationRules.MaxQueryTerms)
            .WithMessage($"must hold 1–{CollaborationRules.MaxQueryTerms} words of letters or digits");
    }
}

/// <summary>
/// Full-text search in the caller's org. The index holds only what may be found (public comments, active inbox items),
/// and every hit is read back and checked again, so a record changed since it was indexed never leaks.
/// </summary>
public static class SearchApi
{
    public static async Task<Results<Ok<Page<CommentView>>, ProblemHttpResult>> SearchComments(SearchRequest request, CollaborationKit kit,
        PageTokens tokens, CancellationToken ct)
    {
        var (keys, token, problem) = await SearchAsync(kit, tokens, Comment.Type.Entity, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var items = new List<CommentView>(keys.Count);
        foreach (var key in keys)
        {
            if (await kit.Comments.GetAsync(kit.OrgOfRequest, key, ct: ct) is { } loaded && CommentRules.IsPublic(loaded.Record.Status))
            {
                items.Add(CommentView.For(loaded.Record, kit.Role));
            }
        }
        return TypedResults.Ok(new Page<CommentView>(items, token));
    }

    public static async Task<Results<Ok<Page<InboxItemView>>, ProblemHttpResult>> SearchInbox(SearchRequest request, CollaborationKit kit,
        PageTokens tokens, CancellationToken ct)
    {
        var (keys, token, problem) = await SearchAsync(kit, tokens, InboxItem.Type.Entity, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var items = new List<InboxItemView>(keys.Count);
        foreach (var key in keys)
        {
            if (await kit.Inbox.GetAsync(kit.OrgOfRequest, key, ct: ct) is { } loaded && loaded.Record.Status == InboxStatus.Active)
            {
                items.Add(InboxItemView.From(loaded.Record));
            }
        }
        return TypedResults.Ok(new Page<InboxItemView>(items, token));
    }

    private static async Task<(IReadOnlyList<string> Keys, string? Token, ProblemHttpResult? Problem)> SearchAsync(CollaborationKit kit,
        PageTokens tokens, string entity, SearchRequest request, CancellationToken ct)
    {
        var terms = CollaborationRules.Terms(request.Query);
        // The index's cursor names a record key; the client gets it sealed and bound to this app, org, entity and query.
        var list = $"search\n{kit.AppId}\n{entity}\n{kit.OrgOfRequest}\n{string.Join(' ', terms)}";
        try
        {
            var after = await tokens.OpenAsync(request.NextToken, list, ct);
            var page = await kit.Search.SearchAsync(new TextSearchQuery(entity, kit.OrgOfRequest, terms, Paging.LimitOf(request), after), ct);
            return (page.Keys, await tokens.SealAsync(page.Token, list, ct), null);
        }
        catch (TextSearchUnavailableException ex)
        {
            return ([], null, CollaborationProblems.NotAvailable(ex.Message));
        }
    }
}
