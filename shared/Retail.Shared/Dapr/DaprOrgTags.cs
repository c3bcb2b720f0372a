using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Retail.Shared.Dapr;

/// <summary>
/// The hidden member that lets offboarding find an org's entries through Dapr's state query API, which can filter and
/// sort on values only, never list keys. Every value written under a key of an org (<see cref="OrgData.OrgStateKeys"/>)
/// gets, in the same transaction operation, <c>"$org": {"app": …, "org": …, "pos": …}</c>: the app id (the query API
/// reads the whole table, every app's rows, whatever the app's key prefix), the org, and the state key in lower-case hex
/// (a text every collation orders as its bytes, so pages sort and resume on it, and the key comes back as written). A
/// value that is not a JSON object is kept inside it (<c>"$value"</c>, with <c>"wrapped": true</c>). Reads take the member
/// out again (<see cref="DaprSortKeys.RemoveFrom"/>), so callers never see it.
/// </summary>
internal static class DaprOrgTags
{
    public const string Member = "$org";
    public const string WrappedValue = "$value";

    public const string AppPath = Member + ".app";
    public const string OrgPath = Member + ".org";
    public const string PosPath = Member + ".pos";

    internal static readonly byte[] MemberJson = JsonSerializer.SerializeToUtf8Bytes(Member);

    /// <summary>The value to store for <paramref name="key"/> of <paramref name="orgcode"/>: tagged with its app, org and position.</summary>
    public static JsonNode AddTo(JsonNode? value, string appId, string orgcode, string key)
    {
        var tag = new JsonObject { ["app"] = appId, ["org"] = orgcode, ["pos"] = PosOf(key) };
        if (value is JsonObject root)
        {
            root.Remove(Member);
            root[Member] = tag;
            return root;
        }
        tag["wrapped"] = true;
        return new JsonObject { [WrappedValue] = value, [Member] = tag };
    }

    /// <summary>
    /// Takes the tag out of <paramref name="root"/>; answers the value as written (unwrapped when it was no object), or
    /// null when there was no tag.
    /// </summary>
    public static JsonNode? RemoveFrom(JsonObject root, out bool removed)
    {
        if (!root.TryGetPropertyValue(Member, out var tag))
        {
            removed = false;
            return root;
        }
        root.Remove(Member);
        removed = true;
        if (tag is JsonObject { } t && t.TryGetPropertyValue("wrapped", out var wrapped) && wrapped?.GetValueKind() == JsonValueKind.True)
        {
            var inner = root[WrappedValue];
            root.Remove(WrappedValue);
            return inner;
        }
        return root;
    }

    public static string PosOf(string key) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(key));

    public static string KeyOf(string pos) => Encoding.UTF8.GetString(Convert.FromHexString(pos));
}
