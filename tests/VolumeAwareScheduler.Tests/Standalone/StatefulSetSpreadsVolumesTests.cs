using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Simulation;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// A StatefulSet (the object, its replicas and claims made by the StatefulSet controller) whose replicas are spread by
/// a rule gets a local PV where the rule puts each replica, though one node or zone has the best-fitting PVs for all of
/// them: with a zone topology spread constraint one PV in every zone, with required anti-affinity on hostname one PV
/// per node. Through `simulate` and through `run` against the emulator (replicas created together, podManagementPolicy:
/// Parallel, so each cycle sees the replicas assumed before it).
/// </summary>
public sealed class StatefulSetSpreadsVolumesTests
{
    private const string ZoneSpread = """
              topologySpreadConstraints:
              - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: db}}}
        """;

    private const string HostnameAntiAffinity = """
              affinity:
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                  - {labelSelector: {matchLabels: {app: db}}, topologyKey: kubernetes.io/hostname}
        """;

    /// <summary>Rule, the nodes with their zones, the topology label the replicas must differ in.</summary>
    public static TheoryData<string> Rules() => ["zone spread", "hostname anti-affinity"];

    private static (string Yaml, string Key) Cluster(string rule)
    {
        // The first node has three PVs of exactly the claims' size; every other node one larger PV.
        var (nodes, key, template) = rule == "zone spread"
            ? (new[] { ("node-a1", "zone-a"), ("node-a2", "zone-a"), ("node-b1", "zone-b"), ("node-c1", "zone-c") }, "topology.kubernetes.io/zone", ZoneSpread)
            : (new[] { ("node-1", "zone-a"), ("node-2", "zone-a"), ("node-3", "zone-a") }, "kubernetes.io/hostname", HostnameAntiAffinity);
        var docs = new List<string>
        {
            """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: local}
            provisioner: kubernetes.io/no-provisioner
            volumeBindingMode: WaitForFirstConsumer
            """,
        };
        for (var n = 0; n < nodes.Length; n++)
        {
            var (node, zone) = nodes[n];
            docs.Add($"apiVersion: v1\nkind: Node\nmetadata:\n  name: {node}\n  labels: {{kubernetes.io/hostname: {node}, topology.kubernetes.io/zone: {zone}}}\nstatus:\n  allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\"}}");
            var sizes = n == 0 ? new[] { "10Gi", "10Gi", "10Gi" } : [$"{50 * n}Gi"];
            for (var v = 0; v < sizes.Length; v++)
            {
                docs.Add($"apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: pv-{node}-{v}}}\nspec:\n  capacity: {{storage: {sizes[v]}}}\n  accessModes: [ReadWriteOnce]\n  storageClassName: local\n  local: {{path: /mnt/{v}}}\n  nodeAffinity: {{required: {{nodeSelectorTerms: [{{matchExpressions: [{{key: kubernetes.io/hostname, operator: In, values: [{node}]}}]}}]}}}}");
            }
        }
        docs.Add($$$"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: default}
            spec:
              serviceName: db
              replicas: 3
              podManagementPolicy: Parallel
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  schedulerName: volume-aware-scheduler
                  containers: [{name: db, image: registry.example/db:1}]
            {{{template.TrimEnd()}}}
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  storageClassName: local
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 10Gi}}
            """);
        return (string.Join("\n---\n", docs) + "\n", key);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Simulate_gives_each_replica_a_PV_where_the_rule_puts_it(string rule)
    {
        var (yaml, key) = Cluster(rule);
        var objects = ManifestReader.Read(yaml, "cluster.yaml");
        var simulator = new Simulator();

        var pods = simulator.Run(objects, "cluster.yaml").Pods;

        Assert.Equal(["default/db-0", "default/db-1", "default/db-2"], pods.Select(p => p.Pod));
        AssertSpread(pods.Select(p => (p.Node!, Assert.Single(p.Bindings).Volume)).ToList(), key, NodeLabels(objects));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Run_gives_each_replica_a_PV_where_the_rule_puts_it(string rule)
    {
        var (yaml, key) = Cluster(rule);
        var objects = ManifestReader.Read(yaml, "cluster.yaml");
        var set = objects.Single(o => o.Model is V1StatefulSet);
        await using var cluster = await StandaloneTestCluster.StartAsync(StandaloneTestCluster.EventsOnly, async client =>
        {
            foreach (var manifest in objects.Where(o => o != set)) await ManifestApplier.CreateAsync(client, manifest, default);
        });
        var volumes = objects.Count(o => o.Model is V1PersistentVolume);
        Assert.True(await cluster.Runner.Cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Count) == volumes, StandaloneTestCluster.Patience, TimeProvider.System, default));

        await ManifestApplier.CreateAsync(cluster.Client, set, default);

        var bound = new List<(string Node, string Volume)>();
        using var timeout = new CancellationTokenSource(StandaloneTestCluster.Patience);
        await foreach (var progress in cluster.Runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
        {
            Assert.False(progress is PodUnschedulable u && !u.Message.Contains("not found", StringComparison.Ordinal), $"{progress.Pod}: {(progress as PodUnschedulable)?.Message}");
            if (progress is PodBound b) bound.Add((b.Node, Assert.Single(b.Volumes.StaticBindings).Volume.Name));
            if (bound.Count == 3) break;
        }
        AssertSpread(bound, key, NodeLabels(objects));
    }

    /// <summary>Each replica on a different value of <paramref name="key"/>, on a PV of its own node, no PV twice.</summary>
    private static void AssertSpread(IReadOnlyList<(string Node, string Volume)> placed, string key, IReadOnlyDictionary<string, IDictionary<string, string>> labels)
    {
        Assert.Equal(3, placed.Count);
        Assert.Equal(3, placed.Select(p => labels[p.Node][key]).Distinct().Count());
        Assert.All(placed, p => Assert.StartsWith($"pv-{p.Node}-", p.Volume, StringComparison.Ordinal));
        Assert.Equal(3, placed.Select(p => p.Volume).Distinct().Count());
    }

    private static Dictionary<string, IDictionary<string, string>> NodeLabels(IEnumerable<ManifestObject> objects) =>
        objects.Select(o => o.Model).OfType<V1Node>().ToDictionary(n => n.Metadata.Name, n => n.Metadata.Labels);
}
