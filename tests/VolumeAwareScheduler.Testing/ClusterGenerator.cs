using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Testing;

/// <summary>A generated cluster: everything is deterministic for a given seed.</summary>
public sealed record GeneratedCluster(
    int Seed,
    IReadOnlyList<NodeInfo> Nodes,
    IReadOnlyList<VolumeInfo> Volumes,
    IReadOnlyList<ClaimInfo> Claims,
    IReadOnlyList<StorageClassInfo> StorageClasses);

/// <summary>
/// Seeded random clusters for property tests: nodes over regions, zones and racks with realistic labels
/// (kubernetes.io/hostname, topology.kubernetes.io/zone and region, a rack label, numeric labels for Gt/Lt,
/// presence-only labels for Exists/DoesNotExist), PVs of several sizes (with many exact ties), 2–3 classes,
/// Filesystem and Block, several access-mode sets, VolumeAttributesClasses (mostly unset), every node-affinity shape,
/// prebound PVs (claimRef with and without uid), non-Available phases, PVs being deleted, PVs labelled for claim
/// selectors; and claims of varied shapes. <see cref="MutateVolume"/> produces the random updates an informer would
/// deliver. The VolumeAttributesClass of a generated PV or claim follows from its name, so that adding it left every
/// other draw of a seed as it was.
/// </summary>
public static class ClusterGenerator
{
    public const string RackLabel = "example.com/rack";
    public const string GenerationLabel = "example.com/generation";
    public const string DiskCountLabel = "example.com/disk-count";
    public const string SsdLabel = "example.com/ssd";
    public const string StorageRoleLabel = "node-role.kubernetes.io/storage";
    public const string TierLabel = "tier";
    public const string TeamLabel = "team";

    public static readonly string[] Classes = ["local-ssd", "local-hdd", "zonal"];
    /// <summary>VolumeAttributesClass names; "" (unset) is the most common, as in clusters.</summary>
    public static readonly string[] AttributesClasses = ["", "", "", "", "", "", "fast-iops", "slow-iops"];
    private static readonly string[] Tiers = ["gold", "silver", "bronze"];
    private static readonly string[] Teams = ["a", "b"];
    private static readonly string[] Sizes = ["1Gi", "2Gi", "5Gi", "5Gi", "10Gi", "10G", "20Gi", "50Gi", "100Gi", "100Gi", "200Gi", "500Gi", "1Ti"];
    private static readonly string[] Requests = ["500Mi", "1Gi", "2Gi", "4Gi", "5Gi", "8Gi", "10Gi", "10G", "16Gi", "50Gi", "100Gi", "300Gi", "2Ti"];
    private static readonly AccessModes[] AccessSets =
    [
        AccessModes.ReadWriteOnce, AccessModes.ReadWriteOnce, AccessModes.ReadWriteOnce,
        AccessModes.ReadWriteOnce | AccessModes.ReadOnlyMany,
        AccessModes.ReadWriteOnce | AccessModes.ReadOnlyMany | AccessModes.ReadWriteMany,
        AccessModes.ReadWriteMany, AccessModes.ReadOnlyMany, AccessModes.ReadWriteOncePod,
    ];

    public static GeneratedCluster Generate(int seed, int nodes, int volumes, int claims = 40, int zones = 3)
    {
        var rng = new Random(seed);
        var nodeList = new List<NodeInfo>(nodes);
        for (var i = 0; i < nodes; i++) nodeList.Add(GenerateNode(rng, i, zones));

        var classList = Classes.Take(2 + rng.Next(2)).ToArray();
        var storageClasses = classList.Select(c => (StorageClassInfo)Make.StorageClass(c).WaitForFirstConsumer()).ToList();

        var claimList = new List<ClaimInfo>(claims);
        for (var i = 0; i < claims; i++) claimList.Add(GenerateClaim(rng, i, classList));

        var context = new Context(rng, nodeList, claimList, classList, zones);
        var volumeList = new List<VolumeInfo>(volumes);
        for (var i = 0; i < volumes; i++) volumeList.Add(GenerateVolume(context, $"pv-{i:D5}"));
        return new GeneratedCluster(seed, nodeList, volumeList, claimList, storageClasses);
    }

    /// <summary>
    /// One informer-style update of <paramref name="volume"/>: bind, unbind, phase change, start deleting, resize,
    /// relabel, change affinity, class or VolumeAttributesClass, or change the node affinity of a PV that stays free
    /// (MutablePVNodeAffinity, alpha in v1.35). Returns the new version (same name).
    /// </summary>
    public static VolumeInfo MutateVolume(Random rng, GeneratedCluster cluster, VolumeInfo volume)
    {
        var context = new Context(rng, cluster.Nodes, cluster.Claims, cluster.StorageClasses.Select(c => c.Name).ToArray(), 3);
        switch (rng.Next(11))
        {
            case 9: // the VolumeAttributesClass changes (a modification completed by the resizer)
                return volume with { VolumeAttributesClassName = Pick(rng, AttributesClasses) };
            case 10:
                return ChangeFreeVolumeAffinity(rng, cluster, volume);
            case 0: // bind to a claim (with or without uid), as the PV controller or the scheduler would
                var claim = cluster.Claims[rng.Next(cluster.Claims.Count)];
                return volume with
                {
                    ClaimRef = new ClaimReference(claim.Key.Namespace, claim.Key.Name, rng.Next(2) == 0 ? claim.Uid : ""),
                    Phase = rng.Next(2) == 0 ? VolumePhase.Bound : volume.Phase,
                };
            case 1: // unbind
                return volume with { ClaimRef = null, Phase = VolumePhase.Available };
            case 2:
                return volume with { Phase = (VolumePhase)rng.Next(5) };
            case 3:
                return volume with { IsDeleting = !volume.IsDeleting };
            case 4:
                return volume with { CapacityBytes = Quantity.Parse(Pick(rng, Sizes)) };
            case 5:
                return volume with { Labels = VolumeLabels(rng) };
            case 6:
                return volume with { NodeAffinity = Affinity(context) };
            case 7:
                return volume with { StorageClassName = Pick(rng, context.Classes), AccessModes = Pick(rng, AccessSets) };
            default:
                return volume with { VolumeMode = rng.Next(4) == 0 ? VolumeMode.Block : VolumeMode.Filesystem, ClaimRef = null, Phase = VolumePhase.Available, IsDeleting = false };
        }
    }

    /// <summary>
    /// The update MutablePVNodeAffinity (alpha in v1.35) allows: a free PV (Available, unclaimed, not being deleted) gets
    /// another node affinity, of any shape, and stays free, so an index must move it between its buckets.
    /// </summary>
    public static VolumeInfo ChangeFreeVolumeAffinity(Random rng, GeneratedCluster cluster, VolumeInfo volume)
    {
        var context = new Context(rng, cluster.Nodes, cluster.Claims, cluster.StorageClasses.Select(c => c.Name).ToArray(), 3);
        return volume with { NodeAffinity = Affinity(context), ClaimRef = null, Phase = VolumePhase.Available, IsDeleting = false };
    }

    /// <summary>A brand-new PV in the same cluster (a provisioner or an admin creating one).</summary>
    public static VolumeInfo NewVolume(Random rng, GeneratedCluster cluster, string name) =>
        GenerateVolume(new Context(rng, cluster.Nodes, cluster.Claims, cluster.StorageClasses.Select(c => c.Name).ToArray(), 3), name);

    private static NodeInfo GenerateNode(Random rng, int i, int zones)
    {
        var name = $"node-{i:D4}";
        var zone = $"zone-{(char)('a' + i % zones)}";
        var builder = Make.Node(name)
            .WithLabel(Make.RegionLabel, "region-1")
            .WithLabel(RackLabel, $"{zone}-rack-{rng.Next(8)}")
            .WithLabel(GenerationLabel, rng.Next(1, 6).ToString(CultureInfo.InvariantCulture))
            .WithLabel(DiskCountLabel, rng.Next(0, 13).ToString(CultureInfo.InvariantCulture));
        if (rng.Next(20) != 0) builder.InZone(zone); // a few nodes lack the zone label
        if (rng.Next(2) == 0) builder.WithLabel(SsdLabel, "true");
        if (rng.Next(4) == 0) builder.WithLabel(StorageRoleLabel, "");
        if (rng.Next(30) == 0) builder.WithLabel(GenerationLabel, "not-a-number");
        return builder;
    }

    private static ClaimInfo GenerateClaim(Random rng, int i, string[] classes)
    {
        var builder = Make.Claim($"ns-{i % 4}", $"claim-{i:D3}")
            .WithUid($"uid-claim-{i:D3}")
            .Requesting(Pick(rng, Requests))
            .WithClass(rng.Next(25) == 0 ? "missing-class" : Pick(rng, classes))
            .WithModes(rng.Next(10) == 0 ? AccessModes.None : Pick(rng, AccessSets))
            .WithVolumeMode(rng.Next(5) == 0 ? VolumeMode.Block : VolumeMode.Filesystem)
            .WithAttributesClass(AttributesClassOf($"claim-{i:D3}"));
        switch (rng.Next(8))
        {
            case 0: builder.WithSelectorLabel(TierLabel, Pick(rng, Tiers)); break;
            case 1: builder.WithSelector(Make.LabelSelector(null, Make.In(TierLabel, "gold", "silver"))); break;
            case 2: builder.WithSelector(Make.LabelSelector(null, Make.NotIn(TierLabel, "bronze"), Make.Exists(TeamLabel))); break;
            case 3: builder.WithSelector(Make.LabelSelector(null, Make.DoesNotExist(TierLabel))); break;
            case 4: builder.WithSelector(Make.LabelSelector()); break; // empty selector: everything
        }
        return builder;
    }

    private static VolumeInfo GenerateVolume(Context c, string name)
    {
        var rng = c.Rng;
        var builder = Make.Volume(name)
            .WithUid("uid-" + name)
            .WithCapacity(Pick(rng, Sizes))
            .WithClass(Pick(rng, c.Classes))
            .WithModes(Pick(rng, AccessSets))
            .WithVolumeMode(rng.Next(5) == 0 ? VolumeMode.Block : VolumeMode.Filesystem)
            .WithAffinity(Affinity(c))
            .WithAttributesClass(AttributesClassOf(name));
        var volume = builder.Build() with { Labels = VolumeLabels(rng) };

        var roll = rng.Next(100);
        if (roll < 8)
        {
            var claim = c.Claims[rng.Next(c.Claims.Count)];
            volume = volume with { ClaimRef = new ClaimReference(claim.Key.Namespace, claim.Key.Name, rng.Next(2) == 0 ? claim.Uid : "") };
            if (rng.Next(2) == 0) volume = volume with { Phase = VolumePhase.Bound };
        }
        else if (roll < 10)
        {
            volume = volume with { ClaimRef = new ClaimReference("ns-0", "claim-elsewhere", "uid-elsewhere"), Phase = VolumePhase.Bound };
        }
        else if (roll < 11)
        {
            var claim = c.Claims[rng.Next(c.Claims.Count)];
            volume = volume with { ClaimRef = new ClaimReference(claim.Key.Namespace, claim.Key.Name, "uid-of-an-older-claim") };
        }
        if (rng.Next(12) == 0) volume = volume with { Phase = (VolumePhase)rng.Next(5) };
        if (rng.Next(30) == 0) volume = volume with { IsDeleting = true };
        return volume;
    }

    private static FrozenDictionary<string, string> VolumeLabels(Random rng)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rng.Next(3) != 0) labels[TierLabel] = Pick(rng, Tiers);
        if (rng.Next(2) == 0) labels[TeamLabel] = Pick(rng, Teams);
        return labels.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every node-affinity shape a PV can carry.</summary>
    private static NodeSelector? Affinity(Context c)
    {
        var rng = c.Rng;
        string Host() => c.Nodes[rng.Next(c.Nodes.Count)].Name;
        string Zone() => $"zone-{(char)('a' + rng.Next(c.Zones + 1))}"; // one zone no node is in
        string Rack() => $"{Zone()}-rack-{rng.Next(8)}";
        switch (rng.Next(20))
        {
            case 0 or 1 or 2: return null;
            case 3 or 4 or 5 or 6: return Make.Selector(Make.Term(Make.In(Make.HostnameLabel, Host())));
            case 7: return Make.Selector(Make.Term(Make.In(Make.HostnameLabel, Host(), Host(), Host())));
            case 8 or 9: return Make.Selector(Make.Term(Make.In(Make.ZoneLabel, Zone())));
            case 10: // multi-term OR
                return Make.Selector(Make.Term(Make.In(Make.HostnameLabel, Host())), Make.Term(Make.In(Make.ZoneLabel, Zone())), Make.Term(Make.In(RackLabel, Rack())));
            case 11: // several requirements in one term
                return Make.Selector(Make.Term(
                    Make.In(Make.ZoneLabel, Zone(), Zone()),
                    Make.NotIn(RackLabel, Rack()),
                    Make.Exists(SsdLabel),
                    Make.Gt(GenerationLabel, rng.Next(0, 5)),
                    Make.Lt(DiskCountLabel, rng.Next(1, 13))));
            case 12: // the In requirement is not first
                return Make.Selector(Make.Term(Make.DoesNotExist(StorageRoleLabel), Make.In(Make.ZoneLabel, Zone()), Make.In(RackLabel, Rack(), Rack())));
            case 13: // only NotIn
                return Make.Selector(Make.Term(Make.NotIn(Make.ZoneLabel, Zone())));
            case 14: // only Exists / DoesNotExist / Gt / Lt
                return rng.Next(4) switch
                {
                    0 => Make.Selector(Make.Term(Make.Exists(SsdLabel))),
                    1 => Make.Selector(Make.Term(Make.DoesNotExist(SsdLabel))),
                    2 => Make.Selector(Make.Term(Make.Gt(GenerationLabel, rng.Next(0, 5)))),
                    _ => Make.Selector(Make.Term(Make.Lt(DiskCountLabel, rng.Next(0, 13)), Make.NotIn(Make.HostnameLabel, Host()))),
                };
            case 15: // empty term list: matches no node
                return Make.Selector();
            case 16: // matchFields only: ignored for PVs, so every node
                return Make.Selector(Make.FieldTerm([Make.NameIs(Host())]));
            case 17: // an empty term ORed with a real one; and duplicate terms
                var term = Make.Term(Make.In(Make.HostnameLabel, Host()));
                return rng.Next(2) == 0 ? Make.Selector(Make.Term(), term) : Make.Selector(term, term);
            case 18: // matchExpressions and matchFields in one term
                return Make.Selector(Make.FieldTerm([Make.NameIs(Host())], Make.In(Make.ZoneLabel, Zone())));
            default: // In with a value no node has
                return Make.Selector(Make.Term(Make.In(Make.HostnameLabel, "node-that-does-not-exist")));
        }
    }

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>A VolumeAttributesClass from the name alone (FNV-1a), leaving the seed's random sequence untouched.</summary>
    private static string AttributesClassOf(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name) hash = (hash ^ c) * 16777619u;
        return AttributesClasses[(int)(hash % (uint)AttributesClasses.Length)];
    }

    private sealed record Context(Random Rng, IReadOnlyList<NodeInfo> Nodes, IReadOnlyList<ClaimInfo> Claims, string[] Classes, int Zones);
}
