namespace Retail.Shared.State;

/// <summary>
/// Full-text search over the records of one app that declare a <c>search_text</c> field (the text a caller may find
/// them by; null when the record must not be found, for example a redacted comment). Results are record keys of one
/// entity in one org, newest key first, paged by an opaque token. A malformed token is an <see cref="ArgumentException"/>
/// whose parameter is <c>token</c>, as for <see cref="IStateStore.QueryAsync"/>.
/// </summary>
public interface ITextSearch
{
    Task<TextSearchPage> SearchAsync(TextSearchQuery query, CancellationToken cancellationToken = default);
}

/// <summary><paramref name="Terms"/> are words that must all occur (as words or word prefixes); the caller tokenizes.</summary>
public sealed record TextSearchQuery(string Entity, string Orgcode, IReadOnlyList<string> Terms, int Limit, string? Token = null);

public sealed record TextSearchPage(IReadOnlyList<string> Keys, string? Token);

/// <summary>The store of this runtime mode has no full-text index; <see cref="Exception.Message"/> says what the operator can do.</summary>
public sealed class TextSearchUnavailableException(string reason) : Exception(reason);

public static class TextSearchFields
{
    /// <summary>The record field (JSON <c>data.search_text</c> in the stored envelope) that the index reads.</summary>
    public const string SearchText = "search_text";
}
