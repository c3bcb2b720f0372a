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
    // Bulk import and export (Bulk/).

    /// <summary>422: the entity is not one a service's bulk port loads.</summary>
    public static ProblemHttpResult UnknownEntity(string entity) =>
        ApiProblem.Business("unknown_entity", "No service loads this entity.", $"'{entity}' is not an entity of any service's bulk port.", [new("field", "entity")]);

    /// <summary>422: the target loads the entity in another schema version.</summary>
    public static ProblemHttpResult UnsupportedSchemaVersion(string entity, int asked, int supported) =>
        ApiProblem.Business("unsupported_schema_version", "The schema version is not supported.",
            $"{entity} is loaded in schema version {supported}, not {asked}.", [new("field", "schema_version"), new("supported", supported)]);

    /// <summary>422: the file's bytes do not have the SHA-256 the request gave.</summary>
    public static ProblemHttpResult ChecksumMismatch(string expected, string actual) =>
        ApiProblem.Business("checksum_mismatch", "The file does not match its checksum.",
            $"The file's SHA-256 is {actual}, not {expected}.", [new("field", "sha256")]);

    /// <summary>422: the MRS record holds no completed upload.</summary>
    public static ProblemHttpResult FileNotReady(string recordGuid, string status) =>
        ApiProblem.Business("file_not_ready", "The file is not uploaded.", $"MRS record {recordGuid} is {status}; complete its upload first.",
            [new("field", "file_record_guid")]);

    /// <summary>422: a mapping names a field the entity or the file does not have, or leaves a required field unmapped.</summary>
    public static ProblemHttpResult Mapping(string code, string field, string detail) =>
        ApiProblem.Business(code, "The mapping does not fit the entity or the file.", detail, [new("field", field)]);

    /// <summary>400: a continuation token this job did not issue (forged, altered, another job's or org's).</summary>
    public static ProblemHttpResult InvalidContinuationToken() =>
        ApiProblem.Create(StatusCodes.Status400BadRequest, "invalid_continuation_token", "The continuation token is not valid.",
            "continuation_token is not one this job issued.", [new("field", "continuation_token")]);

    /// <summary>409: a continuation token of a slice before the last one processed; the job says where it is.</summary>
    public static ProblemHttpResult StaleContinuationToken(int slice, int nextSlice) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "stale_continuation_token", "The continuation token is stale.",
            $"The token continues slice {slice}; the job is at slice {nextSlice}. Read the job for its current token.",
            [new("slice", slice), new("next_slice", nextSlice)]);

    /// <summary>409: quarantined records remain and the commit does not accept them (playbook F: they block cutover).</summary>
    public static ProblemHttpResult QuarantineUnresolved(long rejected) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "quarantine_unresolved", "Quarantined records remain.",
            $"{rejected} records are quarantined; fix and import them, or commit with accept_quarantine: true.", [new("rejected", rejected)]);

    /// <summary>422: sampled keys of the import are missing from the target.</summary>
    public static ProblemHttpResult ReconciliationMismatch(IReadOnlyList<string> missing) =>
        ApiProblem.Business("reconciliation_mismatch", "The target does not hold what the import wrote.",
            $"{missing.Count} sampled keys are missing from the target.", [new("keys_missing", missing)]);
}
