using System.Collections.Frozen;
using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.LoadTests.Generation;

/// <summary>
/// A seeded synthetic cluster for load tests: nodes spread over regions, zones and racks with the labels a cloud
/// provider sets, local PVs as the local static provisioner creates them (one PV per disk, pinned to its node), a
/// dynamic CSI class with per-node CSIStorageCapacity as TopoLVM publishes it, running pods, and pending
/// StatefulSet pods with one to three claims. The same seed and shape always give the same cluster, and the nodes
/// are drawn before anything else, so shapes that differ only in PV count share their nodes.
/// </summary>
public static class ClusterGenerator
{
    public const string SsdClass = "local-ssd";
    public const string HddClass = "local-hdd";
    public const string LvmClass = "topolvm-thin";
    public const string LvmDriver = "topolvm.io";
    public const string HostnameLabel = "kubernetes.io/hostname";
    public const string ZoneLabel = "topology.kubernetes.io/zone";
    public const string RegionLabel = "topology.kubernetes.io/region";
    public const string InstanceTypeLabel = "node.kubernetes.io/instance-type";
    public const string RackLabel = "rack";

    private const long Gi = 1L << 30;

    private static readonly (string Name, long MilliCpu, long MemoryBytes)[] InstanceTypes =
    [
        ("i3en.6xlarge", 24_000, 192 * Gi),
        ("m6id.4xlarge", 16_000, 64 * Gi),
        ("r6id.8xlarge", 32_000, 256 * Gi),
        ("c6id.8xlarge", 32_000, 64 * Gi),
    ];

    /// <summary>PV sizes with their weights: many mid-size disks, few of the largest.</summary>
    private static readonly (long Bytes, int Weight)[] VolumeSizes =
    [
        (10 * Gi, 15), (50 * Gi, 20), (100 * Gi, 25), (200 * Gi, 15), (500 * Gi, 15), (1024 * Gi, 10),
    ];

    private static readonly long[] RequestSizes = [8 * Gi, 20 * Gi, 50 * Gi, 100 * Gi, 150 * Gi, 300 * Gi, 500 * Gi, 800 * Gi];

    private static readonly string[] Namespaces = ["payments", "search", "analytics", "ledger", "catalog"];

    private static readonly FrozenDictionary<string, string> GoldLabels = Labels(("tier", "gold"), ("app.kubernetes.io/managed-by", "local-static-provisioner"));
    private static readonly FrozenDictionary<string, string> SilverLabels = Labels(("tier", "silver"), ("app.kubernetes.io/managed-by", "local-static-provisioner"));
    private static readonly FrozenDictionary<string, string> ProvisionedLabels = Labels(("app.kubernetes.io/managed-by", "topolvm"));

    public static GeneratedCluster Generate(ClusterShape shape)
    {
        var random = new Random(shape.Seed);
        var topology = Topology(shape);
        var nodes = GenerateNodes(shape, topology, random);
        var pods = GeneratePendingPods(shape, random, out var claims);
        var volumes = GenerateVolumes(shape, topology, nodes, claims, random);
        var running = GenerateRunningPods(nodes, random);
        return new GeneratedCluster(shape, nodes, volumes, claims, pods, running, StorageClasses(), [new CsiDriverInfo(LvmDriver, StorageCapacity: true)],
            Capacities(nodes, random));
    }

    private sealed record Zone(string Region, string Name, int Index);

    private static Zone[] Topology(ClusterShape shape)
    {
        var zones = new List<Zone>();
        for (var r = 0; r < shape.Regions; r++)
        {
            var region = $"eu-west-{r + 1}";
            for (var z = 0; z < shape.ZonesPerRegion; z++) zones.Add(new Zone(region, $"{region}{(char)('a' + z)}", zones.Count));
        }
        return [.. zones];
    }

    private static NodeInfo[] GenerateNodes(ClusterShape shape, Zone[] zones, Random random)
    {
        var nodes = new NodeInfo[shape.Nodes];
        var perZone = new int[zones.Length];
        for (var i = 0; i < shape.Nodes; i++)
        {
            var zone = zones[i % zones.Length];
            var rack = $"{zone.Name}-r{perZone[zone.Index]++ / shape.NodesPerRack:D3}";
            var (instanceType, cpu, memory) = InstanceTypes[random.Next(InstanceTypes.Length)];
            var name = $"node-{i:D6}";
            var unschedulable = random.NextDouble() < shape.UnschedulableNodeFraction;
            ImmutableArray<Taint> taints = random.NextDouble() < shape.UnschedulableNodeFraction
                ? [new Taint("dedicated", "infra", TaintEffect.NoSchedule)]
                : [];
            nodes[i] = new NodeInfo
            {
                Name = name,
                Labels = Labels(
                    (HostnameLabel, name),
                    (ZoneLabel, zone.Name),
                    (RegionLabel, zone.Region),
                    (InstanceTypeLabel, instanceType),
                    (RackLabel, rack),
                    ("kubernetes.io/os", "linux"),
                    ("kubernetes.io/arch", "amd64")),
                Taints = taints,
                Unschedulable = unschedulable,
                Allocatable = new Resources(cpu, memory, 500 * Gi, 110),
            };
        }
        return nodes;
    }

    private static List<PodInfo> GeneratePendingPods(ClusterShape shape, Random random, out List<ClaimInfo> claims)
    {
        var pods = new List<PodInfo>(shape.EffectivePendingPods);
        claims = [];
        string[] templates = ["data", "wal", "logs"];
        var set = 0;
        while (pods.Count < shape.EffectivePendingPods)
        {
            var ns = Namespaces[random.Next(Namespaces.Length)];
            var stsName = $"db-{set++:D4}";
            var replicas = random.Next(1, 6);
            var templateCount = Weighted(random, (1, 60), (2, 30), (3, 10));
            var classes = new string[templateCount];
            var requests = new long[templateCount];
            var modes = new VolumeMode[templateCount];
            var access = new AccessModes[templateCount];
            var selectors = new LabelSelector?[templateCount];
            for (var t = 0; t < templateCount; t++)
            {
                classes[t] = Weighted(random, (SsdClass, 65), (HddClass, 25), (LvmClass, 10));
                requests[t] = RequestSizes[random.Next(RequestSizes.Length)];
                modes[t] = random.NextDouble() < shape.BlockFraction ? VolumeMode.Block : VolumeMode.Filesystem;
                access[t] = Weighted(random, (AccessModes.ReadWriteOnce, 94), (AccessModes.ReadWriteOncePod, 4), (AccessModes.ReadWriteOnce | AccessModes.ReadOnlyMany, 2));
                selectors[t] = classes[t] != LvmClass && random.NextDouble() < 0.05
                    ? new LabelSelector(Labels(("tier", "gold")), [])
                    : null;
            }
            for (var r = 0; r < replicas && pods.Count < shape.EffectivePendingPods; r++)
            {
                var podName = $"{stsName}-{r}";
                var references = ImmutableArray.CreateBuilder<PodClaimReference>(templateCount);
                for (var t = 0; t < templateCount; t++)
                {
                    var claimName = $"{templates[t]}-{podName}";
                    references.Add(new PodClaimReference(templates[t], claimName, IsEphemeral: false, ReadOnly: false));
                    claims.Add(new ClaimInfo
                    {
                        Key = new ObjectKey(ns, claimName),
                        Uid = Uid(random),
                        StorageClassName = classes[t],
                        RequestBytes = requests[t],
                        AccessModes = access[t],
                        VolumeMode = modes[t],
                        Selector = selectors[t],
                        ResourceVersion = "1",
                    });
                }
                pods.Add(new PodInfo
                {
                    Key = new ObjectKey(ns, podName),
                    Uid = Uid(random),
                    Requests = new Resources(2_000, 8 * Gi, 0, 1),
                    Claims = references.MoveToImmutable(),
                });
            }
        }
        return pods;
    }

    private static List<VolumeInfo> GenerateVolumes(ClusterShape shape, Zone[] zones, NodeInfo[] nodes, List<ClaimInfo> claims, Random random)
    {
        var volumes = new List<VolumeInfo>(shape.Volumes);
        var staticClaims = claims.Where(c => c.StorageClassName != LvmClass).ToArray();
        var rackPinned = shape.RackPinnedFraction;
        var zonePinned = rackPinned + shape.ZonePinnedFraction;
        var notInPinned = zonePinned + shape.NotInPinnedFraction;
        for (var i = 0; i < shape.Volumes; i++)
        {
            var node = nodes[random.Next(nodes.Length)];
            var storageClass = Weighted(random, (SsdClass, 57), (HddClass, 38), (LvmClass, 5));
            var pin = random.NextDouble();
            NodeSelector affinity;
            if (storageClass == LvmClass || pin >= notInPinned)
            {
                affinity = Term(Requirement(HostnameLabel, SelectorOperator.In, node.Name));
            }
            else if (pin < rackPinned)
            {
                affinity = Term(
                    Requirement(ZoneLabel, SelectorOperator.In, node.Labels[ZoneLabel]),
                    Requirement(RackLabel, SelectorOperator.In, node.Labels[RackLabel]));
            }
            else if (pin < zonePinned)
            {
                affinity = Term(Requirement(ZoneLabel, SelectorOperator.In, zones[random.Next(zones.Length)].Name));
            }
            else
            {
                affinity = Term(Requirement(InstanceTypeLabel, SelectorOperator.NotIn, InstanceTypes[random.Next(InstanceTypes.Length)].Name));
            }

            var state = random.NextDouble();
            ClaimReference? claimRef = null;
            var phase = VolumePhase.Available;
            var deleting = false;
            if (storageClass == LvmClass || state < shape.BoundFraction)
            {
                claimRef = new ClaimReference(Namespaces[random.Next(Namespaces.Length)], $"running-{i:x}", Uid(random));
                phase = VolumePhase.Bound;
            }
            else if (state < shape.BoundFraction + shape.PreboundFraction && staticClaims.Length > 0)
            {
                var claim = staticClaims[random.Next(staticClaims.Length)];
                // Half name the claim's UID, half leave it empty (any claim of that name): both forms occur.
                claimRef = new ClaimReference(claim.Key.Namespace, claim.Key.Name, random.Next(2) == 0 ? claim.Uid : "");
                storageClass = random.NextDouble() < 0.9 ? claim.StorageClassName : storageClass;
            }
            else if (state < shape.BoundFraction + shape.PreboundFraction + shape.UnavailableFraction)
            {
                switch (random.Next(3))
                {
                    case 0:
                        phase = VolumePhase.Released;
                        claimRef = new ClaimReference("old", $"gone-{i:x}", Uid(random));
                        break;
                    case 1:
                        phase = VolumePhase.Failed;
                        break;
                    default:
                        deleting = true;
                        break;
                }
            }

            volumes.Add(new VolumeInfo
            {
                Name = VolumeName(i),
                Uid = Uid(random),
                StorageClassName = storageClass,
                CapacityBytes = WeightedSize(random),
                AccessModes = Weighted(random, (AccessModes.ReadWriteOnce, 90), (AccessModes.ReadWriteOnce | AccessModes.ReadOnlyMany, 6), (AccessModes.ReadWriteOncePod, 4)),
                VolumeMode = random.NextDouble() < shape.BlockFraction ? VolumeMode.Block : VolumeMode.Filesystem,
                Labels = storageClass == LvmClass ? ProvisionedLabels : random.Next(4) == 0 ? GoldLabels : SilverLabels,
                NodeAffinity = affinity,
                ClaimRef = claimRef,
                Phase = phase,
                IsDeleting = deleting,
                CsiDriver = storageClass == LvmClass ? LvmDriver : null,
                ResourceVersion = "1",
            });
        }
        return volumes;
    }

    /// <summary>A name that does not sort like its index (a bijection on 32 bits, so names never collide).</summary>
    public static string VolumeName(int index) => $"local-pv-{unchecked((uint)index * 2654435761u):x8}";

    private static List<PodInfo> GenerateRunningPods(NodeInfo[] nodes, Random random)
    {
        var pods = new List<PodInfo>(nodes.Length);
        foreach (var node in nodes)
        {
            var cpu = random.Next(1, 9) * 1_000L;
            var memory = random.Next(2, 33) * Gi;
            pods.Add(new PodInfo
            {
                Key = new ObjectKey("kube-system", $"agent-{node.Name}"),
                Uid = Uid(random),
                NodeName = node.Name,
                Requests = new Resources(cpu, memory, 0, 1),
            });
        }
        return pods;
    }

    private static List<StorageClassInfo> StorageClasses() =>
    [
        new() { Name = SsdClass, Provisioner = StorageClassInfo.NotSupportedProvisioner, BindingMode = VolumeBindingMode.WaitForFirstConsumer, IsDefault = true },
        new() { Name = HddClass, Provisioner = StorageClassInfo.NotSupportedProvisioner, BindingMode = VolumeBindingMode.WaitForFirstConsumer },
        new() { Name = LvmClass, Provisioner = LvmDriver, BindingMode = VolumeBindingMode.WaitForFirstConsumer },
    ];

    /// <summary>One CSIStorageCapacity per node for the dynamic class, as TopoLVM publishes them.</summary>
    private static List<CsiStorageCapacityInfo> Capacities(NodeInfo[] nodes, Random random)
    {
        var capacities = new List<CsiStorageCapacityInfo>(nodes.Length);
        foreach (var node in nodes)
        {
            capacities.Add(new CsiStorageCapacityInfo
            {
                Key = new ObjectKey("topolvm-system", $"csisc-{node.Name}"),
                StorageClassName = LvmClass,
                NodeTopology = new LabelSelector(Labels((HostnameLabel, node.Name)), []),
                CapacityBytes = random.Next(0, 3_000) * Gi,
            });
        }
        return capacities;
    }

    private static NodeSelector Term(params SelectorRequirement[] requirements) =>
        new([new NodeSelectorTerm([.. requirements], [])]);

    private static SelectorRequirement Requirement(string key, SelectorOperator op, string value) => new(key, op, [value]);

    private static FrozenDictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToFrozenDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    private static string Uid(Random random) => new Guid(random.GetItems<byte>(Bytes, 16)).ToString();

    private static readonly byte[] Bytes = [.. Enumerable.Range(0, 256).Select(b => (byte)b)];

    private static long WeightedSize(Random random)
    {
        var total = 0;
        foreach (var (_, weight) in VolumeSizes) total += weight;
        var pick = random.Next(total);
        foreach (var (bytes, weight) in VolumeSizes)
        {
            if (pick < weight) return bytes;
            pick -= weight;
        }
        return VolumeSizes[^1].Bytes;
    }

    private static T Weighted<T>(Random random, params (T Value, int Weight)[] choices)
    {
        var total = 0;
        foreach (var (_, weight) in choices) total += weight;
        var pick = random.Next(total);
        foreach (var (value, weight) in choices)
        {
            if (pick < weight) return value;
            pick -= weight;
        }
        return choices[^1].Value;
    }
}
