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
        Assert.True(Allows(rules, "persistentvolumeclaims", "update"));
        Assert.True(Allows(rules, "persistentvolumes", "update"));
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

    private static readonly string ImageDir = Path.Combine(AppContext.BaseDirectory, "image");

    /// <summary>The image the project publishes: ContainerRegistry/ContainerRepository:ContainerImageTag of the app's project file.</summary>
    private static string PublishedImage()
    {
        var project = System.Xml.Linq.XDocument.Load(Path.Combine(ImageDir, "VolumeAwareScheduler.csproj"));
        string Property(string name) => project.Descendants(name).Single().Value;
        var tag = Property("ContainerImageTag") == "$(Version)" ? Property("Version") : Property("ContainerImageTag");
        return $"{Property("ContainerRegistry")}/{Property("ContainerRepository")}:{tag}";
    }

    /// <summary>Every workload in deploy/: (file, name, pod template spec).</summary>
    private static IEnumerable<(string File, string Name, Dictionary<string, object> Pod)> Workloads() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "deploy"), "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .SelectMany(file => LoadAll(file).Select(Map)
                .Where(d => (string)d["kind"] is "Deployment" or "StatefulSet" or "DaemonSet" or "Job")
                .Select(d => (Path.GetRelativePath(AppContext.BaseDirectory, file), (string)Map(d["metadata"])["name"], Map(Map(Map(d["spec"])["template"])["spec"]))));

    private static IEnumerable<Dictionary<string, object>> Containers(Dictionary<string, object> pod) =>
        List(pod.GetValueOrDefault("initContainers", "")).Concat(List(pod["containers"])).Select(Map);

    private static bool IsOurs(Dictionary<string, object> container) =>
        ((string)container["image"]).Contains("volume-aware-scheduler", StringComparison.Ordinal);

    [Fact]
    public void Deploy_references_one_image_of_ours_the_one_the_project_publishes()
    {
        var ours = Workloads().SelectMany(w => Containers(w.Pod)).Where(IsOurs).Select(c => (string)c["image"]).ToList();

        Assert.Equal(2, ours.Count); // the extender sidecar and the standalone scheduler
        Assert.Equal([PublishedImage()], ours.Distinct());
        Assert.Equal("ghcr.io/volume-aware-scheduler/volume-aware-scheduler:0.1.0", PublishedImage());
    }

    [Fact]
    public void Every_container_runs_non_root_with_RuntimeDefault_seccomp_no_privilege_escalation_and_no_capabilities()
    {
        foreach (var (file, name, pod) in Workloads())
        {
            var podContext = Map(pod.GetValueOrDefault("securityContext", ""));
            foreach (var container in Containers(pod))
            {
                var where = $"{file} {name}/{container["name"]}";
                var context = Map(container.GetValueOrDefault("securityContext", ""));
                string? Effective(string key) => (context.GetValueOrDefault(key) ?? podContext.GetValueOrDefault(key)) as string;
                Assert.True(Effective("runAsNonRoot") == "true", $"{where}: runAsNonRoot");
                Assert.True(int.TryParse(Effective("runAsUser"), out var user) && user > 0, $"{where}: a numeric non-root runAsUser");
                var seccomp = context.TryGetValue("seccompProfile", out var own) ? own : podContext.GetValueOrDefault("seccompProfile", "");
                Assert.True((string?)Map(seccomp).GetValueOrDefault("type") == "RuntimeDefault", $"{where}: seccompProfile RuntimeDefault");
                Assert.True((string?)context.GetValueOrDefault("allowPrivilegeEscalation") == "false", $"{where}: allowPrivilegeEscalation false");
                Assert.True(List(Map(context.GetValueOrDefault("capabilities", "")).GetValueOrDefault("drop", "")).Contains("ALL"), $"{where}: drop ALL capabilities");
            }
        }
    }

    [Fact]
    public void Our_containers_and_kube_scheduler_have_a_read_only_root_filesystem_and_ours_write_only_to_an_emptyDir_tmp()
    {
        var checkedContainers = 0;
        foreach (var (file, name, pod) in Workloads().Where(w => Containers(w.Pod).Any(IsOurs)))
        {
            var emptyDirs = List(pod.GetValueOrDefault("volumes", "")).Select(Map).Where(v => v.ContainsKey("emptyDir")).Select(v => (string)v["name"]).ToHashSet();
            foreach (var container in Containers(pod))
            {
                var where = $"{file} {name}/{container["name"]}";
                Assert.True((string?)Map(container.GetValueOrDefault("securityContext", "")).GetValueOrDefault("readOnlyRootFilesystem") == "true", $"{where}: readOnlyRootFilesystem");
                checkedContainers++;
                if (IsOurs(container))
                {
                    var tmp = List(container.GetValueOrDefault("volumeMounts", "")).Select(Map).SingleOrDefault(m => (string)m["mountPath"] == "/tmp");
                    Assert.True(tmp is not null && emptyDirs.Contains((string)tmp["name"]), $"{where}: /tmp from an emptyDir");
                    Assert.Equal("65532", Map(pod["securityContext"])["runAsUser"]);
                }
            }
        }

        Assert.Equal(3, checkedContainers); // kube-scheduler, the extender, the standalone scheduler
    }

    [Fact]
    public void The_Dockerfile_publishes_the_app_and_runs_it_as_the_manifests_user_with_diagnostics_off()
    {
        var lines = File.ReadAllLines(Path.Combine(ImageDir, "Dockerfile")).Select(l => l.Trim()).ToList();

        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish src/VolumeAwareScheduler/VolumeAwareScheduler.csproj -c Release", StringComparison.Ordinal));
        Assert.Contains("USER 65532:65532", lines);
        Assert.Contains(lines, l => l.Contains("DOTNET_EnableDiagnostics=0", StringComparison.Ordinal) && l.StartsWith("ENV ", StringComparison.Ordinal));
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/VolumeAwareScheduler.dll\"]", lines);
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:10.0", stages[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", stages[1], StringComparison.Ordinal);
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
        ?? (node as Dictionary<object, object>)?.ToDictionary(p => (string)p.Key, p => p.Value ?? "")
        ?? [];

    private static List<object> List(object node) => node as List<object> ?? [];
}
