using System.Collections.Concurrent;
using System.Text.Json;

namespace Retail.Shared.Json;

/// <summary>Enum values as the contract writes them: lower snake_case ("distribution_centre").</summary>
public static class SnakeCase
{
    /// <summary>The value's name, converted once per value and kept (enums are small and fixed; hot paths such as every
    /// request's usage event name one).</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => Names<TEnum>.Of(value);

    public static string Name(string memberName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(memberName);

    private static class Names<TEnum> where TEnum : struct, Enum
    {
        // Keyed by value, so a value outside the declared ones (a cast number) is converted and kept like any other; the
        // set stays as small as the values a process actually names.
        private static readonly ConcurrentDictionary<TEnum, string> Cache = new();

        public static string Of(TEnum value) => Cache.GetOrAdd(value, static v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));
    }
}
