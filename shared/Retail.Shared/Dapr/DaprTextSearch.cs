using Retail.Shared.State;

namespace Retail.Shared.Dapr;

/// <summary>
/// Dapr's state API has no text match (its query API filters by equality and ranges only), so in Dapr mode search
/// answers "not available" instead of guessing. components/README.md ("Full-text search") documents the PostgreSQL
/// index and query an operator can run over the same <c>search_text</c> field until a search component is wired in.
/// </summary>
public sealed class DaprTextSearch(string appId) : ITextSearch
{
    public Task<TextSearchPage> SearchAsync(TextSearchQuery query, CancellationToken cancellationToken = default) =>
        throw new TextSearchUnavailableException(
            $"Full-text search of '{appId}' is not available in Dapr mode: the Dapr state query API has no text match. "
            + "See components/README.md, section 'Full-text search'.");
}
