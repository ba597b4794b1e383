using System.Collections;
using System.Reflection;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.State;

/// <summary>The store's second replica is a copy: it must hold every kind of object the first holds.</summary>
public class ClusterStateCopyTests
{
    private static ClusterState Filled()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertNode(Node("node-1"));
        state.UpsertPod(Pod("ns", "running").OnNode("node-1").WithPodAntiAffinity(PodTerm(HostnameLabel, MatchLabels(("app", "db")))));
        state.UpsertPod(Pod("ns", "pending"));
        state.UpsertPod(Pod("ns", "preemptor").NominatedTo("node-1"));
        state.UpsertPodDisruptionBudget(new PodDisruptionBudgetInfo { Key = new ObjectKey("ns", "db"), Selector = MatchLabels(("app", "db")), DisruptionsAllowed = 1 });
        state.UpsertClaim(Claim("ns", "data").Requesting("1Gi").WithClass("local"));
        state.Volumes.Upsert(Volume("pv-1").WithCapacity("1Gi").WithClass("local").OnNode("node-1"));
        state.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        state.UpsertCsiDriver(CsiDriver("csi.example.com", storageCapacity: true));
        state.UpsertCsiNode(new CsiNodeInfo("node-1", [new CsiNodeDriver("csi.example.com", 8)]));
        state.UpsertCapacity(Capacity("cap-1", "local", LabelSelector(Labels((HostnameLabel, "node-1"))), "10Gi"));
        state.UpsertCapacity(Capacity("cap-2", "local", LabelSelector(null, Exists("zone")), "10Gi"));
        state.UpsertNamespace(new NamespaceInfo("ns", Labels(("team", "a"))));
        state.UpsertService(new ServiceInfo(new ObjectKey("ns", "db"), Labels(("app", "db"))));
        state.UpsertReplicationController(new ReplicationControllerInfo(new ObjectKey("ns", "rc"), Labels(("app", "rc"))));
        state.UpsertReplicaSet(new ReplicaSetInfo(new ObjectKey("ns", "rs"), MatchLabels(("app", "rs"))));
        state.UpsertStatefulSet(new StatefulSetInfo(new ObjectKey("ns", "db"), MatchLabels(("app", "db"))));
        return state;
    }

    /// <summary>Every container field of the state with its element count.</summary>
    private static SortedDictionary<string, int> Counts(ClusterState state)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var field in typeof(ClusterState).GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
        {
            if (field.Name == "_topologyCounts") continue; // kept counts, made when first asked for: not an object kind
            if (field.GetValue(state) is ICollection collection) counts[field.Name] = collection.Count;
        }
        counts["index"] = state.Volumes.Count;
        return counts;
    }

    [Fact]
    public void The_test_state_fills_every_container_of_the_state()
    {
        // A new kind of object in ClusterState must be added to Filled (and to ClusterState.Copy).
        var empty = Counts(Filled()).Where(c => c.Value == 0).Select(c => c.Key);
        Assert.Empty(empty);
    }

    [Fact]
    public void A_copy_holds_what_the_original_holds_and_changes_apart_from_it()
    {
        var original = Filled();
        var copy = original.Copy(new VolumeIndex());

        Assert.Equal(Counts(original), Counts(copy));
        Assert.Same(original.GetPod(new ObjectKey("ns", "running")), copy.GetPod(new ObjectKey("ns", "running")));
        Assert.True(copy.HasPodsWithRequiredAntiAffinity("node-1"));
        Assert.Equal("pv-1", copy.Volumes.FindMatchingVolume(original.GetClaim(new ObjectKey("ns", "data"))!, original.GetNode("node-1")!, null)?.Name);

        copy.RemoveNode("node-1");
        Assert.NotNull(original.GetNode("node-1"));
    }

    [Fact]
    public void A_state_with_other_pods_shares_the_index_and_leaves_the_original_unchanged()
    {
        var original = Filled();
        var changed = original.WithPods([Pod("ns", "added").OnNode("node-1")], [new ObjectKey("ns", "running")]);

        Assert.Same(original.Volumes, changed.Volumes);
        Assert.NotNull(original.GetPod(new ObjectKey("ns", "running")));
        Assert.Null(changed.GetPod(new ObjectKey("ns", "running")));
        Assert.Null(original.GetPod(new ObjectKey("ns", "added")));
        Assert.Equal(["added"], changed.PodsOn("node-1").Select(p => p.Key.Name));
        Assert.Equal(original.PodDisruptionBudgets.Count(), changed.PodDisruptionBudgets.Count());
    }

    [Fact]
    public void A_copy_needs_an_empty_index()
    {
        var index = new VolumeIndex();
        index.Upsert(Volume("pv-x").WithCapacity("1Gi"));
        Assert.Throws<ArgumentException>(() => Filled().Copy(index));
    }
}
