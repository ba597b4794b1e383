using VolumeAwareScheduler.Standalone;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace VolumeAwareScheduler.Tests.Deploy;

/// <summary>
/// scheduler-config/ and deploy/extender/: the fields that decide whether kube-scheduler starts, hands pods to the
/// extender and lets it bind them. kube-scheduler decodes its config strictly, so unknown keys are checked too.
/// deploy/standalone/: probes and the metrics Service on the port `run` listens on by default (its RBAC is checked
/// against recorded API calls in StandaloneRbacTests).
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly string ConfigFile = Path.Combine(AppContext.BaseDirectory, "scheduler-config", "kube-scheduler-config.yaml");
    private static readonly string DeployDir = Path.Combine(AppContext.BaseDirectory, "deploy", "extender");

    // KubeSchedulerConfiguration v1 Extender keys (staging/src/k8s.io/kube-scheduler/config/v1/types.go).
    private static readonly HashSet<string> ExtenderKeys = ["urlPrefix", "filterVerb", "preemptVerb", "prioritizeVerb", "weight", "bindVerb", "enableHTTPS", "tlsConfig", "httpTimeout", "nodeCacheCapable", "managedResources", "ignorable"];

    [Fact]
    public void Scheduler_config_is_a_dedicated_profile_without_VolumeBinding_calling_the_extender()
    {
        var config = Map(LoadAll(ConfigFile).Single());

        Assert.Equal("kubescheduler.config.k8s.io/v1", config["apiVersion"]);
        Assert.Equal("KubeSchedulerConfiguration", config["kind"]);
        var leader = Map(config["leaderElection"]);
        Assert.Equal("leases", leader["resourceLock"]);
        Assert.Equal("volume-aware-scheduler", leader["resourceName"]);

        var profile = Map(List(config["profiles"]).Single());
        Assert.Equal("volume-aware-scheduler", profile["schedulerName"]);
        Assert.Equal("100", profile["percentageOfNodesToScore"]);
        var disabled = List(Map(Map(Map(profile["plugins"])["multiPoint"]))["disabled"]).Select(d => Map(d)["name"]);
        Assert.Contains("VolumeBinding", disabled);

        var extender = Map(List(config["extenders"]).Single());
        Assert.Empty(extender.Keys.Except(ExtenderKeys));
        Assert.Equal("http://127.0.0.1:8888/scheduler", extender["urlPrefix"]);
        Assert.Equal(("filter", "prioritize", "bind"), (extender["filterVerb"], extender["prioritizeVerb"], extender["bindVerb"]));
        Assert.Equal("true", extender["nodeCacheCapable"]);
        Assert.Equal("false", extender["ignorable"]);
        Assert.True(int.Parse((string)extender["weight"]) > 0);
        Assert.Equal("30s", extender["httpTimeout"]);
        Assert.Empty(List(extender["managedResources"]));
    }

    [Fact]
    public void ConfigMap_carries_the_scheduler_config_verbatim()
    {
        var configMap = Map(LoadAll(Path.Combine(DeployDir, "configmap.yaml")).Single());

        var embedded = (string)Map(configMap["data"])["kube-scheduler-config.yaml"];

        Assert.Equal(File.ReadAllText(ConfigFile).ReplaceLineEndings("\n"), embedded.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Deployment_runs_the_kube_scheduler_release_the_extender_mirrors()
    {
        var deployment = Map(LoadAll(Path.Combine(DeployDir, "deployment.yaml")).Single());
        var pod = Map(Map(Map(deployment["spec"])["template"])["spec"]);
        var scheduler = List(pod["containers"]).Select(Map).Single(c => (string)c["name"] == "kube-scheduler");

        // v1.37.1, the newest patch of the reference; the minor release is the one Reasons.cs is pinned to.
        Assert.Equal("registry.k8s.io/kube-scheduler:v1.37.1", scheduler["image"]);
        Assert.StartsWith($"registry.k8s.io/kube-scheduler:{Core.Scheduling.Reasons.KubernetesVersion}.", (string)scheduler["image"], StringComparison.Ordinal);
    }

    [Fact]
    public void Deployment_runs_kube_scheduler_with_the_config_and_the_extender_on_loopback_with_probes()
    {
        var deployment = Map(LoadAll(Path.Combine(DeployDir, "deployment.yaml")).Single());
        var pod = Map(Map(Map(deployment["spec"])["template"])["spec"]);
        var containers = List(pod["containers"]).Select(Map).ToDictionary(c => (string)c["name"]);

        Assert.Equal("volume-aware-scheduler", pod["serviceAccountName"]);
        var scheduler = containers["kube-scheduler"];
        Assert.Contains("--config=/etc/kubernetes/volume-aware-scheduler/kube-scheduler-config.yaml", List(scheduler["command"]));
        var extender = containers["extender"];
        Assert.Equal("serve", List(extender["args"])[0]);
        Assert.Contains("--urls=http://127.0.0.1:8888", List(extender["args"]));
        foreach (var container in containers.Values)
        {
            Assert.True(container.ContainsKey("livenessProbe") && container.ContainsKey("readinessProbe"), $"{container["name"]} needs probes");
        }
        Assert.Equal("/readyz", Map(Map(extender["readinessProbe"])["httpGet"])["path"]);
    }

    [Fact]
    public void Service_and_PodDisruptionBudget_select_the_deployments_pods()
    {
        var labels = Map(Map(Map(Map(Map(LoadAll(Path.Combine(DeployDir, "deployment.yaml")).Single())["spec"])["template"])["metadata"])["labels"]);
        var service = Map(LoadAll(Path.Combine(DeployDir, "service.yaml")).Single());
        var pdb = Map(LoadAll(Path.Combine(DeployDir, "poddisruptionbudget.yaml")).Single());

        Assert.All(Map(Map(service["spec"])["selector"]), p => Assert.Equal(labels[p.Key], p.Value));
        Assert.All(Map(Map(Map(pdb["spec"])["selector"])["matchLabels"]), p => Assert.Equal(labels[p.Key], p.Value));
        Assert.Equal("1", Map(pdb["spec"])["minAvailable"]);
    }

    [Fact]
    public void RBAC_grants_the_extender_its_writes_and_nothing_wildcard()
    {
        var documents = LoadAll(Path.Combine(DeployDir, "rbac.yaml")).Select(Map).ToList();
        var rules = documents.Where(d => (string)d["kind"] is "Role" or "ClusterRole").SelectMany(d => List(d["rules"]).Select(Map)).ToList();

        foreach (var rule in rules)
        {
            Assert.DoesNotContain("*", List(rule["verbs"]));
            Assert.DoesNotContain("*", List(rule["resources"]));
        }
        Assert.True(Allows(rules, "pods/binding", "create"));
        Assert.True(Allows(rules, "persistentvolumeclaims", "patch"));
        Assert.True(Allows(rules, "persistentvolumes", "patch"));
        Assert.True(Allows(rules, "csistoragecapacities", "watch"));
        Assert.False(Allows(rules, "persistentvolumes", "delete"));
        Assert.False(Allows(rules, "pods", "delete"));
        var leaseUpdate = rules.Single(r => List(r["resources"]).Contains("leases") && List(r["verbs"]).Contains("update"));
        Assert.Equal(["volume-aware-scheduler"], List(leaseUpdate["resourceNames"]));
        Assert.All(documents.Where(d => d.ContainsKey("subjects")), binding =>
            Assert.All(List(binding["subjects"]).Select(Map), s => Assert.Equal("volume-aware-scheduler", s["name"])));
    }

    private static readonly string StandaloneDir = Path.Combine(AppContext.BaseDirectory, "deploy", "standalone");

    private static Dictionary<string, object> StandaloneDocument(string file, string kind) =>
        LoadAll(Path.Combine(StandaloneDir, file)).Select(Map).Single(d => (string)d["kind"] == kind);

    private static Dictionary<string, object> StandalonePodTemplate() =>
        Map(Map(StandaloneDocument("deployment.yaml", "Deployment")["spec"])["template"]);

    [Fact]
    public void Standalone_deployment_listens_and_probes_on_the_apps_default_metrics_address()
    {
        var container = Map(List(Map(StandalonePodTemplate()["spec"])["containers"]).Single());
        var args = List(container["args"]).Cast<string>().ToList();
        var defaultPort = StandaloneOps.DefaultAddress.Split(':')[^1];

        Assert.Equal("run", args[0]);
        Assert.Equal(StandaloneOps.DefaultAddress, args[args.IndexOf("--metrics-address") + 1]);
        var port = Map(List(container["ports"]).Single());
        Assert.Equal(("metrics", defaultPort), ((string)port["name"], (string)port["containerPort"]));
        var liveness = Map(Map(container["livenessProbe"])["httpGet"]);
        var readiness = Map(Map(container["readinessProbe"])["httpGet"]);
        Assert.Equal(("/healthz", "metrics"), ((string)liveness["path"], (string)liveness["port"]));
        Assert.Equal(("/readyz", "metrics"), ((string)readiness["path"], (string)readiness["port"]));
    }

    [Fact]
    public void Standalone_metrics_Service_and_PodDisruptionBudget_select_the_deployments_pods()
    {
        var labels = Map(Map(StandalonePodTemplate()["metadata"])["labels"]);
        var service = StandaloneDocument("service.yaml", "Service");
        var pdb = StandaloneDocument("deployment.yaml", "PodDisruptionBudget");

        Assert.Equal("ClusterIP", Map(service["spec"])["type"]);
        Assert.NotEmpty(Map(Map(service["spec"])["selector"]));
        Assert.All(Map(Map(service["spec"])["selector"]), p => Assert.Equal(labels[p.Key], p.Value));
        var port = Map(List(Map(service["spec"])["ports"]).Single());
        Assert.Equal(("metrics", "metrics"), ((string)port["name"], (string)port["targetPort"]));
        Assert.All(Map(Map(Map(pdb["spec"])["selector"])["matchLabels"]), p => Assert.Equal(labels[p.Key], p.Value));
        Assert.Equal("1", Map(pdb["spec"])["minAvailable"]);
        Assert.Equal("kube-system", Map(service["metadata"])["namespace"]);
    }

    [Fact]
    public void Standalone_kustomization_applies_every_manifest_but_the_example_workload()
    {
        var kustomization = Map(LoadAll(Path.Combine(StandaloneDir, "kustomization.yaml")).Single());
        var manifests = Directory.GetFiles(StandaloneDir, "*.yaml").Select(Path.GetFileName)
            .Where(f => f is not ("kustomization.yaml" or "example-workload.yaml")).Order(StringComparer.Ordinal);

        Assert.Equal(manifests, List(kustomization["resources"]).Cast<string>().Order(StringComparer.Ordinal));
    }

    private static bool Allows(List<Dictionary<string, object>> rules, string resource, string verb) =>
        rules.Any(r => List(r["resources"]).Contains(resource) && List(r["verbs"]).Contains(verb));

    private static List<object> LoadAll(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(File.ReadAllText(path)));
        parser.Consume<StreamStart>();
        var documents = new List<object>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize(parser) is { } document) documents.Add(document);
        }
        return documents;
    }

    private static Dictionary<string, object> Map(object node) => node as Dictionary<string, object>
        ?? ((Dictionary<object, object>)node).ToDictionary(p => (string)p.Key, p => p.Value ?? "");

    private static List<object> List(object node) => node as List<object> ?? [];
}
