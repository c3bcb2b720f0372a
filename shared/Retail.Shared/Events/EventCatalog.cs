using System.ComponentModel;
using System.Reflection;
using Retail.Shared.Hosting;

namespace Retail.Shared.Events;

/// <summary>One business event type (topic = type) and the service that publishes it.</summary>
/// <param name="DataType">The record its data is serialised from, when known (the catalog's JSON schema is made from it).</param>
public sealed record EventCatalogEntry(string App, string Type, string? Summary = null, Type? DataType = null);

/// <summary>
/// Names the record an event type's data is serialised from, beside its const in the service's <c>…Events</c> class, so
/// the catalog can publish the data's JSON schema (a summary goes beside it as <see cref="DescriptionAttribute"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class EventDataAttribute(Type dataType) : Attribute
{
    public Type DataType { get; } = dataType;
}

/// <summary>
/// Every business event type of every service, read from the code: IPM's event catalog, the topics IPM's webhooks and
/// RBS's subscriptions may name and subscribe to.
/// </summary>
public interface IEventCatalog
{
    IReadOnlyList<EventCatalogEntry> Entries { get; }

    EventCatalogEntry? Find(string type);
}

public sealed class EventCatalog(IReadOnlyList<EventCatalogEntry> entries) : IEventCatalog
{
    private readonly Dictionary<string, EventCatalogEntry> _byType = entries.GroupBy(e => e.Type, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    public IReadOnlyList<EventCatalogEntry> Entries { get; } = [.. entries.OrderBy(e => e.Type, StringComparer.Ordinal)];

    public EventCatalogEntry? Find(string type) => _byType.GetValueOrDefault(type);

    /// <summary>
    /// The event types each module's assembly declares: the <c>public const string</c> fields of its static classes named
    /// <c>…Events</c> whose value looks like an event type (<c>noun.verb</c>), with the summary and data record their
    /// attributes name.
    /// </summary>
    public static EventCatalog FromModules(IEnumerable<IServiceModule> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var entries = new List<EventCatalogEntry>();
        foreach (var module in modules)
        {
            foreach (var type in module.GetType().Assembly.GetTypes().Where(t => t is { IsAbstract: true, IsSealed: true } && t.Name.EndsWith("Events", StringComparison.Ordinal)))
            {
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)))
                {
                    if (field.GetRawConstantValue() is string value && value.Contains('.', StringComparison.Ordinal) && !value.Contains(' ', StringComparison.Ordinal))
                    {
                        entries.Add(new EventCatalogEntry(module.AppId, value, field.GetCustomAttribute<DescriptionAttribute>()?.Description,
                            field.GetCustomAttribute<EventDataAttribute>()?.DataType));
                    }
                }
            }
        }
        return new EventCatalog(entries);
    }
}
