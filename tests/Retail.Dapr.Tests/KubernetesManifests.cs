using k8s;
using k8s.Models;

namespace Retail.Dapr.Tests;

/// <summary>One YAML document of a manifest file, read into its typed model.</summary>
public sealed record Manifest(string File, object Model);

/// <summary>
/// Reads manifests strictly: every document into the Kubernetes client's model of its apiVersion and kind, or into the
/// small models below for Dapr's custom resources and kustomize's file, so a field no model has (a typo, a field at the
/// wrong level) fails the read instead of being dropped by the API server or ignored by the sidecar.
/// </summary>
public static class KubernetesManifests
{
    private static readonly Dictionary<string, Type> CustomKinds = new()
    {
        ["dapr.io/v1alpha1/Component"] = typeof(DaprComponent),
        ["dapr.io/v1alpha1/Configuration"] = typeof(DaprConfiguration),
        ["dapr.io/v1alpha1/Resiliency"] = typeof(DaprResiliency),
        ["kustomize.config.k8s.io/v1beta1/Kustomization"] = typeof(Kustomization),
    };

    // The string overload: the file and stream ones pass the type map on to it but not `strict`.
    public static List<object> Read(string yaml) => KubernetesYaml.LoadAllFromString(yaml, CustomKinds, strict: true);

    /// <summary>Every document of every YAML file under <paramref name="relativeFolder"/> of the repository.</summary>
    public static IReadOnlyList<Manifest> Under(string relativeFolder) =>
        [.. Directory.EnumerateFiles(RepositoryFiles.PathOf(relativeFolder), "*.*", SearchOption.AllDirectories)
            .Where(file => file.EndsWith(".yaml", StringComparison.Ordinal) || file.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(ReadFile)];

    private static IEnumerable<Manifest> ReadFile(string path)
    {
        var file = Path.GetRelativePath(RepositoryFiles.Root, path).Replace('\\', '/');
        try
        {
            return Read(File.ReadAllText(path)).Select(model => new Manifest(file, model));
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{file}: {e.Message}", e);
        }
    }
}

/// <summary>Dapr's Component resource, as far as this repository uses it.</summary>
public sealed class DaprComponent : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public DaprComponentSpec Spec { get; set; } = new();
    public DaprComponentAuth? Auth { get; set; }
    public List<string> Scopes { get; set; } = [];
}

public sealed class DaprComponentSpec
{
    public string Type { get; set; } = "";
    public string Version { get; set; } = "";
    public List<DaprMetadataItem> Metadata { get; set; } = [];
}

public sealed class DaprMetadataItem
{
    public string Name { get; set; } = "";
    public string? Value { get; set; }
    public DaprSecretKeyRef? SecretKeyRef { get; set; }
}

public sealed class DaprSecretKeyRef
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
}

public sealed class DaprComponentAuth
{
    public string SecretStore { get; set; } = "";
}

/// <summary>Dapr's Configuration resource: tracing and metrics.</summary>
public sealed class DaprConfiguration : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public DaprConfigurationSpec Spec { get; set; } = new();
}

public sealed class DaprConfigurationSpec
{
    public DaprTracing? Tracing { get; set; }
    public DaprMetric? Metric { get; set; }
}

public sealed class DaprTracing
{
    public string SamplingRate { get; set; } = "";
    public DaprZipkin? Zipkin { get; set; }
}

public sealed class DaprZipkin
{
    public string EndpointAddress { get; set; } = "";
}

public sealed class DaprMetric
{
    public bool Enabled { get; set; }
}

/// <summary>Dapr's Resiliency resource: named policies and the targets that use them.</summary>
public sealed class DaprResiliency : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public DaprResiliencySpec Spec { get; set; } = new();
    public List<string> Scopes { get; set; } = [];
}

public sealed class DaprResiliencySpec
{
    public DaprPolicies Policies { get; set; } = new();
    public DaprTargets Targets { get; set; } = new();
}

public sealed class DaprPolicies
{
    public Dictionary<string, string> Timeouts { get; set; } = [];
    public Dictionary<string, DaprRetry> Retries { get; set; } = [];
    public Dictionary<string, DaprCircuitBreaker> CircuitBreakers { get; set; } = [];
}

public sealed class DaprRetry
{
    public string Policy { get; set; } = "";
    public string? Duration { get; set; }
    public string? MaxInterval { get; set; }
    public int MaxRetries { get; set; }
}

public sealed class DaprCircuitBreaker
{
    public int MaxRequests { get; set; }
    public string Interval { get; set; } = "";
    public string Timeout { get; set; } = "";
    public string Trip { get; set; } = "";
}

public sealed class DaprTargets
{
    public Dictionary<string, DaprPolicyRefs> Apps { get; set; } = [];
    public Dictionary<string, DaprComponentTarget> Components { get; set; } = [];
}

public sealed class DaprComponentTarget
{
    public DaprPolicyRefs? Outbound { get; set; }
    public DaprPolicyRefs? Inbound { get; set; }
}

public sealed class DaprPolicyRefs
{
    public string? Timeout { get; set; }
    public string? Retry { get; set; }
    public string? CircuitBreaker { get; set; }
}

/// <summary>kustomize's kustomization.yaml, the fields the base and the overlays use.</summary>
public sealed class Kustomization : IKubernetesObject
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? Namespace { get; set; }
    public List<KustomizeLabels> Labels { get; set; } = [];
    public List<string> Resources { get; set; } = [];
    public List<KustomizeImage> Images { get; set; } = [];
    public List<KustomizeReplicas> Replicas { get; set; } = [];
    public List<KustomizePatch> Patches { get; set; } = [];
    public KustomizeGeneratorOptions? GeneratorOptions { get; set; }
    public List<KustomizeSecretGenerator> SecretGenerator { get; set; } = [];
}

public sealed class KustomizeLabels
{
    public Dictionary<string, string> Pairs { get; set; } = [];
}

public sealed class KustomizeImage
{
    public string Name { get; set; } = "";
    public string? NewName { get; set; }
    public string? NewTag { get; set; }
}

public sealed class KustomizeReplicas
{
    public string Name { get; set; } = "";
    public int Count { get; set; }
}

public sealed class KustomizePatch
{
    public KustomizePatchTarget? Target { get; set; }
    public string? Patch { get; set; }
    public string? Path { get; set; }
}

public sealed class KustomizePatchTarget
{
    public string? Group { get; set; }
    public string? Version { get; set; }
    public string? Kind { get; set; }
    public string? Name { get; set; }
}

public sealed class KustomizeGeneratorOptions
{
    public bool DisableNameSuffixHash { get; set; }
}

public sealed class KustomizeSecretGenerator
{
    public string Name { get; set; } = "";
    public List<string> Literals { get; set; } = [];
}
