using System.ComponentModel;
using Retail.Shared.Events;

namespace Retail.Mrs;

/// <summary>The business events MRS publishes (topic = type). Listed in README.md.</summary>
public static class MrsEvents
{
    [EventData(typeof(RecordCreated))]
    [Description("Record created.")]
    public const string RecordCreated = "record.created";
    [EventData(typeof(RecordCompleted))]
    [Description("Record completed.")]
    public const string RecordCompleted = "record.completed";
    [EventData(typeof(RecordDoomed))]
    [Description("Record doomed.")]
    public const string RecordDoomed = "record.doomed";
}

public sealed record RecordCreated(string Orgcode, string RecordGuid, string Kind, string ContentType, long SizeBytes, IReadOnlyList<string> Tags);

public sealed record RecordCompleted(string Orgcode, string RecordGuid, string ContentType, long SizeBytes, string Md5);

public sealed record RecordDoomed(string Orgcode, string RecordGuid);
