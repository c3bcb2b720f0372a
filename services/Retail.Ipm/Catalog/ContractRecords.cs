using System.Text.Json.Nodes;

namespace Retail.Ipm.Catalog;

/// <summary>One event type of the catalog: a business event (topic = type) or a record type's CDC changes (topic <c>cdc</c>).</summary>
/// <param name="Kind"><c>business</c> or <c>cdc</c>.</param>
/// <param name="Type">The CloudEvent type; for CDC the template <c>{app}.{entity}.{op}</c> with <c>{op}</c> one of <paramref name="Ops"/>.</param>
/// <param name="DataRecord">The record the data is serialised from; null (and no schema) where the catalog does not know it.</param>
/// <param name="DataSchema">JSON Schema (draft 2020-12) of the CloudEvent's <c>data</c>.</param>
public sealed record EventCatalogItem(string Type, string App, string Kind, string Topic, string? Summary, string? DataRecord,
    CloudEventShape Envelope, JsonObject? DataSchema, IReadOnlyList<string>? Ops = null);

/// <summary>The CloudEvents 1.0 envelope every event travels in (structured mode, <c>application/cloudevents+json</c>).</summary>
/// <param name="Source">The publishing app.</param>
/// <param name="Subject">What the event is about: <c>{entity}/{key}</c> unless the event names its own subject.</param>
/// <param name="Extensions"><c>orgcode</c> (the org the event belongs to; absent for platform events) and <c>traceparent</c> (W3C).</param>
/// <param name="Delivery">At least once: consumers deduplicate on the CloudEvent <c>id</c>.</param>
public sealed record CloudEventShape(string Specversion, string Type, string Source, string Topic, string Subject, string Datacontenttype,
    IReadOnlyList<string> Extensions, string Delivery);

/// <summary>How one record type is exported (UTL's export, IPM's bulk export) and what a bulk import must supply.</summary>
/// <param name="KeyField">The field that holds the record's key; null when the key is composed of several fields.</param>
/// <param name="UniqueValues">The names of the business identifiers at most one live record holds (codes, e-mails).</param>
/// <param name="Format">One JSON record per line (NDJSON), gzip-compressed.</param>
public sealed record ExportContract(string App, string Entity, string Record, string? KeyField, IReadOnlyList<string> UniqueValues,
    IReadOnlyList<ExportIndex> Indexes, int SchemaVersion, string Format, string ContentType, string FileExtension, JsonObject Schema);

/// <param name="AcrossOrgs">Looked up across every org (sweeps, a user's memberships); otherwise within one org.</param>
public sealed record ExportIndex(string Name, IReadOnlyList<string> Fields, bool AcrossOrgs);

/// <summary>An entity's state machine as the code checks it: a move not listed is refused with 409 <c>invalid_transition</c>.</summary>
/// <param name="StatusType">The status enum, snake_case.</param>
/// <param name="DeclaredBy">The type that holds the machine.</param>
/// <param name="Initial">The status type's first value, which a new record starts in, when it may move on; null otherwise.</param>
/// <param name="Terminal">States with no move out.</param>
public sealed record Lifecycle(string App, string Entity, string StatusType, string DeclaredBy, IReadOnlyList<string> States, string? Initial,
    IReadOnlyList<string> Terminal, IReadOnlyList<LifecycleMove> Transitions);

public sealed record LifecycleMove(string From, IReadOnlyList<string> To);

/// <summary>An example payload: an event's <c>data</c> or an entity's record, valid against the catalog's schema.</summary>
public sealed record Specimen(string Kind, string Name, string App, JsonNode? Payload);

/// <summary>The paging contract of every <c>…/list</c> and <c>…/search</c>.</summary>
public sealed record PagingContract(PagingLimit Limit, PagingToken NextToken, string Order, string Offset, IReadOnlyList<PagingAnswer> Answers);

public sealed record PagingLimit(string Field, int Default, int Min, int Max, string Beyond);

/// <param name="Field">The request and response field.</param>
/// <param name="LastPage">What the response's field holds on the last page.</param>
public sealed record PagingToken(string Field, int MaxLength, string Nature, string BoundTo, string LastPage, string Expiry, string Consistency);

/// <summary>A case a client meets and how it is answered.</summary>
public sealed record PagingAnswer(string Case, int Status, string? Code);
