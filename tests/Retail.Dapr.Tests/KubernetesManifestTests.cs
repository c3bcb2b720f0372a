using System.Globalization;
using k8s.Models;
using Retail.Shared.Dapr;
using Retail.Shared.Hosting;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using static Retail.Dapr.Tests.RepositoryFiles;

namespace Retail.Dapr.Tests;

public sealed class KubernetesManifestTests
{
    private const string Base = "deploy/k8s/base";
    private const string Overlay = "deploy/k8s/overlays/example";
    private const string Apps = Base + "/apps";
    private const string Collector = Base + "/otel";

    // The apps that keep something a second pod would not share, so no autoscaler adds one (deploy/k8s/README.md).
    private static readonly string[] FixedReplicaApps = ["workflows", "mrs", "pmc"];

    private static readonly string[] DaprAnnotations =
        ["dapr.io/enabled", "dapr.io/app-id", "dapr.io/app-port", "dapr.io/config", "dapr.io/app-token-secret"];

    /// <summary>The apps of the Dapr mode: the host's modules and the gateway in front of them.</summary>
    private static IReadOnlyList<string> AppIds() => [.. HostModuleList.AppIds, "gateway"];

    private static IReadOnlyList<Manifest> All { get; } = KubernetesManifests.Under("deploy/k8s");

    private static IEnumerable<T> In<T>(string folder) =>
        All.Where(m => m.File.StartsWith(folder + "/", StringComparison.Ordinal)).Select(m => m.Model).OfType<T>();

    /// <summary>The apps' Deployments; the collector's is beside them in otel/.</summary>
    private static Dictionary<string, V1Deployment> Deployments() => In<V1Deployment>(Apps).ToDictionary(d => d.Metadata.Name);

    private static Kustomization KustomizationOf(string folder) =>
        Assert.IsType<Kustomization>(Assert.Single(All, m => m.File == folder + "/kustomization.yaml").Model);

    private static IReadOnlyList<object> ComponentsFolder() =>
        [.. Directory.GetFiles(PathOf("components"), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(file => KubernetesManifests.Read(File.ReadAllText(file)))];

    private static string NameOf(object resource) => ((IMetadata<V1ObjectMeta>)resource).Metadata.Name;

    private static V1Container AppContainer(V1Deployment deployment) => Assert.Single(deployment.Spec.Template.Spec.Containers);

    private static Dictionary<string, int> DaprRunPorts() =>
        List(Yaml("dapr.yaml")["apps"]).Select(Map).ToDictionary(app => (string)app["appID"], app => int.Parse((string)app["appPort"], System.Globalization.CultureInfo.InvariantCulture));

    private static (V1Deployment Deployment, V1Service Service, V1ConfigMap Config) CollectorParts() =>
        (Assert.Single(In<V1Deployment>(Collector)), Assert.Single(In<V1Service>(Collector)), Assert.Single(In<V1ConfigMap>(Collector)));

    /// <summary>The collector's own configuration, the one key of its ConfigMap, parsed as the collector would (YAML).</summary>
    private static Dictionary<object, object> CollectorConfig()
    {
        var (_, _, config) = CollectorParts();
        return Map(new DeserializerBuilder().Build().Deserialize<object>(Assert.Single(config.Data).Value));
    }

    /// <summary>The port of a collector listen address such as <c>0.0.0.0:4317</c>.</summary>
    private static int PortOf(object address)
    {
        var text = Assert.IsType<string>(address);
        return int.Parse(text[(text.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void every_document_under_deploy_k8s_reads_strictly_into_a_kubernetes_dapr_or_kustomize_model()
    {
        Assert.NotEmpty(All);
        Assert.All(All, m => Assert.IsNotType<Dictionary<object, object>>(m.Model));
        Assert.Equal(AppIds().Count, In<V1Deployment>(Apps).Count());
        Assert.Equal(AppIds().Count + 1, In<V1Deployment>(Base).Count());
        // The reading is strict: a field no model knows fails, in Kubernetes' models and in the Dapr ones.
        Assert.ThrowsAny<YamlException>(() => KubernetesManifests.Read("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replica: 2\n"));
        Assert.ThrowsAny<YamlException>(() => KubernetesManifests.Read("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: state.redis\n  verison: v1\n"));
        Assert.ThrowsAny<YamlException>(() => KubernetesManifests.Read("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource:\n  - a.yaml\n"));
    }

    [Fact]
    public void the_deployments_are_exactly_the_host_modules_and_the_gateway_each_with_its_dapr_app_id_image_and_port()
    {
        var deployments = Deployments();
        var ports = DaprRunPorts();

        Assert.Equal(AppIds().Order(), deployments.Keys.Order());
        foreach (var (app, deployment) in deployments)
        {
            var annotations = deployment.Spec.Template.Metadata.Annotations;
            var container = AppContainer(deployment);
            var env = container.Env.ToDictionary(e => e.Name);
            Assert.Equal(app, annotations["dapr.io/app-id"]);
            Assert.Equal(ports[app].ToString(System.Globalization.CultureInfo.InvariantCulture), annotations["dapr.io/app-port"]);
            Assert.Equal(ports[app], Assert.Single(container.Ports).ContainerPort);
            Assert.Equal($"ghcr.io/retail/{app}:latest", container.Image);
            Assert.Equal("Dapr", env["Retail__Mode"].Value);
            // Every interface: the kubelet probes the pod's address, not localhost.
            Assert.Equal($"http://+:{ports[app]}", env["ASPNETCORE_URLS"].Value);
            Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels);
        }
    }

    [Fact]
    public void every_pod_has_the_dapr_annotations_probes_resources_and_the_app_token_from_the_sidecars_secret()
    {
        var configuration = Assert.Single(In<DaprConfiguration>(Base));

        Assert.All(Deployments().Values, deployment =>
        {
            var annotations = deployment.Spec.Template.Metadata.Annotations;
            var container = AppContainer(deployment);
            Assert.All(DaprAnnotations, name => Assert.False(string.IsNullOrEmpty(annotations[name]), name));
            Assert.Equal("true", annotations["dapr.io/enabled"]);
            Assert.Equal(configuration.Metadata.Name, annotations["dapr.io/config"]);

            Assert.Equal("/healthz", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
            Assert.All(new[] { container.ReadinessProbe.HttpGet.Port, container.LivenessProbe.HttpGet.Port },
                port => Assert.Equal(Assert.Single(container.Ports).Name, port.Value));

            Assert.All(new[] { "cpu", "memory" }, resource =>
            {
                Assert.True(container.Resources.Requests.ContainsKey(resource), resource);
                Assert.True(container.Resources.Limits.ContainsKey(resource), resource);
                Assert.True(container.Resources.Requests[resource].ToDecimal() <= container.Resources.Limits[resource].ToDecimal(), resource);
            });

            // The sidecar sends the token of the Secret the annotation names (key `token`); the app checks the same one.
            var token = Assert.Single(container.Env, e => e.Name == "APP_API_TOKEN").ValueFrom.SecretKeyRef;
            Assert.Equal(annotations["dapr.io/app-token-secret"], token.Name);
            Assert.Equal("token", token.Key);
        });
    }

    [Fact]
    public void every_service_is_named_for_its_app_and_reaches_its_deployments_port()
    {
        var deployments = Deployments();
        var services = In<V1Service>(Apps).ToDictionary(s => s.Metadata.Name);

        Assert.Equal(deployments.Keys.Order(), services.Keys.Order());
        foreach (var (app, service) in services)
        {
            var container = AppContainer(deployments[app]);
            Assert.Equal(deployments[app].Spec.Selector.MatchLabels, service.Spec.Selector);
            var port = Assert.Single(service.Spec.Ports);
            Assert.Equal(Assert.Single(container.Ports).ContainerPort, port.Port);
            Assert.Equal(container.Ports[0].Name, port.TargetPort.Value);
        }
    }

    [Fact]
    public void every_stateless_app_scales_with_an_autoscaler_on_its_deployment_and_the_fixed_ones_have_none()
    {
        var deployments = Deployments();
        var autoscalers = In<V2HorizontalPodAutoscaler>(Base).ToList();

        Assert.All(autoscalers, hpa =>
        {
            Assert.Equal("apps/v1", hpa.Spec.ScaleTargetRef.ApiVersion);
            Assert.Equal("Deployment", hpa.Spec.ScaleTargetRef.Kind);
            Assert.True(deployments.ContainsKey(hpa.Spec.ScaleTargetRef.Name), hpa.Spec.ScaleTargetRef.Name);
            Assert.True(hpa.Spec.MinReplicas <= hpa.Spec.MaxReplicas);
            Assert.NotEmpty(hpa.Spec.Metrics);
        });
        var scaled = autoscalers.Select(hpa => hpa.Spec.ScaleTargetRef.Name).ToList();
        Assert.Equal(scaled.Distinct().Count(), scaled.Count);
        Assert.Equal(AppIds().Except(FixedReplicaApps).Order(), scaled.Order());
        Assert.DoesNotContain("workflows", scaled);
        // The autoscaler owns the count of the others; a replicas field would reset it on every apply.
        Assert.All(deployments.Values, d => Assert.Equal(!scaled.Contains(d.Metadata.Name), d.Spec.Replicas is not null));
    }

    [Fact]
    public void the_base_kustomization_lists_exactly_the_files_beside_it_and_the_overlay_uses_every_file_it_has()
    {
        var listed = KustomizationOf(Base).Resources;
        var files = Directory.GetFiles(PathOf(Base), "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(PathOf(Base), f).Replace('\\', '/'))
            .Where(f => f != "kustomization.yaml");

        Assert.Equal(listed.Distinct().Count(), listed.Count);
        Assert.Equal(files.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Contains("otel/collector.yaml", listed);

        var overlay = KustomizationOf(Overlay);
        Assert.All(overlay.Resources, resource => Assert.True(
            File.Exists(Path.Combine(PathOf(Overlay), resource)) || File.Exists(Path.Combine(PathOf(Overlay), resource, "kustomization.yaml")), resource));
        Assert.Contains("../../base", overlay.Resources);
        var used = overlay.Resources.Concat(overlay.Patches.Select(p => p.Path).OfType<string>());
        Assert.All(Directory.GetFiles(PathOf(Overlay), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml"),
            file => Assert.Contains(file, used));
    }

    [Fact]
    public void the_dapr_resources_are_the_components_folder_by_name_kind_type_version_and_scopes()
    {
        var local = ComponentsFolder();
        var cluster = In<object>(Base).Where(o => o is DaprComponent or DaprConfiguration or DaprResiliency).ToList();

        Assert.Equal(local.Select(o => (o.GetType().Name, NameOf(o))).Order(), cluster.Select(o => (o.GetType().Name, NameOf(o))).Order());
        var localComponents = local.OfType<DaprComponent>().ToDictionary(c => c.Metadata.Name);
        var secretStore = new RetailOptions().SecretStoreName;
        foreach (var component in cluster.OfType<DaprComponent>())
        {
            var mine = localComponents[component.Metadata.Name];
            Assert.Equal(mine.Scopes, component.Scopes);
            Assert.Equal(mine.Spec.Version, component.Spec.Version);
            Assert.Equal(mine.Auth?.SecretStore, component.Auth?.SecretStore);
            if (component.Metadata.Name == secretStore)
            {
                Assert.Equal("secretstores.kubernetes", component.Spec.Type);
                continue;
            }
            Assert.Equal(mine.Spec.Type, component.Spec.Type);
            // The same settings and secret references; only where the blob binding writes is the cluster's own.
            Assert.Equal(mine.Spec.Metadata.Select(m => (m.Name, m.SecretKeyRef?.Name, m.SecretKeyRef?.Key)), component.Spec.Metadata.Select(m => (m.Name, m.SecretKeyRef?.Name, m.SecretKeyRef?.Key)));
            Assert.Equal(mine.Spec.Metadata.Where(m => m.Name != "rootPath").Select(m => m.Value), component.Spec.Metadata.Where(m => m.Name != "rootPath").Select(m => m.Value));
            if (component.Spec.Metadata.Any(m => m.SecretKeyRef is not null))
            {
                Assert.Equal(secretStore, component.Auth?.SecretStore);
            }
        }
        var resiliency = Assert.Single(cluster.OfType<DaprResiliency>());
        var localResiliency = Assert.Single(local.OfType<DaprResiliency>());
        Assert.Equal(localResiliency.Scopes, resiliency.Scopes);
        Assert.Equal(k8s.KubernetesYaml.Serialize(localResiliency.Spec), k8s.KubernetesYaml.Serialize(resiliency.Spec));
    }

    [Fact]
    public void the_blob_volume_the_blobstore_writes_to_is_mounted_into_the_sidecar_of_the_only_app_it_serves()
    {
        var blobstore = Assert.Single(In<DaprComponent>(Base), c => c.Metadata.Name == "blobstore");
        var rootPath = Assert.Single(blobstore.Spec.Metadata, m => m.Name == "rootPath").Value;
        var app = Assert.Single(blobstore.Scopes);
        var pod = Deployments()[app].Spec.Template;

        var mount = pod.Metadata.Annotations["dapr.io/volume-mounts-rw"].Split(':');
        Assert.Equal(2, mount.Length);
        var volume = mount[0];
        Assert.Equal(mount[1], rootPath);
        var claim = Assert.Single(pod.Spec.Volumes, v => v.Name == volume).PersistentVolumeClaim.ClaimName;
        Assert.Contains(In<V1PersistentVolumeClaim>(Base), pvc => pvc.Metadata.Name == claim);
        // The sidecar runs as uid 65532; the volume is handed to its group.
        Assert.Equal(65532, pod.Spec.SecurityContext.FsGroup);
    }

    [Fact]
    public void the_service_account_may_read_exactly_the_secrets_the_components_and_the_operator_key_name()
    {
        var named = In<DaprComponent>(Base).SelectMany(c => c.Spec.Metadata).Select(m => m.SecretKeyRef?.Name).OfType<string>()
            .Append(DaprOperatorKeyProvider.SecretName).Distinct();
        var account = Assert.Single(In<V1ServiceAccount>(Base)).Metadata.Name;
        var role = Assert.Single(In<V1Role>(Base));
        var binding = Assert.Single(In<V1RoleBinding>(Base));

        var rule = Assert.Single(role.Rules);
        Assert.Equal(new[] { "get" }, rule.Verbs);
        Assert.Equal(new[] { "secrets" }, rule.Resources);
        Assert.Equal(named.Order(), rule.ResourceNames.Order());
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        Assert.Equal(("ServiceAccount", account), (Assert.Single(binding.Subjects).Kind, binding.Subjects[0].Name));
        Assert.All(Deployments().Values, d => Assert.Equal(account, d.Spec.Template.Spec.ServiceAccountName));
    }

    [Fact]
    public void every_app_and_the_gateway_exports_otlp_to_the_collectors_service_on_the_port_its_grpc_receiver_listens_on()
    {
        var (collector, service, _) = CollectorParts();
        var grpc = Assert.Single(service.Spec.Ports, p => p.Name == "otlp-grpc");
        var receiver = Map(Map(Map(Map(CollectorConfig()["receivers"])["otlp"])["protocols"])["grpc"]);

        Assert.Equal(collector.Spec.Selector.MatchLabels, service.Spec.Selector);
        Assert.Equal(PortOf(receiver["endpoint"]), Assert.Single(AppContainer(collector).Ports, p => p.Name == grpc.TargetPort.Value).ContainerPort);
        // gRPC is the .NET OTLP exporter's default protocol; the apps add the exporter only when the endpoint is set.
        var endpoint = $"http://{service.Metadata.Name}:{grpc.Port}";
        Assert.All(Deployments(), pair =>
        {
            var set = Assert.Single(AppContainer(pair.Value).Env, e => e.Name == "OTEL_EXPORTER_OTLP_ENDPOINT");
            Assert.Equal(endpoint, set.Value);
        });
    }

    [Fact]
    public void the_collectors_config_parses_and_each_pipeline_names_only_receivers_processors_and_exporters_it_defines()
    {
        var config = CollectorConfig();
        var service = Map(config["service"]);
        var pipelines = Map(service["pipelines"]);

        // Metrics for the dashboard and traces; the apps send no logs over OTLP (Serilog writes them to the console).
        Assert.Equal(["metrics", "traces"], pipelines.Keys.Cast<string>().Order(StringComparer.Ordinal));
        foreach (var (name, pipeline) in pipelines)
        {
            foreach (var section in new[] { "receivers", "processors", "exporters" })
            {
                var defined = Map(config[section]).Keys.Cast<string>().ToHashSet(StringComparer.Ordinal);
                var named = List(Map(pipeline)[section]).Cast<string>().ToList();
                Assert.True(section == "processors" || named.Count > 0, $"pipeline {name} has no {section}");
                Assert.All(named, id => Assert.True(defined.Contains(id), $"pipeline {name} names {section} {id}, which the config does not define"));
            }
        }
        var extensions = Map(config["extensions"]).Keys.Cast<string>().ToHashSet(StringComparer.Ordinal);
        Assert.All(List(service["extensions"]).Cast<string>(), id => Assert.Contains(id, extensions));

        // Metrics become a Prometheus endpoint; traces go to the Zipkin the Dapr sidecars send theirs to.
        Assert.Equal(["prometheus"], List(Map(pipelines["metrics"])["exporters"]));
        Assert.Equal(["zipkin"], List(Map(pipelines["traces"])["exporters"]));
        var zipkin = Assert.Single(In<DaprConfiguration>(Base)).Spec.Tracing?.Zipkin?.EndpointAddress;
        Assert.Equal(zipkin, Map(Map(config["exporters"])["zipkin"])["endpoint"]);
    }

    [Fact]
    public void the_collector_runs_a_pinned_image_on_its_mounted_config_with_probes_and_resources_and_is_scraped_where_it_publishes()
    {
        var (collector, service, map) = CollectorParts();
        var config = CollectorConfig();
        var pod = collector.Spec.Template;
        var container = AppContainer(collector);
        int Port(string name) => Assert.Single(container.Ports, p => p.Name == name).ContainerPort;

        Assert.Matches(@"^otel/opentelemetry-collector-contrib:\d+\.\d+\.\d+$", container.Image);
        var mount = Assert.Single(container.VolumeMounts);
        Assert.Equal(map.Metadata.Name, Assert.Single(pod.Spec.Volumes, v => v.Name == mount.Name).ConfigMap.Name);
        Assert.Equal([$"--config={mount.MountPath}/{Assert.Single(map.Data).Key}"], container.Args);

        // The exporter's port is the container's and the Service's `metrics` port, and the one the scrape annotations name.
        var metrics = PortOf(Map(Map(config["exporters"])["prometheus"])["endpoint"]);
        Assert.Equal(metrics, Port("metrics"));
        Assert.Equal(metrics, Assert.Single(service.Spec.Ports, p => p.TargetPort.Value == "metrics").Port);
        Assert.Equal("true", pod.Metadata.Annotations["prometheus.io/scrape"]);
        Assert.Equal(metrics.ToString(CultureInfo.InvariantCulture), pod.Metadata.Annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", pod.Metadata.Annotations["prometheus.io/path"]);
        Assert.All(service.Spec.Ports, p => Assert.Equal(Port(p.TargetPort.Value), p.Port));

        // Ready and alive by its health_check extension; requests within limits, as the apps.
        var health = PortOf(Map(Map(config["extensions"])["health_check"])["endpoint"]);
        Assert.Equal(health, Port(container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(health, Port(container.LivenessProbe.HttpGet.Port.Value));
        Assert.All(new[] { "cpu", "memory" }, resource =>
            Assert.True(container.Resources.Requests[resource].ToDecimal() <= container.Resources.Limits[resource].ToDecimal(), resource));
        Assert.True(pod.Spec.SecurityContext.RunAsNonRoot);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
    }

    [Fact]
    public void the_example_overlay_generates_every_secret_the_base_names_unhashed_and_with_placeholders_only()
    {
        var overlay = KustomizationOf(Overlay);
        var deployments = Deployments().Values.ToList();
        var named = In<DaprComponent>(Base).SelectMany(c => c.Spec.Metadata).Select(m => m.SecretKeyRef).OfType<DaprSecretKeyRef>()
            .Select(r => (Name: r.Name, Key: r.Key))
            .Append((Name: DaprOperatorKeyProvider.SecretName, Key: DaprOperatorKeyProvider.SecretName))
            .Concat(deployments.SelectMany(d => AppContainer(d).Env).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>().Select(r => (r.Name, r.Key)))
            .Distinct();
        var generated = overlay.SecretGenerator.ToDictionary(
            s => s.Name, s => s.Literals.ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]));

        // Components and annotations name Secrets as written; kustomize would rewrite only the env references.
        Assert.True(overlay.GeneratorOptions?.DisableNameSuffixHash);
        Assert.All(named, secret => Assert.True(generated.TryGetValue(secret.Name, out var keys) && keys.ContainsKey(secret.Key), $"{secret.Name}/{secret.Key}"));
        Assert.All(generated.SelectMany(s => s.Value).Where(l => l.Key is "token" or "operator-key" or "mrs-signing-key" || l.Key.Contains("password", StringComparison.Ordinal) || l.Key.Contains("connection-string", StringComparison.Ordinal)),
            literal => Assert.Contains("CHANGE_ME", literal.Value, StringComparison.Ordinal));
        // No Secret is committed as a manifest: the generator is the only source, and it holds placeholders.
        Assert.Empty(In<V1Secret>("deploy/k8s"));
    }

    [Fact]
    public void the_example_overlay_tags_every_image_and_sets_replicas_only_where_no_autoscaler_owns_them()
    {
        var overlay = KustomizationOf(Overlay);
        var deployments = Deployments();
        var scaled = In<V2HorizontalPodAutoscaler>(Base).Select(h => h.Spec.ScaleTargetRef.Name);

        Assert.False(string.IsNullOrEmpty(overlay.Namespace));
        Assert.Equal(overlay.Namespace, Assert.Single(In<V1Namespace>(Overlay)).Metadata.Name);
        Assert.Equal(deployments.Values.Select(d => AppContainer(d).Image.Split(':')[0]).Order(), overlay.Images.Select(i => i.Name).Order());
        Assert.All(overlay.Images, image => Assert.False(string.IsNullOrEmpty(image.NewTag), image.Name));
        Assert.All(overlay.Replicas, r =>
        {
            Assert.True(deployments.ContainsKey(r.Name), r.Name);
            Assert.DoesNotContain(r.Name, scaled);
        });
        Assert.Contains(overlay.Patches, p => p.Target?.Kind == "HorizontalPodAutoscaler" && p.Patch?.Contains("/spec/minReplicas", StringComparison.Ordinal) == true);
    }
}
