namespace Retail.Ipm;

/// <summary>IPM's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class IpmProblems
{
    /// <summary>422: a referenced record (a webhook, a job, a file, a KPI) does not exist in the org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>400: a CDC cursor that this feed did not issue for this org and entity_types, or that was altered.</summary>
    public static ProblemHttpResult InvalidCursor(string detail) =>
        ApiProblem.Create(StatusCodes.Status400BadRequest, "invalid_cursor", "The cursor is not valid.", detail);

    /// <summary>410: the CDC cursor points before the oldest change retention kept; read again from the beginning or the latest.</summary>
    public static ProblemHttpResult CursorExpired(long after, long retainedFrom) =>
        ApiProblem.Create(StatusCodes.Status410Gone, "cursor_expired", "The cursor is older than the feed's retention.",
            $"The cursor continues after sequence {after}, but the feed keeps changes from sequence {retainedFrom} on.",
            [new("retained_from", retainedFrom)]);

    /// <summary>503: a KPI's rollups kept changing while a value was recorded; nothing was stored, retry (same Idempotency-Key).</summary>
    public static ProblemHttpResult KpiContended(string kpi) =>
        ApiProblem.Create(StatusCodes.Status503ServiceUnavailable, "kpi_contended", "The KPI is being recorded too fast to keep up.",
            $"The rollups of KPI {kpi} kept changing; nothing was stored. Retry.", [new("kpi", kpi)]);

    /// <summary>422: a KPI query's window holds more rollups (buckets × dimension sets) than one query reads; narrow it.</summary>
    public static ProblemHttpResult KpiQueryTooLarge(int max) =>
        ApiProblem.Business("kpi_query_too_large", "The query reads too much.", $"The window holds more than {max} rollups; narrow the window or the interval.",
            [new("max_rollups", max)]);

    /// <summary>422: a KPI has as many alert rules as it may.</summary>
    public static ProblemHttpResult TooManyAlerts(string kpi, int max) =>
        ApiProblem.Business("too_many_alerts", "The KPI has too many alerts.", $"KPI {kpi} has {max} alerts, the most it may have.", [new("max_alerts", max)]);

    /// <summary>422: an event type filter names no event of the catalog (nor a prefix of one).</summary>
    public static ProblemHttpResult UnknownEventType(string eventType) =>
        ApiProblem.Business("unknown_event_type", "No such event type.",
            $"'{eventType}' is neither an event type of /event/catalog/list, a prefix wildcard of some (order.*), nor *.", [new("field", "event_types"), new("event_type", eventType)]);

    /// <summary>422: a replay window starts before the replay limit (or ends before it starts).</summary>
    public static ProblemHttpResult ReplayWindowExceeded(TimeSpan limit) =>
        ApiProblem.Business("replay_window_exceeded", "The replay window is too old.",
            $"Deliveries can be replayed from at most {limit.TotalHours:0.#} hours ago.", [new("limit_hours", limit.TotalHours)]);
}
