using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.State;

/// <summary>
/// <see cref="ClusterState.WithPods"/> makes an overlay that shares the base's containers: on seeded random clusters,
/// every question about pods gets the answer a full copy with the same changes gives, chained overlays included, and
/// the base never changes.
/// </summary>
public class ClusterStateOverlayTests
{
    private static readonly string[] NodeNames = ["node-0", "node-1", "node-2", "node-3", "node-4", "node-5"];
    // Nodes the questions are asked about: the state's, one that has pods but no Node object, one with nothing.
    private static readonly string[] AskedNodes = [.. NodeNames, "ghost", "nowhere"];
    private static readonly HostPort[] Probes =
        [HostPort.Of("0.0.0.0", "TCP", 80), HostPort.Of("10.0.0.1", "TCP", 80), HostPort.Of("10.0.0.2", "UDP", 53), HostPort.Of("0.0.0.0", "UDP", 53)];
    private static readonly LabelSelector[] Selectors = [MatchLabels(("app", "a")), LabelSelector(null, In("app", "a", "b")), MatchLabels(("app", "b"))];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void An_overlay_answers_as_a_full_copy_with_the_same_changes(int seed)
    {
        var random = new Random(seed);
        var cluster = RandomCluster(random, out var keys);
        // Ask about the selectors first on half the seeds, so that the base keeps their counts while the overlays read them.
        if (seed % 2 == 0) Describe(cluster);
        var before = Describe(cluster);

        var (added, removed) = RandomChanges(random, keys);
        var overlay = cluster.WithPods(added, removed);
        var copy = FullCopy(cluster, added, removed);
        Assert.Equal(Describe(copy), Describe(overlay));

        // An overlay of the overlay: the changes of both, in order.
        var (added2, removed2) = RandomChanges(random, keys);
        var overlay2 = overlay.WithPods(added2, removed2);
        var copy2 = FullCopy(copy, added2, removed2);
        Assert.Equal(Describe(copy2), Describe(overlay2));

        Assert.Equal(Describe(copy), Describe(overlay));
        Assert.Equal(before, Describe(cluster));
    }

    [Fact]
    public void An_overlay_shares_the_containers_of_its_base()
    {
        var cluster = new ClusterState(new VolumeIndex());
        cluster.UpsertNode(Node("node-1").InZone("z1"));
        cluster.UpsertPod(Pod("ns", "a").OnNode("node-1"));
        cluster.UpsertClaim(Claim("ns", "data").Requesting("1Gi"));

        var overlay = cluster.WithPods([Pod("ns", "b").OnNode("node-1")], [new ObjectKey("ns", "a")]);

        Assert.Same(cluster.Volumes, overlay.Volumes);
        Assert.Same(cluster.Nodes, overlay.Nodes);
        Assert.Same(cluster.GetClaim(new ObjectKey("ns", "data")), overlay.GetClaim(new ObjectKey("ns", "data")));
        Assert.Equal(["b"], overlay.PodsOn("node-1").Select(p => p.Key.Name));
        Assert.Equal(["a"], cluster.PodsOn("node-1").Select(p => p.Key.Name));
    }

    [Fact]
    public void An_overlay_refuses_changes_other_than_its_pods_so_the_base_stays_as_it_was()
    {
        var cluster = new ClusterState(new VolumeIndex());
        cluster.UpsertNode(Node("node-1").InZone("z1"));
        var overlay = cluster.WithPods([Pod("ns", "b").OnNode("node-1")], []);

        Assert.Throws<InvalidOperationException>(() => overlay.UpsertClaim(Claim("ns", "data").Requesting("1Gi")));
        Assert.Throws<InvalidOperationException>(() => overlay.UpsertNode(Node("node-2").InZone("z1")));
        Assert.Throws<InvalidOperationException>(() => overlay.RemoveNode("node-1"));
        Assert.Null(cluster.GetClaim(new ObjectKey("ns", "data")));
        Assert.Single(cluster.Nodes);
        overlay.RemovePod(new ObjectKey("ns", "b"));
        Assert.Empty(overlay.PodsOn("node-1"));
    }

    [Fact]
    public void A_copy_of_an_overlay_holds_the_overlays_pods()
    {
        var cluster = new ClusterState(new VolumeIndex());
        cluster.UpsertNode(Node("node-1"));
        cluster.UpsertPod(Pod("ns", "a").OnNode("node-1"));
        cluster.UpsertPod(Pod("ns", "b").OnNode("node-1"));
        var overlay = cluster.WithPods([Pod("ns", "c").OnNode("node-1")], [new ObjectKey("ns", "a")]);

        var copy = overlay.Copy(new VolumeIndex());

        Assert.Equal(["b", "c"], copy.Pods.Select(p => p.Key.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, copy.RequestedOn("node-1").Pods);
    }

    private static ClusterState RandomCluster(Random random, out List<ObjectKey> keys)
    {
        var cluster = new ClusterState(new VolumeIndex());
        foreach (var name in NodeNames)
        {
            var node = Node(name);
            if (random.Next(5) > 0) node.InZone($"z{random.Next(3)}");
            cluster.UpsertNode(node);
        }
        keys = [];
        for (var i = 0; i < 30; i++)
        {
            var pod = RandomPod(random, $"p{i}");
            keys.Add(pod.Key);
            cluster.UpsertPod(pod);
        }
        return cluster;
    }

    private static PodInfo RandomPod(Random random, string name)
    {
        var pod = Pod(random.Next(4) == 0 ? "other" : "ns", name).WithLabel("app", random.Next(2) == 0 ? "a" : "b")
            .Requesting(100 * random.Next(1, 5), $"{random.Next(1, 4)}Gi").WithPriority(random.Next(3));
        switch (random.Next(8))
        {
            case 0: break; // pending
            case 1: pod.NominatedTo(NodeNames[random.Next(NodeNames.Length)]); break;
            case 2: pod.OnNode("ghost"); break;
            default: pod.OnNode(NodeNames[random.Next(NodeNames.Length)]); break;
        }
        if (random.Next(6) == 0) pod.Terminating();
        if (random.Next(5) == 0) pod.WithPodAntiAffinity(PodTerm(HostnameLabel, MatchLabels(("app", "a"))));
        if (random.Next(5) == 0) pod.WithPreferredPodAffinity(1, PodTerm(ZoneLabel, MatchLabels(("app", "b"))));
        if (random.Next(4) == 0) pod.WithScalar("example.com/gpu", random.Next(1, 3));
        if (random.Next(4) == 0)
        {
            var probe = Probes[random.Next(Probes.Length)];
            pod.WithHostPort(probe.Protocol, probe.HostIP, probe.Port);
        }
        return pod.Build();
    }

    /// <summary>Pods taken out (some that do not exist) and put in: new ones, and existing keys moved, nominated or made pending.</summary>
    private static (List<PodInfo> Added, List<ObjectKey> Removed) RandomChanges(Random random, List<ObjectKey> keys)
    {
        var removed = new List<ObjectKey>();
        for (var i = random.Next(4); i > 0; i--) removed.Add(keys[random.Next(keys.Count)]);
        if (random.Next(3) == 0) removed.Add(new ObjectKey("ns", "never-there"));
        var added = new List<PodInfo>();
        for (var i = random.Next(4); i > 0; i--)
        {
            var name = random.Next(2) == 0 ? keys[random.Next(keys.Count)].Name : $"new-{random.Next(1000)}";
            added.Add(RandomPod(random, name));
        }
        return (added, removed);
    }

    /// <summary>What WithPods did before it made overlays: a copy of every container, then the changes.</summary>
    private static ClusterState FullCopy(ClusterState state, IEnumerable<PodInfo> added, IEnumerable<ObjectKey> removed)
    {
        var copy = state.Copy(new VolumeIndex());
        foreach (var key in removed) copy.RemovePod(key);
        foreach (var pod in added) copy.UpsertPod(pod);
        return copy;
    }

    /// <summary>Every answer the state gives about pods, as text (pods by reference identity through their keys and fields).</summary>
    private static List<string> Describe(ClusterState state)
    {
        var lines = new List<string>
        {
            "pods: " + string.Join(" ", state.Pods.Select(Show).Order(StringComparer.Ordinal)),
            $"any affinity {state.AnyPodsWithAffinity}, any required anti-affinity {state.AnyPodsWithRequiredAntiAffinity}, any nominated {state.HasNominatedPods}",
        };
        foreach (var key in state.Pods.Select(p => p.Key).Append(new ObjectKey("ns", "never-there")).OrderBy(k => k.ToString(), StringComparer.Ordinal))
            lines.Add($"get {key}: {(state.GetPod(key) is { } pod ? Show(pod) : "none")}");
        foreach (var name in AskedNodes)
        {
            var usage = state.UsageOn(name);
            lines.Add($"{name}: requested {state.RequestedOn(name)}, non-zero {usage.NonZeroRequested}, "
                + $"scalars [{string.Join(",", usage.Scalars.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"))}], "
                + $"ports {usage.HasPorts} [{string.Join(",", Probes.Select(usage.PortConflicts))}], "
                + $"affinity {state.HasPodsWithAffinity(name)}, required anti-affinity {state.HasPodsWithRequiredAntiAffinity(name)}");
            lines.Add($"{name} pods: {string.Join(" ", state.PodsOn(name).Select(Show).Order(StringComparer.Ordinal))}");
            lines.Add($"{name} nominated: {string.Join(" ", state.NominatedPodsOn(name).Select(Show).Order(StringComparer.Ordinal))}");
        }
        foreach (var ns in (string[])["ns", "other"])
        {
            foreach (var selector in Selectors)
            {
                foreach (var keys in (string[][])[[ZoneLabel], [HostnameLabel, ZoneLabel]])
                {
                    var counts = state.MatchingPodsByDomain(ns, selector, keys, ZoneLabel);
                    lines.Add($"{ns} {selector} {string.Join("+", keys)}: {string.Join(" ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"))}");
                }
            }
        }
        return lines;
    }

    private static string Show(PodInfo pod) => $"{pod.Key}@{pod.NodeName}~{pod.NominatedNodeName}#{pod.GetHashCode()}";
}
