using Retail.Shared.State;

namespace Retail.Usm.Sessions;

/// <summary>
/// Closes sessions: each close is its own ETag-checked write with <c>session.closed</c> in the same transaction, so
/// every service's cache hears of it; a concurrent touch of the session is retried, never overwritten.
/// </summary>
public sealed class SessionCloser(RecordStore<Session> sessions, LocalEviction eviction, TimeProvider clock)
{
    public async Task<Session?> CloseAsync(Loaded<Session> loaded, string reason, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var session = loaded.Record;
            if (session.Status == SessionStatus.Closed)
            {
                return session;
            }
            var now = clock.GetUtcNow();
            var closed = session with { Status = SessionStatus.Closed, ClosedAt = now, ClosedReason = reason };
            var write = await sessions.UpdateAsync(null, loaded, closed, "status_changed",
                [new DomainEvent(IdentityEvents.SessionClosed, new SessionClosed(session.SessionId, session.UserGuid, reason, now))], ct);
            if (write.Succeeded)
            {
                eviction.Evict(CredentialCache.SessionTag(session.SessionId));
                return write.Record;
            }
            if (attempt >= 4)
            {
                throw new InvalidOperationException("the session kept changing while being closed");
            }
            loaded = await sessions.GetAsync(null, session.SessionId, ct: ct) ?? throw new InvalidOperationException("the session disappeared while being closed");
        }
    }

    /// <summary>
    /// Closes every open session of a user except <paramref name="keepSessionId"/>, and only those begun before
    /// <paramref name="createdBefore"/> when given; answers how many were closed.
    /// </summary>
    public async Task<int> CloseAllAsync(string userGuid, string? keepSessionId, string reason, CancellationToken ct,
        DateTimeOffset? createdBefore = null)
    {
        var closed = 0;
        foreach (var session in await OpenSessionsAsync(userGuid, ct))
        {
            if (session.SessionId == keepSessionId || session.CreatedAt >= createdBefore)
            {
                continue;
            }
            if (await sessions.GetAsync(null, session.SessionId, ct: ct) is { } loaded && loaded.Record.Status == SessionStatus.Active)
            {
                await CloseAsync(loaded, reason, ct);
                closed++;
            }
        }
        return closed;
    }

    private async Task<List<Session>> OpenSessionsAsync(string userGuid, CancellationToken ct)
    {
        var all = new List<Session>();
        string? token = null;
        do
        {
            var page = await sessions.ListAsync(null, [StateFilter.Eq("user_guid", userGuid), StateFilter.Eq("status", "active")],
                Paging.MaxLimit, token, ct: ct);
            all.AddRange(page.Items);
            token = page.NextToken;
        }
        while (token is not null);
        return all;
    }
}
