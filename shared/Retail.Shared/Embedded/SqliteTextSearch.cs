using System.Buffers.Text;
using System.Text;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>
/// <see cref="ITextSearch"/> over the FTS5 index of <see cref="FullTextIndex"/>. Newest record key first (keys are
/// UUIDv7), keyset-paged on the key: relevance order is not used because it shifts as documents are added, and a page
/// must never repeat or skip a match.
/// </summary>
public sealed class SqliteTextSearch(SqliteStateStore store) : ITextSearch
{
    private const string TokenPrefix = "fts1:";
    private Task? _installed;

    public async Task<TextSearchPage> SearchAsync(TextSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        if (query.Terms.Count == 0 || query.Terms.Any(t => t.Length == 0 || !t.All(char.IsLetterOrDigit)))
        {
            throw new ArgumentException("search terms are non-empty runs of letters and digits", nameof(query));
        }
        var after = query.Token is null ? null : DecodeToken(query.Token);
        await EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);

        await using var connection = store.Database.OpenReader();
        await using var command = connection.CreateCommand();
        // Every term must occur, as a word or the start of one; terms are letters and digits only, so quoting is safe.
        command.Parameters.AddWithValue("$match", string.Join(' ', query.Terms.Select(t => $"\"{t}\"*")));
        command.Parameters.AddWithValue("$entity", query.Entity);
        command.Parameters.AddWithValue("$org", query.Orgcode);
        var sql = new StringBuilder("""
            SELECT record_key FROM state_text
            WHERE state_text MATCH $match AND entity = $entity AND orgcode = $org
            """);
        if (after is not null)
        {
            sql.Append(" AND record_key < $after");
            command.Parameters.AddWithValue("$after", after);
        }
        sql.Append(" ORDER BY record_key DESC LIMIT ").Append((query.Limit + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.CommandText = sql.ToString();

        var keys = new List<string>(query.Limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(reader.GetString(0));
            }
        }
        if (keys.Count <= query.Limit)
        {
            return new TextSearchPage(keys, null);
        }
        keys.RemoveAt(keys.Count - 1);
        return new TextSearchPage(keys, EncodeToken(keys[^1]));
    }

    private Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var installed = _installed;
        if (installed is null || installed.IsFaulted || installed.IsCanceled)
        {
            installed = FullTextIndex.InstallAsync(store.Database, CancellationToken.None);
            _installed = installed;
        }
        return installed.WaitAsync(cancellationToken);
    }

    private static string EncodeToken(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TokenPrefix + lastKey));

    private static string DecodeToken(string token)
    {
        if (Base64Url.IsValid(token))
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (text.StartsWith(TokenPrefix, StringComparison.Ordinal) && text.Length > TokenPrefix.Length)
            {
                return text[TokenPrefix.Length..];
            }
        }
        throw new Records.InvalidPageTokenException("next_token is not a token this search issued.");
    }
}
