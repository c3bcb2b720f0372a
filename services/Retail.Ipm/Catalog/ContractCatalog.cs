using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Json;

namespace Retail.Ipm.Catalog;

/// <summary>
/// The contract read from the code of every service, once: event types with the schemas of their data, each record
/// type's export contract, every state machine. What it cannot read (an event whose data record is not named) it lists
/// without a schema rather than guessing.
/// </summary>
public sealed class ContractCatalog
{
    public const int SchemaVersion = 1;
    public static readonly IReadOnlyList<string> CdcOps = ["created", "updated", "status_changed", "doomed"];

    private readonly Lazy<IReadOnlyList<RecordTypeInfo>> _records;
    private readonly Lazy<IReadOnlyList<EventCatalogItem>> _events;
    private readonly Lazy<IReadOnlyList<ExportContract>> _exports;
    private readonly Lazy<IReadOnlyList<Lifecycle>> _lifecycles;

    public ContractCatalog(IReadOnlyList<IServiceModule> modules, IEventCatalog events)
    {
        _records = new(() => ReadRecordTypes(modules));
        _events = new(() => BuildEvents(events, _records.Value));
        _exports = new(() => [.. _records.Value.Select(r => r.Contract)]);
        _lifecycles = new(() => ReadLifecycles(modules));
    }

    public IReadOnlyList<EventCatalogItem> Events => _events.Value;

    public IReadOnlyList<ExportContract> Exports => _exports.Value;

    public IReadOnlyList<Lifecycle> Lifecycles => _lifecycles.Value;

    /// <summary>An event type (a CDC type names its op: <c>crm.customer.created</c>), or null.</summary>
    public Specimen? EventSpecimen(string name, string? topic = null)
    {
        var business = topic == Topics.Cdc ? null : Events.FirstOrDefault(e => e.Kind == "business" && e.Type == name);
        if (business is not null)
        {
            return business.DataSchema is null ? null : new Specimen("event", name, business.App, ContractSpecimens.Of(business.DataSchema));
        }
        var op = CdcOps.FirstOrDefault(o => name.EndsWith("." + o, StringComparison.Ordinal));
        var record = op is null || (topic is not null && topic != Topics.Cdc) ? null : _records.Value.FirstOrDefault(r => $"{r.Contract.App}.{r.Contract.Entity}.{op}" == name);
        if (record is null)
        {
            return null;
        }
        var payload = ContractSpecimens.Of(CdcSchema(record));
        payload!["op"] = op;
        return new Specimen("event", name, record.Contract.App, payload);
    }

    /// <summary>An entity by <c>{app}.{entity}</c>, or by its entity name alone when one app has it.</summary>
    public IReadOnlyList<Specimen> EntitySpecimens(string name) =>
    [
        .. _records.Value.Where(r => $"{r.Contract.App}.{r.Contract.Entity}" == name || r.Contract.Entity == name)
            .Select(r => new Specimen("entity", r.Contract.Entity, r.Contract.App, ContractSpecimens.Of(r.Contract.Schema))),
    ];

    private static List<EventCatalogItem> BuildEvents(IEventCatalog events, IReadOnlyList<RecordTypeInfo> records)
    {
        var items = events.Entries.Select(e => new EventCatalogItem(e.Type, e.App, "business", e.Type, e.Summary, e.DataType?.Name,
            Envelope(e.Type, e.App, e.Type, "{entity}/{key}"), e.DataType is null ? null : ContractSchemas.Of(e.DataType, e.Type))).ToList();
        // Types that publish no change (append-only telemetry, derived copies) have no CDC entry.
        items.AddRange(records.Where(r => r.PublishesChanges).Select(r =>
        {
            var type = $"{r.Contract.App}.{r.Contract.Entity}.{{op}}";
            return new EventCatalogItem(type, r.Contract.App, "cdc", Topics.Cdc, $"A {r.Contract.Entity} record was created, updated, moved to another status or doomed.",
                r.Contract.Record, Envelope(type, r.Contract.App, Topics.Cdc, $"{r.Contract.Entity}/{{key}}"), CdcSchema(r), CdcOps);
        }));
        return [.. items.OrderBy(i => i.Type, StringComparer.Ordinal)];
    }

    private static CloudEventShape Envelope(string type, string app, string topic, string subject) =>
        new("1.0", type, app, topic, subject, "application/json", ["orgcode", "traceparent"], "at_least_once");

    // The change event's data: {orgcode, entity, key, revision, op, record}, record being the state after the change.
    private static JsonObject CdcSchema(RecordTypeInfo record)
    {
        var state = record.Contract.Schema.DeepClone().AsObject();
        state.Remove("$schema");
        state.Remove("title");
        return new JsonObject
        {
            ["$schema"] = ContractSchemas.Draft,
            ["title"] = $"{record.Contract.App}.{record.Contract.Entity}.{{op}}",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["orgcode"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
                ["entity"] = new JsonObject { ["const"] = record.Contract.Entity },
                ["key"] = new JsonObject { ["type"] = "string" },
                ["revision"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
                ["op"] = new JsonObject { ["enum"] = new JsonArray([.. CdcOps.Select(o => JsonValue.Create(o))]) },
                ["record"] = state,
            },
            ["required"] = new JsonArray("entity", "key", "revision", "op", "record"),
        };
    }

    /// <summary>A record type with its export contract.</summary>
    private sealed record RecordTypeInfo(ExportContract Contract, bool PublishesChanges);

    private static IReadOnlyList<RecordTypeInfo> ReadRecordTypes(IEnumerable<IServiceModule> modules)
    {
        var found = new List<RecordTypeInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            foreach (var (recordType, holder, _) in StaticMembers(module, t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(RecordType<>)))
            {
                var entity = (string)holder.GetType().GetProperty(nameof(RecordType<>.Entity))!.GetValue(holder)!;
                if (seen.Add($"{module.AppId}.{entity}"))
                {
                    var publishes = (bool)holder.GetType().GetProperty(nameof(RecordType<>.PublishesChanges))!.GetValue(holder)!;
                    found.Add(new RecordTypeInfo(Contract(module.AppId, entity, recordType.GetGenericArguments()[0], holder), publishes));
                }
            }
        }
        return [.. found.OrderBy(r => r.Contract.App, StringComparer.Ordinal).ThenBy(r => r.Contract.Entity, StringComparer.Ordinal)];
    }

    private static ExportContract Contract(string app, string entity, Type record, object recordType)
    {
        var schema = ContractSchemas.Of(record, $"{app}.{entity}");
        var indexes = ((IEnumerable<RecordIndex>)recordType.GetType().GetProperty(nameof(RecordType<>.Indexes))!.GetValue(recordType)!)
            .Select(i => new ExportIndex(i.Name, i.Fields, i.AcrossOrgs)).ToList();
        var (keyField, uniques) = KeyAndUniques(record, recordType, schema);
        return new ExportContract(app, entity, record.Name, keyField, uniques, indexes, SchemaVersion, "ndjson+gzip", "application/x-ndjson",
            ".ndjson.gz", schema);
    }

    // The key and the unique values are code (a property, a function): they are read off a specimen of the record, whose
    // fields all differ, so the field whose value is the key is the key field.
    private static (string? KeyField, IReadOnlyList<string> Uniques) KeyAndUniques(Type record, object recordType, JsonObject schema)
    {
        if (ContractSpecimens.Of(schema) is not JsonObject specimen)
        {
            return (null, []);
        }
        Record sample;
        try
        {
            sample = (Record)specimen.Deserialize(record, RetailJson.Storage)!;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            return (null, []);
        }
        var keyField = specimen.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) && s == sample.Key).Select(p => p.Key).FirstOrDefault();
        IReadOnlyList<string> uniques;
        try
        {
            var values = (IEnumerable<UniqueValue>)recordType.GetType().GetMethod(nameof(RecordType<>.UniquesOf))!.Invoke(recordType, [sample])!;
            uniques = [.. values.Select(u => u.Name).Distinct(StringComparer.Ordinal)];
        }
        catch (TargetInvocationException)
        {
            uniques = [];
        }
        return (keyField, uniques);
    }

    private static IReadOnlyList<Lifecycle> ReadLifecycles(IEnumerable<IServiceModule> modules)
    {
        var found = new List<Lifecycle>();
        foreach (var module in modules)
        {
            var machines = StaticMembers(module, t => typeof(IStateMachine).IsAssignableFrom(t)).ToList();
            var heldByRecords = machines.Where(m => EntityOf(m.Member.DeclaringType!) is not null).Select(m => m.Value).ToHashSet(ReferenceEqualityComparer.Instance);
            foreach (var (_, value, member) in machines.Select(m => (m.Type, m.Value, m.Member)))
            {
                var machine = (IStateMachine)value;
                var holder = member.DeclaringType!;
                var recordEntity = EntityOf(holder);
                if (recordEntity is null && heldByRecords.Contains(value))
                {
                    continue;
                }
                var statusName = machine.StatusType.Name;
                var entity = recordEntity ?? SnakeCase.Name(statusName.EndsWith("Status", StringComparison.Ordinal) ? statusName[..^"Status".Length] : statusName);
                if (found.Any(l => l.App == module.AppId && l.Entity == entity && l.StatusType == SnakeCase.Name(statusName)))
                {
                    continue;
                }
                var moves = machine.Moves;
                var states = machine.States;
                var initial = states.Count > 0 && moves.TryGetValue(states[0], out var first) && first.Count > 0 ? states[0] : null;
                found.Add(new Lifecycle(module.AppId, entity, SnakeCase.Name(statusName), holder.Name, states, initial,
                    [.. states.Where(s => !moves.TryGetValue(s, out var to) || to.Count == 0)],
                    [.. states.Select(s => new LifecycleMove(s, moves.TryGetValue(s, out var to) ? to : []))]));
            }
        }
        return [.. found.OrderBy(l => l.App, StringComparer.Ordinal).ThenBy(l => l.Entity, StringComparer.Ordinal)];
    }

    /// <summary>The entity of a record type that declares a static <c>RecordType&lt;T&gt; Type</c>; null for any other type.</summary>
    private static string? EntityOf(Type holder)
    {
        var member = holder.GetProperty("Type", BindingFlags.Public | BindingFlags.Static) as MemberInfo ?? holder.GetField("Type", BindingFlags.Public | BindingFlags.Static);
        var value = member switch
        {
            PropertyInfo p when IsRecordType(p.PropertyType) => p.GetValue(null),
            FieldInfo f when IsRecordType(f.FieldType) => f.GetValue(null),
            _ => null,
        };
        return value?.GetType().GetProperty(nameof(RecordType<>.Entity))!.GetValue(value) as string;
    }

    private static bool IsRecordType(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(RecordType<>);

    /// <summary>The values of the static fields and properties of every type in the module's assembly whose type matches.</summary>
    private static IEnumerable<(Type Type, object Value, MemberInfo Member)> StaticMembers(IServiceModule module, Func<Type, bool> matches)
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in module.GetType().Assembly.GetTypes().Where(t => !t.ContainsGenericParameters))
        {
            foreach (var field in type.GetFields(Flags).Where(f => matches(f.FieldType) && !f.IsDefined(typeof(CompilerGeneratedAttribute))))
            {
                if (field.GetValue(null) is { } value)
                {
                    yield return (field.FieldType, value, field);
                }
            }
            foreach (var property in type.GetProperties(Flags).Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null && matches(p.PropertyType)))
            {
                if (property.GetValue(null) is { } value)
                {
                    yield return (property.PropertyType, value, property);
                }
            }
        }
    }
}
