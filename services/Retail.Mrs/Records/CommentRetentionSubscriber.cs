using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Json;

namespace Retail.Mrs.Records;

/// <summary>
/// <c>comment.redacted</c> from any service that mounts the comments module (UC-PVM-006): a redacted comment's
/// attachments get a retention TTL (<c>Mrs:CommentAttachmentRetention</c>), after which they are no longer served and the
/// sweeper removes their bytes. All of a comment's attachments change in one transaction. Idempotent: an attachment that
/// already expires no later than that keeps its TTL, so a redelivery changes nothing; a doomed or missing one is skipped.
/// </summary>
public static class CommentRetentionSubscriber
{
    public const string Topic = "comment.redacted";

    public static async Task<Results<Ok<RetentionSet>, BadRequest, Conflict>> OnCommentRedacted(HttpContext http, RecordStore<MrsRecord> store,
        TimeProvider clock, IOptions<MrsOptions> options, CancellationToken ct)
    {
        CommentRedactedEvent? redacted;
        try
        {
            redacted = await JsonSerializer.DeserializeAsync<CommentRedactedEvent>(http.Request.Body, RetailJson.Storage, ct);
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest();
        }
        if (redacted?.Orgcode is not { Length: > 0 } orgcode || redacted.Attachments is null)
        {
            return TypedResults.BadRequest();
        }
        var until = clock.GetUtcNow() + options.Value.CommentAttachmentRetention;
        var guids = redacted.Attachments.Where(g => Guid.TryParse(g, out _)).Distinct(StringComparer.Ordinal).Take(RetentionBatch).ToList();
        var batch = new RecordBatch();
        var set = 0;
        foreach (var guid in guids)
        {
            if (await store.GetAsync(orgcode, guid, ct: ct) is not { } loaded || loaded.Record.ExpiresAt <= until)
            {
                continue;
            }
            store.Update(batch, orgcode, loaded, loaded.Record with { ExpiresAt = until });
            set++;
        }
        // A record changed meanwhile fails the batch; the delivery is retried and decides again.
        return (await batch.CommitAsync(ct)).Succeeded ? TypedResults.Ok(new RetentionSet(set)) : TypedResults.Conflict();
    }

    /// <summary>More than a comment may carry (10); bounds what one event can touch.</summary>
    private const int RetentionBatch = 50;

    private sealed record CommentRedactedEvent(string? Orgcode, string? CommentGuid, IReadOnlyList<string>? Attachments);
}

/// <summary>How many attachments got their retention TTL from this delivery (0 on a redelivery).</summary>
public sealed record RetentionSet(int Attachments);
