using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace Retail.Shared.MasterData;

/// <summary>
/// A JSON contract modifier: on a request about coded record <c>T</c> (<see cref="IMasterRef{T}"/>), the generic
/// <c>guid</c> and <c>code</c> properties go by <c>T</c>'s own names, so one request type serves every master record
/// and the wire (and the OpenAPI document, which reads the same contract) still says <c>facility_code</c>.
/// </summary>
public static class MasterFieldNames
{
    private static readonly ConcurrentDictionary<Type, (string Key, string Code)?> Names = new();

    public static void Apply(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || NamesOf(info.Type) is not { } names)
        {
            return;
        }
        foreach (var property in info.Properties)
        {
            property.Name = property.Name switch
            {
                "guid" => names.Key,
                "code" => names.Code,
                _ => property.Name,
            };
        }
    }

    private static (string Key, string Code)? NamesOf(Type type) => Names.GetOrAdd(type, static t =>
    {
        var reference = t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IMasterRef<>));
        if (reference is null)
        {
            return null;
        }
        var record = reference.GetGenericArguments()[0];
        var key = (string)record.GetProperty(nameof(ICodedRecord<>.KeyName), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var code = (string)record.GetProperty(nameof(ICodedRecord<>.CodeName), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return (key, code);
    });
}
