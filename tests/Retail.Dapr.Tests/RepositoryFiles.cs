using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Retail.Dapr.Tests;

/// <summary>The deployment files of the repository this test assembly was built from.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    // The merging parser resolves compose's `<<: *anchor` merge keys as compose does.
    public static Dictionary<object, object> Yaml(string relative)
    {
        using var reader = new StringReader(File.ReadAllText(PathOf(relative)));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    public static JsonObject Json(string relative) => JsonNode.Parse(File.ReadAllText(PathOf(relative)))!.AsObject();

    public static Dictionary<object, object> Map(object? node) => Assert.IsType<Dictionary<object, object>>(node);

    public static List<object> List(object? node) => Assert.IsType<List<object>>(node);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Retail.Dapr.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Retail.Dapr.sln not found above " + AppContext.BaseDirectory);
    }
}
