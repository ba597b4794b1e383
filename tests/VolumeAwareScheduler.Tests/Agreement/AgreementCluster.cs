using System.Globalization;
using System.Text;

namespace VolumeAwareScheduler.Tests.Agreement;

/// <summary>
/// A small seeded cluster as a YAML dump, for <see cref="SimulateAndRunAgreeTests"/>: 3–6 nodes over zones with
/// hostname labels, some tainted (NoSchedule or PreferNoSchedule); a WaitForFirstConsumer class of local PVs with
/// hostname or zone node affinity; a CSI class (static PVs with node affinity, or provisioned when none fits) whose
/// volumes count against CSINode per-driver limits; and 5–10 pods
/// in file order with resource requests and, at random, claims, tolerations, a zone nodeSelector, host ports, required
/// and preferred pod (anti-)affinity and topology spread constraints. Everything follows from the seed.
/// </summary>
public static class AgreementCluster
{
    public const string Driver = "csi.example.com";
    private static readonly string[] Zones = ["zone-a", "zone-b", "zone-c"];
    private static readonly string[] Apps = ["web", "db", "cache"];
    private static readonly string[] Sizes = ["5Gi", "10Gi", "10Gi", "20Gi", "50Gi"];
    private static readonly string[] Requests = ["1Gi", "5Gi", "5Gi", "10Gi", "20Gi"];
    private static readonly string[] Cpus = ["100m", "250m", "500m", "1", "1500m"];

    /// <summary>The dump, and the pods in the order they are to be scheduled (NAMESPACE/NAME).</summary>
    public static (string Yaml, IReadOnlyList<string> Pods) Generate(int seed)
    {
        var rng = new Random(seed);
        var yaml = new StringBuilder();
        var nodeCount = 3 + rng.Next(4);
        var zoneCount = 1 + rng.Next(Math.Min(3, nodeCount));
        var nodes = new List<(string Name, string Zone)>();
        for (var i = 0; i < nodeCount; i++)
        {
            var name = $"node-{i}";
            var zone = Zones[i % zoneCount];
            nodes.Add((name, zone));
            var taint = rng.Next(5) switch
            {
                0 => "\n  taints: [{key: dedicated, value: db, effect: NoSchedule}]",
                1 => "\n  taints: [{key: spot, value: \"true\", effect: PreferNoSchedule}]",
                _ => "",
            };
            var cpu = rng.Next(2) == 0 ? "2" : "4";
            var memory = rng.Next(2) == 0 ? "4Gi" : "8Gi";
            Doc(yaml, $$"""
                apiVersion: v1
                kind: Node
                metadata:
                  name: {{name}}
                  labels: {kubernetes.io/hostname: {{name}}, topology.kubernetes.io/zone: {{zone}}}
                spec: {{(taint.Length == 0 ? "{}" : taint)}}
                status:
                  allocatable: {cpu: "{{cpu}}", memory: {{memory}}, pods: "110"}
                  capacity: {cpu: "{{cpu}}", memory: {{memory}}, pods: "110"}
                """);
            var limit = rng.Next(2) == 0 ? $", allocatable: {{count: {1 + rng.Next(2)}}}" : "";
            Doc(yaml, $$"""
                apiVersion: storage.k8s.io/v1
                kind: CSINode
                metadata: {name: {{name}}}
                spec:
                  drivers: [{name: {{Driver}}, nodeID: {{name}}, topologyKeys: [kubernetes.io/hostname]{{limit}}}]
                """);
        }
        Doc(yaml, """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: local}
            provisioner: kubernetes.io/no-provisioner
            volumeBindingMode: WaitForFirstConsumer
            """);
        Doc(yaml, $$"""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: csi-local}
            provisioner: {{Driver}}
            volumeBindingMode: WaitForFirstConsumer
            """);

        var volumeCount = 2 * nodeCount + rng.Next(2 * nodeCount);
        for (var i = 0; i < volumeCount; i++)
        {
            var csi = rng.Next(2) == 0;
            var (node, zone) = nodes[rng.Next(nodes.Count)];
            var affinity = rng.Next(5) == 0 ? $"{{key: topology.kubernetes.io/zone, operator: In, values: [{zone}]}}" : $"{{key: kubernetes.io/hostname, operator: In, values: [{node}]}}";
            var source = csi ? $"csi: {{driver: {Driver}, volumeHandle: handle-{i}}}" : $"local: {{path: /mnt/disk{i}}}";
            Doc(yaml, $$$"""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: pv-{{{i}}}}
                spec:
                  capacity: {storage: {{{Sizes[rng.Next(Sizes.Length)]}}}}
                  accessModes: [ReadWriteOnce]
                  storageClassName: {{{(csi ? "csi-local" : "local")}}}
                  {{{source}}}
                  nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{{{affinity}}}]}]}}
                """);
        }

        var podCount = 5 + rng.Next(6);
        var pods = new List<string>();
        for (var i = 0; i < podCount; i++)
        {
            var name = $"p{i}";
            var app = Apps[rng.Next(Apps.Length)];
            var spec = new StringBuilder();
            spec.Append($"  schedulerName: volume-aware-scheduler\n");
            if (rng.Next(3) == 0) spec.Append("  tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]\n");
            if (rng.Next(6) == 0) spec.Append($"  nodeSelector: {{topology.kubernetes.io/zone: {nodes[rng.Next(nodes.Count)].Zone}}}\n");
            var affinity = new List<string>();
            switch (rng.Next(6))
            {
                case 0:
                    affinity.Add($"    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - {{labelSelector: {{matchLabels: {{app: {app}}}}}, topologyKey: kubernetes.io/hostname}}");
                    break;
                case 1:
                    affinity.Add($"    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - {{labelSelector: {{matchLabels: {{app: {Apps[rng.Next(Apps.Length)]}}}}}, topologyKey: topology.kubernetes.io/zone}}");
                    break;
                case 2:
                    affinity.Add($"    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - {{weight: {1 + rng.Next(100)}, podAffinityTerm: {{labelSelector: {{matchLabels: {{app: {app}}}}}, topologyKey: kubernetes.io/hostname}}}}");
                    break;
                case 3:
                    affinity.Add($"    podAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - {{weight: {1 + rng.Next(100)}, podAffinityTerm: {{labelSelector: {{matchLabels: {{app: {Apps[rng.Next(Apps.Length)]}}}}}, topologyKey: topology.kubernetes.io/zone}}}}");
                    break;
            }
            if (affinity.Count > 0) spec.Append("  affinity:\n").Append(string.Join('\n', affinity)).Append('\n');
            if (rng.Next(3) == 0)
            {
                var key = rng.Next(2) == 0 ? "topology.kubernetes.io/zone" : "kubernetes.io/hostname";
                var when = rng.Next(2) == 0 ? "DoNotSchedule" : "ScheduleAnyway";
                spec.Append($"  topologySpreadConstraints: [{{maxSkew: {1 + rng.Next(2)}, topologyKey: {key}, whenUnsatisfiable: {when}, labelSelector: {{matchLabels: {{app: {app}}}}}}}]\n");
            }
            var ports = rng.Next(5) == 0 ? $", ports: [{{containerPort: 8080, hostPort: {8080 + rng.Next(2)}}}]" : "";
            spec.Append($"  containers: [{{name: c, image: registry.example/{app}:1, resources: {{requests: {{cpu: {Cpus[rng.Next(Cpus.Length)]}, memory: {256 << rng.Next(3)}Mi}}}}{ports}}}]\n");
            var claims = rng.Next(6) switch { 0 or 1 => 0, 5 => 2, _ => 1 };
            if (claims > 0)
            {
                spec.Append("  volumes:\n");
                for (var c = 0; c < claims; c++)
                {
                    var claim = $"{name}-data-{c}";
                    spec.Append($"  - {{name: v{c}, persistentVolumeClaim: {{claimName: {claim}}}}}\n");
                    Doc(yaml, $$$"""
                        apiVersion: v1
                        kind: PersistentVolumeClaim
                        metadata: {name: {{{claim}}}, namespace: default}
                        spec:
                          storageClassName: {{{(rng.Next(2) == 0 ? "csi-local" : "local")}}}
                          accessModes: [ReadWriteOnce]
                          resources: {requests: {storage: {{{Requests[rng.Next(Requests.Length)]}}}}}
                        """);
                }
            }
            Doc(yaml, $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: default\n  labels: {{app: {app}}}\nspec:\n{spec}");
            pods.Add($"default/{name}");
        }
        return (yaml.ToString(), pods);
    }

    private static void Doc(StringBuilder yaml, string document)
    {
        if (yaml.Length > 0) yaml.Append("---\n");
        yaml.Append(document.TrimEnd('\n')).Append('\n');
    }

    /// <summary>For failure messages: the seed's dump with line numbers.</summary>
    public static string Numbered(string yaml) =>
        string.Join('\n', yaml.Split('\n').Select((l, i) => (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(4) + "  " + l));
}
