using System.Text.Json.Serialization;

namespace Retail.Usm.Sessions;

public enum SessionStatus
{
    Active,
    Closed,
}

/// <summary>
/// A signed-in user. Keyed by <see cref="SessionId"/>, the SHA-256 of the secret the client holds: the secret
/// itself is never stored, so neither the record, its history nor its CDC events can be replayed as a session.
/// </summary>
public sealed record Session : Record
{
    public required string SessionId { get; init; }

    public required string UserGuid { get; init; }

    public required string Email { get; init; }

    public SessionStatus Status { get; init; }

    /// <summary>The absolute end, set at sign-in.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset LastSeenAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public string? ClosedReason { get; init; }

    [JsonIgnore]
    public override string Key => SessionId;

    public static readonly RecordType<Session> Type = new("session");
}

/// <summary>When a session ends: at its absolute expiry, after the idle timeout, or when closed.</summary>
public static class SessionLifetime
{
    public static DateTimeOffset IdleExpiresAt(Session session, TimeSpan idle) => session.LastSeenAt + idle;

    /// <summary>The earlier of the absolute and the idle expiry.</summary>
    public static DateTimeOffset EndsAt(Session session, TimeSpan idle) =>
        IdleExpiresAt(session, idle) < session.ExpiresAt ? IdleExpiresAt(session, idle) : session.ExpiresAt;

    public static bool IsLive(Session session, DateTimeOffset now, TimeSpan idle) =>
        session.Status == SessionStatus.Active && !session.IsDoomed && now < EndsAt(session, idle);

    /// <summary>Use is recorded at most every tenth of the idle timeout, so validating is not a write per request.</summary>
    public static bool ShouldTouch(Session session, DateTimeOffset now, TimeSpan idle) =>
        now - session.LastSeenAt >= idle / 10;
}

public sealed record SessionResponse(
    string SessionId,
    string UserGuid,
    SessionStatus Status,
    bool Live,
    bool Current,
    DateTimeOffset ExpiresAt,
    DateTimeOffset IdleExpiresAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? ClosedAt,
    string? ClosedReason,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static SessionResponse From(Session s, DateTimeOffset now, TimeSpan idle, string? currentSessionId) =>
        new(s.SessionId, s.UserGuid, s.Status, SessionLifetime.IsLive(s, now, idle), s.SessionId == currentSessionId, s.ExpiresAt,
            SessionLifetime.IdleExpiresAt(s, idle), s.LastSeenAt, s.ClosedAt, s.ClosedReason, s.Revision, s.CreatedAt, s.UpdatedAt);
}

/// <summary>The answer to a sign-in: the secret, shown only here.</summary>
public sealed record SessionCreatedResponse(string SessionGuid, string SessionId, string UserGuid, DateTimeOffset ExpiresAt, DateTimeOffset IdleExpiresAt);
