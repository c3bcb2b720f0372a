using System.Text.Json;

namespace Retail.Shared.Json;

/// <summary>Enum values as the contract writes them: lower snake_case ("distribution_centre").</summary>
public static class SnakeCase
{
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Name(string memberName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(memberName);
}
