using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Retail.Shared.Dapr;

/// <summary>
/// Numeric order for the state query API's sort. <c>state.postgresql</c> v1 sorts on <c>value-&gt;'a'-&gt;&gt;'b'</c>, which is
/// text, so revision 10 would come before 9. Each value written gets a hidden member <see cref="Member"/> holding, for
/// every integer at the first two levels ("revision", "data.revision"), a fixed-width text that sorts like the number;
/// a sort on a path is sent as a sort on that text first and on the path itself second (strings have no hidden twin,
/// so they tie on the first key and sort on the second). Reads take the member out again, so callers never see it.
/// </summary>
internal static class DaprSortKeys
{
    public const string Member = "$sort";

    private static readonly byte[] MemberJson = JsonSerializer.SerializeToUtf8Bytes(Member);

    /// <summary>The query path of <paramref name="path"/>'s sortable twin; the query API splits paths on dots.</summary>
    public static string PathOf(string path) => Member + "." + path.Replace('.', '~');

    /// <summary>The value to store: <paramref name="json"/> with the sortable twins of its integers, when it has any.</summary>
    public static JsonNode? AddTo(ReadOnlySpan<byte> json)
    {
        var node = JsonNode.Parse(json);
        if (node is not JsonObject root)
        {
            return node;
        }
        var keys = new JsonObject();
        foreach (var (name, value) in root)
        {
            Add(keys, name, value);
            if (value is JsonObject nested)
            {
                foreach (var (inner, innerValue) in nested)
                {
                    Add(keys, name + "~" + inner, innerValue);
                }
            }
        }
        root.Remove(Member);
        if (keys.Count > 0)
        {
            root[Member] = keys;
        }
        return root;
    }

    /// <summary>The value as it was written: the stored bytes without the sortable twins and the org tag (<see cref="DaprOrgTags"/>).</summary>
    public static byte[] RemoveFrom(byte[] stored)
    {
        var span = stored.AsSpan();
        if ((span.IndexOf(MemberJson) < 0 && span.IndexOf(DaprOrgTags.MemberJson) < 0) || JsonNode.Parse(stored) is not JsonObject root)
        {
            return stored;
        }
        var sorted = root.Remove(Member);
        var value = DaprOrgTags.RemoveFrom(root, out var tagged);
        if (!sorted && !tagged)
        {
            return stored;
        }
        return value is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(value);
    }

    private static void Add(JsonObject keys, string path, JsonNode? value)
    {
        if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue<long>(out var integer))
        {
            // Flipping the sign bit maps long's order onto ulong's; 20 digits hold every ulong.
            keys[path] = unchecked((ulong)(integer ^ long.MinValue)).ToString("D20", CultureInfo.InvariantCulture);
        }
    }
}
