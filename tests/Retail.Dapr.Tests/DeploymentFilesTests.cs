using Retail.Shared.Dapr;
using Retail.Shared.Hosting;
using static Retail.Dapr.Tests.RepositoryFiles;

namespace Retail.Dapr.Tests;

public sealed class DeploymentFilesTests
{
    private static readonly string[] AppIds = ["uas", "usm", "ofm", "mrs", "workflows"];

    // A Configuration applies to the sidecars that load it and has no scopes; components and resiliency do.
    public static TheoryData<string> ComponentFiles() =>
        [.. Directory.GetFiles(PathOf("components"), "*.yaml")
            .Select(file => Path.GetFileName(file))
            .Where(file => (string)Yaml(Path.Combine("components", file))["kind"] != "Configuration")
            .Order()];

    private static Dictionary<string, object> MetadataOf(Dictionary<object, object> component) =>
        List(Map(component["spec"])["metadata"]).Select(Map)
            .ToDictionary(item => (string)item["name"], item => item.TryGetValue("value", out var value) ? value : item["secretKeyRef"]);

    [Theory]
    [MemberData(nameof(ComponentFiles))]
    public void every_component_is_scoped_to_known_app_ids(string file)
    {
        var document = Yaml(Path.Combine("components", file));

        var scopes = List(document["scopes"]).Cast<string>().ToList();
        Assert.NotEmpty(scopes);
        Assert.All(scopes, scope => Assert.Contains(scope, AppIds));
    }

    [Fact]
    public void the_component_names_are_the_ones_the_adapters_use()
    {
        var options = new RetailOptions();
        var names = Directory.GetFiles(PathOf("components"), "*.yaml").Select(f => Yaml(Path.GetRelativePath(Root, f)))
            .Where(d => (string)d["kind"] == "Component")
            .ToDictionary(d => (string)Map(d["metadata"])["name"], d => (string)Map(d["spec"])["type"]);

        Assert.Equal("state.postgresql", names[options.StateStoreName]);
        Assert.Equal("pubsub.redis", names[options.PubSubName]);
        Assert.Equal("secretstores.local.file", names[options.SecretStoreName]);
        Assert.Equal("bindings.http", names[options.WebhookBindingName]);
        Assert.Equal("bindings.smtp", names[options.MailBindingName]);
    }

    [Fact]
    public void the_state_store_publishes_committed_changes_to_cdc_through_its_outbox()
    {
        var store = Yaml("components/statestore.yaml");
        var metadata = MetadataOf(store);

        Assert.Equal("v1", Map(store["spec"])["version"]);
        Assert.Equal("true", metadata["actorStateStore"]);
        Assert.Equal("pubsub", metadata["outboxPublishPubsub"]);
        Assert.Equal("cdc", metadata["outboxPublishTopic"]);
        Assert.Equal("pubsub", metadata["outboxPubsub"]);
        Assert.Equal("false", metadata["outboxDiscardWhenMissingState"]);
        Assert.Equal("postgres-connection-string", Map(metadata["connectionString"])["name"]);
        Assert.Equal("secretstore", Map(store["auth"])["secretStore"]);
    }

    [Fact]
    public void every_secret_a_component_names_has_a_placeholder_and_the_real_file_stays_out_of_git()
    {
        var referenced = Directory.GetFiles(PathOf("components"), "*.yaml")
            .Select(f => Yaml(Path.GetRelativePath(Root, f)))
            .Where(d => (string)d["kind"] == "Component")
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
    public void multi_app_run_starts_uas_and_workflows_in_dapr_mode_with_the_shared_components()
    {
        var run = Yaml("dapr.yaml");
        var common = Map(run["common"]);
        var apps = List(run["apps"]).Select(Map).ToDictionary(app => (string)app["appID"]);

        Assert.Equal("./components", common["resourcesPath"]);
        Assert.Equal("./components/config.yaml", common["configFilePath"]);
        Assert.Equal(("./services/Retail.Uas", "5101"), ((string)apps["uas"]["appDirPath"], (string)apps["uas"]["appPort"]));
        Assert.Equal(("./services/Retail.Usm", "5102"), ((string)apps["usm"]["appDirPath"], (string)apps["usm"]["appPort"]));
        Assert.Equal(("./workflows/Retail.Workflows.App", "5199"),
            ((string)apps["workflows"]["appDirPath"], (string)apps["workflows"]["appPort"]));
        Assert.All(apps.Values, app => Assert.Equal("Dapr", Map(app["env"])["Retail__Mode"]));
    }

    [Fact]
    public void compose_pairs_each_app_with_a_sidecar_in_its_network_namespace()
    {
        var services = Map(Yaml("tye-or-compose/docker-compose.yml")["services"]);

        foreach (var (app, port) in new[] { ("uas", "5101"), ("usm", "5102"), ("workflows", "5199") })
        {
            var sidecar = Map(services[app + "-dapr"]);
            var args = List(sidecar["command"]).Cast<string>().ToList();
            Assert.Equal($"service:{app}", sidecar["network_mode"]);
            Assert.Equal(app, args[args.IndexOf("-app-id") + 1]);
            Assert.Equal(port, args[args.IndexOf("-app-port") + 1]);
            Assert.Equal("/components", args[args.IndexOf("-resources-path") + 1]);
            Assert.Equal("/components/config.yaml", args[args.IndexOf("-config") + 1]);
            Assert.Equal("placement:50005", args[args.IndexOf("-placement-host-address") + 1]);
            Assert.Equal("scheduler:50006", args[args.IndexOf("-scheduler-host-address") + 1]);
        }
        Assert.All(new[] { "postgres", "redis", "zipkin", "placement", "scheduler" }, name => Assert.True(services.ContainsKey(name), name));
    }
}
