using System.Globalization;
using Retail.Shared.Dapr;
using Retail.Shared.Hosting;
using static Retail.Dapr.Tests.RepositoryFiles;

namespace Retail.Dapr.Tests;

public sealed class DeploymentFilesTests
{
    private static IReadOnlyList<string> AppIds => HostModuleList.AppIds;

    /// <summary>The apps of the Dapr mode: the host's modules and the gateway in front of them.</summary>
    private static IReadOnlyList<string> DaprApps => [.. AppIds, "gateway"];

    // Components every app needs; bindings (mail, webhooks, blobs) are scoped to the apps that use them.
    private static readonly string[] EveryAppComponents = ["statestore.yaml", "recordstore.yaml", "pubsub.yaml", "secretstore.yaml", "resiliency.yaml"];

    // A Configuration applies to the sidecars that load it and has no scopes; components and resiliency do.
    public static TheoryData<string> ComponentFiles() =>
        [.. Directory.GetFiles(PathOf("components"), "*.yaml")
            .Select(file => Path.GetFileName(file))
            .Where(file => (string)Yaml(Path.Combine("components", file))["kind"] != "Configuration")
            .Order()];

    private static Dictionary<string, object> MetadataOf(Dictionary<object, object> component) =>
        List(Map(component["spec"])["metadata"]).Select(Map)
            .ToDictionary(item => (string)item["name"], item => item.TryGetValue("value", out var value) ? value : item["secretKeyRef"]);

    private static Dictionary<string, Dictionary<object, object>> Components() =>
        Directory.GetFiles(PathOf("components"), "*.yaml").Select(f => Yaml(Path.GetRelativePath(Root, f)))
            .Where(d => (string)d["kind"] == "Component")
            .ToDictionary(d => (string)Map(d["metadata"])["name"]);

    private static List<string> Args(object? command) => [.. List(command).Cast<string>()];

    private static string ArgAfter(List<string> args, string flag) => args[args.IndexOf(flag) + 1];

    private static TimeSpan Duration(object value)
    {
        var text = (string)value;
        var number = double.Parse(text[..^1], CultureInfo.InvariantCulture);
        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(number),
            'm' => TimeSpan.FromMinutes(number),
            'h' => TimeSpan.FromHours(number),
            _ => throw new FormatException("unknown duration " + text),
        };
    }

    [Fact]
    public void the_module_list_is_read_from_the_host()
    {
        Assert.Contains("uas", AppIds);
        Assert.Contains("workflows", AppIds);
        Assert.Equal(AppIds.Count, AppIds.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(ComponentFiles))]
    public void every_component_is_scoped_to_apps_of_the_host_module_list_and_the_shared_ones_to_all_of_them(string file)
    {
        var document = Yaml(Path.Combine("components", file));

        var scopes = List(document["scopes"]).Cast<string>().ToList();
        Assert.NotEmpty(scopes);
        Assert.All(scopes, scope => Assert.Contains(scope, AppIds));
        if (EveryAppComponents.Contains(file))
        {
            Assert.Equal(AppIds.Order(), scopes.Order());
        }
    }

    [Fact]
    public void the_component_names_are_the_ones_the_adapters_use()
    {
        var options = new RetailOptions();
        var types = Components().ToDictionary(pair => pair.Key, pair => (string)Map(pair.Value["spec"])["type"]);

        Assert.Equal("state.postgresql", types[options.StateStoreName]);
        Assert.Equal("state.postgresql", types[new DaprAdapterOptions().RecordStateStoreName]);
        Assert.Equal("pubsub.redis", types[options.PubSubName]);
        Assert.Equal("secretstores.local.file", types[options.SecretStoreName]);
        Assert.Equal("bindings.http", types[options.WebhookBindingName]);
        Assert.Equal("bindings.smtp", types[options.MailBindingName]);
    }

    [Fact]
    public void only_the_record_store_has_the_outbox_and_it_discards_messages_of_transactions_that_did_not_commit()
    {
        var components = Components();
        var records = components[new DaprAdapterOptions().RecordStateStoreName];
        var plain = components[new RetailOptions().StateStoreName];
        var outbox = MetadataOf(records);
        var other = MetadataOf(plain);

        Assert.Equal("v1", Map(records["spec"])["version"]);
        Assert.Equal("pubsub", outbox["outboxPublishPubsub"]);
        Assert.Equal("cdc", outbox["outboxPublishTopic"]);
        Assert.Equal("pubsub", outbox["outboxPubsub"]);
        // "false" turns every ETag conflict (the outbox publishes before the transaction fails) into a poison message.
        Assert.Equal("true", outbox["outboxDiscardWhenMissingState"]);
        Assert.DoesNotContain(other.Keys, key => key.StartsWith("outbox", StringComparison.Ordinal));
        // The same rows through both: a record read through statestore is the one recordstore wrote.
        Assert.Equal(other["tableName"], outbox["tableName"]);
        Assert.Equal("true", other["actorStateStore"]);
        Assert.False(outbox.ContainsKey("actorStateStore"));
        foreach (var metadata in new[] { outbox, other })
        {
            Assert.Equal("postgres-connection-string", Map(metadata["connectionString"])["name"]);
            Assert.False(metadata.ContainsKey("timeoutInSeconds"), "deprecated: use timeout");
            Assert.False(metadata.ContainsKey("cleanupIntervalInSeconds"), "deprecated: use cleanupInterval");
            Assert.True(metadata.ContainsKey("timeout"));
            Assert.True(metadata.ContainsKey("cleanupInterval"));
        }
    }

    [Fact]
    public void every_secret_a_component_names_has_a_placeholder_and_the_real_file_stays_out_of_git()
    {
        var referenced = Components().Values
            .SelectMany(d => MetadataOf(d).Values.OfType<Dictionary<object, object>>())
            .Select(reference => (string)reference["name"])
            .Append(DaprOperatorKeyProvider.SecretName)
            .Distinct();
        var examples = new[] { Json("components/secrets.example.json"), Json("tye-or-compose/secrets.example.json") };

        Assert.All(referenced, name => Assert.All(examples, example => Assert.True(example.ContainsKey(name), name)));
        var ignored = File.ReadAllLines(PathOf(".gitignore"));
        Assert.Contains("components/secrets.json", ignored);
        Assert.Contains("tye-or-compose/secrets.json", ignored);
    }

    [Fact]
    public void multi_app_run_starts_exactly_the_host_modules_prebuilt_in_dapr_mode_with_the_shared_components()
    {
        var run = Yaml("dapr.yaml");
        var common = Map(run["common"]);
        var apps = List(run["apps"]).Select(Map).ToDictionary(app => (string)app["appID"]);

        Assert.Equal(DaprApps.Order(), apps.Keys.Order());
        Assert.Equal("./components", common["resourcesPath"]);
        Assert.Equal("./components/config.yaml", common["configFilePath"]);
        Assert.All(apps.Values, app =>
        {
            Assert.Equal("Dapr", Map(app["env"])["Retail__Mode"]);
            // Concurrent `dotnet run` builds of the shared projects collide in their obj/ folders.
            Assert.Equal(["dotnet", "run", "--no-build"], Args(app["command"]));
            Assert.NotEmpty(Directory.GetFiles(PathOf((string)app["appDirPath"]), "*.csproj"));
        });
        Assert.Equal(apps.Count, apps.Values.Select(app => (string)app["appPort"]).Distinct().Count());
    }

    [Fact]
    public void the_secrets_file_resolves_from_every_sidecars_working_directory()
    {
        var secretsFile = (string)MetadataOf(Components()[new RetailOptions().SecretStoreName])["secretsFile"];
        var expected = PathOf("components/secrets.json");

        // The CLI starts each daprd in its app's appDirPath.
        foreach (var app in List(Yaml("dapr.yaml")["apps"]).Select(Map))
        {
            Assert.Equal(expected, Path.GetFullPath(Path.Combine(PathOf((string)app["appDirPath"]), secretsFile)));
        }

        var services = Map(Yaml("tye-or-compose/docker-compose.yml")["services"]);
        foreach (var appId in AppIds)
        {
            var sidecar = Map(services[appId + "-dapr"]);
            var workingDir = (string)sidecar["working_dir"];
            var resolved = Path.GetFullPath(Path.Combine(workingDir, secretsFile)).Replace('\\', '/');
            var mount = List(sidecar["volumes"]).OfType<Dictionary<object, object>>()
                .Single(volume => (string)volume["source"] == "./secrets.json");
            Assert.Equal(resolved, (string)mount["target"]);
            // Not inside the read-only /components bind, where a missing host file breaks the mount of everything.
            Assert.False(resolved.StartsWith("/components/", StringComparison.Ordinal), resolved);
        }
    }

    [Fact]
    public void compose_pairs_exactly_the_host_modules_with_a_sidecar_in_their_network_namespace()
    {
        var services = Map(Yaml("tye-or-compose/docker-compose.yml")["services"]);
        var ports = List(Yaml("dapr.yaml")["apps"]).Select(Map).ToDictionary(app => (string)app["appID"], app => (string)app["appPort"]);

        Assert.Equal(DaprApps.Order(), services.Keys.Cast<string>().Where(name => name.EndsWith("-dapr", StringComparison.Ordinal))
            .Select(name => name[..^"-dapr".Length]).Order());
        foreach (var app in DaprApps)
        {
            Assert.True(services.ContainsKey(app), app);
            var sidecar = Map(services[app + "-dapr"]);
            var args = Args(sidecar["command"]);
            Assert.Equal($"service:{app}", sidecar["network_mode"]);
            Assert.Equal(app, ArgAfter(args, "--app-id"));
            Assert.Equal(ports[app], ArgAfter(args, "--app-port"));
            Assert.Equal("/components", ArgAfter(args, "--resources-path"));
            Assert.Equal("placement:50005", ArgAfter(args, "--placement-host-address"));
            Assert.Equal("scheduler:50006", ArgAfter(args, "--scheduler-host-address"));
        }
        Assert.All(new[] { "postgres", "redis", "zipkin", "placement", "scheduler" }, name => Assert.True(services.ContainsKey(name), name));
    }

    [Fact]
    public void every_dapr_binary_in_compose_gets_double_dash_flags_which_pflag_parses()
    {
        var services = Map(Yaml("tye-or-compose/docker-compose.yml")["services"]);

        var commands = services.Where(pair => ((string)pair.Key) is "placement" or "scheduler" || ((string)pair.Key).EndsWith("-dapr", StringComparison.Ordinal))
            .Select(pair => Args(Map(pair.Value)["command"])).ToList();

        Assert.Equal(DaprApps.Count + 2, commands.Count);
        // pflag reads "-port" as the shorthands p, o, r, t; only daprd and placement rewrite single dashes themselves.
        Assert.All(commands.SelectMany(args => args.Skip(1)).Where(arg => arg.StartsWith('-')),
            flag => Assert.StartsWith("--", flag));
        var scheduler = Args(Map(services["scheduler"])["command"]);
        Assert.Equal("50006", ArgAfter(scheduler, "--port"));
        Assert.Equal("/data", ArgAfter(scheduler, "--etcd-data-dir"));
    }

    [Fact]
    public void compose_waits_for_healthy_postgres_and_redis_and_hands_the_dapr_volumes_to_uid_65532()
    {
        var document = Yaml("tye-or-compose/docker-compose.yml");
        var services = Map(document["services"]);

        Assert.True(Map(services["postgres"]).ContainsKey("healthcheck"));
        Assert.True(Map(services["redis"]).ContainsKey("healthcheck"));
        foreach (var name in AppIds.SelectMany(app => new[] { app, app + "-dapr" }))
        {
            var dependsOn = Map(Map(services[name])["depends_on"]);
            Assert.Equal("service_healthy", Map(dependsOn["postgres"])["condition"]);
            Assert.Equal("service_healthy", Map(dependsOn["redis"])["condition"]);
        }

        // Every named volume a Dapr image writes to is chowned to its user first, and its writer waits for that.
        var owner = Map(services["volume-owner"]);
        var chown = Args(owner["command"]);
        Assert.Equal(["chown", "-R", "65532:65532"], chown.Take(3));
        var owned = List(owner["volumes"]).Cast<string>().ToDictionary(v => v.Split(':')[0], v => v.Split(':')[1]);
        foreach (var (service, volume) in new[] { ("scheduler", "scheduler-data"), ("mrs-dapr", "blob-data") })
        {
            Assert.Contains(owned[volume], chown);
            var mounts = List(Map(services[service])["volumes"]).OfType<string>();
            Assert.Contains(mounts, mount => mount.StartsWith(volume + ":", StringComparison.Ordinal));
            Assert.Equal("service_completed_successfully", Map(Map(Map(services[service])["depends_on"])["volume-owner"])["condition"]);
        }
        // The blob binding's relative rootPath lands on the owned volume.
        var rootPath = (string)MetadataOf(Components()["blobstore"])["rootPath"];
        var blobs = List(Map(services["mrs-dapr"])["volumes"]).OfType<string>().Single(m => m.StartsWith("blob-data:", StringComparison.Ordinal));
        Assert.Equal(Path.GetFullPath(Path.Combine((string)Map(services["mrs-dapr"])["working_dir"], rootPath)), blobs.Split(':')[1]);
    }

    [Fact]
    public void compose_pins_a_published_dapr_runtime_of_at_least_1_17_and_the_readme_names_it()
    {
        var services = Map(Yaml("tye-or-compose/docker-compose.yml")["services"]);
        var images = services.Values.Select(Map).Where(s => s.TryGetValue("image", out var image) && ((string)image).StartsWith("daprio/", StringComparison.Ordinal))
            .Select(s => (string)s["image"]).ToList();

        Assert.Equal(DaprApps.Count + 2, images.Count);
        var pinned = Assert.Single(images.Select(image => image[(image.IndexOf(":-", StringComparison.Ordinal) + 2)..^1]).Distinct());
        Assert.Equal(DaprRuntime.Pinned, pinned);
        Assert.True(Version.Parse(pinned) >= Version.Parse(DaprRuntime.MinimumForWorkflowListing));
        Assert.Contains($"Dapr runtime {pinned}", File.ReadAllText(PathOf("README.md")), StringComparison.Ordinal);
        Assert.Contains(pinned, File.ReadAllText(PathOf("components/README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void the_sidecar_retries_no_invocation_and_its_app_targets_are_the_host_modules()
    {
        var spec = Map(Yaml("components/resiliency.yaml")["spec"]);
        var apps = Map(Map(spec["targets"])["apps"]);

        Assert.Equal(AppIds.Order(), apps.Keys.Cast<string>().Order());
        // The sidecar cannot tell an idempotent POST from one that is not; the app's invoker retries only the former.
        Assert.All(apps.Values.Select(Map), target => Assert.False(target.ContainsKey("retry")));
    }

    [Fact]
    public void inbound_pubsub_retries_end_before_the_broker_redelivers_the_message()
    {
        var policies = Map(Map(Yaml("components/resiliency.yaml")["spec"])["policies"]);
        var inbound = Map(Map(Map(Map(Map(Yaml("components/resiliency.yaml")["spec"])["targets"])["components"])["pubsub"])["inbound"]);
        var timeout = Duration(Map(policies["timeouts"])[(string)inbound["timeout"]]);
        var retry = Map(Map(policies["retries"])[(string)inbound["retry"]]);
        var retries = int.Parse((string)retry["maxRetries"], CultureInfo.InvariantCulture);
        var pause = Duration(retry.TryGetValue("maxInterval", out var max) ? max : retry["duration"]);
        var processingTimeout = Duration(MetadataOf(Components()["pubsub"])["processingTimeout"]);

        var worstCase = (timeout * (retries + 1)) + (pause * retries);

        Assert.True(worstCase < processingTimeout, $"{worstCase} of retries is not under processingTimeout {processingTimeout}");
    }
}
