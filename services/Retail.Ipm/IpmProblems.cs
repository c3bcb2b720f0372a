namespace Retail.Ipm;

/// <summary>IPM's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class IpmProblems
{
    /// <summary>422: a referenced record (a webhook, a job, a file, a KPI) does not exist in the org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>422: an event type filter names no event of the catalog (nor a prefix of one).</summary>
    public static ProblemHttpResult UnknownEventType(string eventType) =>
        ApiProblem.Business("unknown_event_type", "No such event type.",
            $"'{eventType}' is neither an event type of /event/catalog/list, a prefix wildcard of some (order.*), nor *.", [new("field", "event_types"), new("event_type", eventType)]);

    /// <summary>422: a replay window starts before the replay limit (or ends before it starts).</summary>
    public static ProblemHttpResult ReplayWindowExceeded(TimeSpan limit) =>
        ApiProblem.Business("replay_window_exceeded", "The replay window is too old.",
            $"Deliveries can be replayed from at most {limit.TotalHours:0.#} hours ago.", [new("limit_hours", limit.TotalHours)]);
}
