using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.State;

/// <summary>
/// <see cref="ClusterState.MatchingPodsByDomain"/> keeps PodTopologySpread's counts as pods and nodes change; after
/// every change of a seeded random sequence it must equal calPreFilterState's recount over every node and pod
/// (pkg/scheduler/framework/plugins/podtopologyspread/filtering.go, countPodsMatchSelector in common.go).
/// </summary>
public class MatchingPodsByDomainTests
{
    private const string RackLabel = "example.com/rack";

    private static readonly (string Ns, LabelSelector Selector, string[] Keys, string Key)[] Questions =
    [
        ("ns", MatchLabels(("app", "a")), [ZoneLabel], ZoneLabel),
        ("ns", MatchLabels(("app", "a")), [RackLabel, ZoneLabel], ZoneLabel),
        ("ns", MatchLabels(("app", "a")), [RackLabel, ZoneLabel], RackLabel),
        ("ns", LabelSelector(null, NotIn("app", "b")), [HostnameLabel], HostnameLabel),
        ("other", LabelSelector(MatchLabels(("app", "b")).MatchLabels, Exists("tier")), [ZoneLabel], ZoneLabel),
        ("ns", Model.LabelSelector.Everything, [ZoneLabel], ZoneLabel),
        ("ns", MatchLabels(("app", "a")), [], ZoneLabel),
    ];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 30)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_kept_counts_equal_a_recount_after_every_change(int seed)
    {
        var random = new Random(seed);
        var cluster = new ClusterState(new VolumeIndex());
        var replica = new ClusterState(new VolumeIndex());
        // Half the questions are asked before the cluster fills (counts kept from the start), the others midway.
        for (var q = 0; q < Questions.Length; q += 2) AssertRecount(cluster, Questions[q]);

        for (var step = 0; step < 120; step++)
        {
            Change(random, cluster);
            if (step == 60) replica = cluster.Copy(new VolumeIndex());
            var asked = step < 60 ? Questions.Where((_, q) => q % 2 == 0) : Questions;
            foreach (var question in asked) AssertRecount(cluster, question);
        }
        // A replica copied midway starts without kept counts and answers alike.
        foreach (var question in Questions) Assert.Equal(Sorted(Recount(replica, question)), Sorted(Ask(replica, question)));
    }

    [Fact]
    public void Every_domain_is_present_with_zero_when_no_pod_matches()
    {
        var cluster = new ClusterState(new VolumeIndex());
        cluster.UpsertNode(Node("node-a").InZone("z1"));
        cluster.UpsertNode(Node("node-b").InZone("z2"));
        cluster.UpsertNode(Node("node-c"));
        cluster.UpsertPod(Pod("ns", "p").WithLabel("app", "a").OnNode("node-a"));
        cluster.UpsertPod(Pod("ns", "q").WithLabel("app", "a").OnNode("node-c"));

        var counts = cluster.MatchingPodsByDomain("ns", MatchLabels(("app", "a")), [ZoneLabel], ZoneLabel);

        Assert.Equal(["z1=1", "z2=0"], Sorted(counts));
        Assert.Equal(["=1", "z1=1", "z2=0"], Sorted(cluster.MatchingPodsByDomain("ns", MatchLabels(("app", "a")), [], ZoneLabel)));
    }

    [Fact]
    public void A_terminating_pod_stops_counting_when_it_is_updated()
    {
        var cluster = new ClusterState(new VolumeIndex());
        cluster.UpsertNode(Node("node-a").InZone("z1"));
        cluster.UpsertPod(Pod("ns", "p").WithLabel("app", "a").OnNode("node-a"));
        Assert.Equal(["z1=1"], Sorted(cluster.MatchingPodsByDomain("ns", MatchLabels(("app", "a")), [ZoneLabel], ZoneLabel)));

        cluster.UpsertPod(Pod("ns", "p").WithLabel("app", "a").OnNode("node-a").Terminating());

        Assert.Equal(["z1=0"], Sorted(cluster.MatchingPodsByDomain("ns", MatchLabels(("app", "a")), [ZoneLabel], ZoneLabel)));
    }

    private static void Change(Random random, ClusterState cluster)
    {
        var node = $"node-{random.Next(8)}";
        switch (random.Next(10))
        {
            case 0:
                cluster.RemoveNode(node);
                break;
            case 1:
            case 2:
                var builder = Node(node);
                if (random.Next(4) > 0) builder.InZone($"z{random.Next(3)}");
                if (random.Next(2) == 0) builder.WithLabel(RackLabel, $"r{random.Next(2)}");
                cluster.UpsertNode(builder);
                break;
            case 3:
                cluster.RemovePod(new ObjectKey(random.Next(3) == 0 ? "other" : "ns", $"p{random.Next(40)}"));
                break;
            default:
                var pod = Pod(random.Next(3) == 0 ? "other" : "ns", $"p{random.Next(40)}").WithLabel("app", random.Next(2) == 0 ? "a" : "b");
                if (random.Next(2) == 0) pod.WithLabel("tier", "web");
                if (random.Next(6) == 0) pod.Terminating();
                if (random.Next(8) == 0) pod.NominatedTo(node);
                else if (random.Next(10) > 0) pod.OnNode(node);
                cluster.UpsertPod(pod);
                break;
        }
    }

    private static void AssertRecount(ClusterState cluster, (string Ns, LabelSelector Selector, string[] Keys, string Key) question) =>
        Assert.Equal(Sorted(Recount(cluster, question)), Sorted(Ask(cluster, question)));

    private static Dictionary<string, int> Ask(ClusterState cluster, (string Ns, LabelSelector Selector, string[] Keys, string Key) q) =>
        cluster.MatchingPodsByDomain(q.Ns, q.Selector, q.Keys, q.Key);

    /// <summary>
    /// calPreFilterState over every node: nodes with all keys are domains; their pods of the namespace, not terminating,
    /// that a non-empty selector matches. Without keys (PreScore with the system defaults), every node, in "" when it lacks the key.
    /// </summary>
    private static Dictionary<string, int> Recount(ClusterState cluster, (string Ns, LabelSelector Selector, string[] Keys, string Key) q)
    {
        var empty = q.Selector.MatchLabels.Count == 0 && q.Selector.MatchExpressions.IsDefaultOrEmpty;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in cluster.Nodes)
        {
            if (!q.Keys.All(node.Labels.ContainsKey)) continue;
            var value = q.Keys.Length == 0 ? node.Labels.GetValueOrDefault(q.Key, "") : node.Labels[q.Key];
            var matching = empty ? 0 : cluster.PodsOn(node.Name).Count(p => !p.IsDeleting && p.Key.Namespace == q.Ns && SelectorMatching.Matches(q.Selector, p.Labels));
            counts[value] = counts.GetValueOrDefault(value) + matching;
        }
        return counts;
    }

    private static List<string> Sorted(Dictionary<string, int> counts) =>
        [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")];
}
