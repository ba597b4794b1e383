using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>explain's VolumeAttributesClass reason and its warnings about traps the decision follows faithfully.</summary>
public class ExplainerTests
{
    private static ClusterState Cluster()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        state.UpsertNode(Node("node-1"));
        state.UpsertNode(Node("node-2"));
        return state;
    }

    private static PodExplanation Explain(ClusterState state, PodInfo pod) => Explainer.Explain(state, new SchedulingFramework(Profiles.Default()), pod);

    [Fact]
    public void A_PV_of_another_VolumeAttributesClass_is_named_as_the_reason_it_was_not_taken()
    {
        var state = Cluster();
        state.Volumes.Upsert(Volume("pv-gold").WithCapacity("10Gi").WithClass("local").WithAttributesClass("gold").OnNode("node-1"));
        state.Volumes.Upsert(Volume("pv-unset").WithCapacity("10Gi").WithClass("local").OnNode("node-1"));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("local").WithAttributesClass("silver"));

        var explanation = Explain(state, Pod("ns", "app").WithClaim("data"));

        var claim = Assert.Single(explanation.Nodes.Single(n => n.Node == "node-1").Claims);
        Assert.Equal("none", claim.Outcome);
        Assert.Contains(claim.Candidates, c => c.Volume == "pv-gold" && c.Reason == "volumeAttributesClassName \"gold\", claim wants \"silver\"");
        Assert.Contains(claim.Candidates, c => c.Volume == "pv-unset" && c.Reason == "volumeAttributesClassName (unset), claim wants \"silver\"");
        Assert.Empty(explanation.Warnings);
    }

    public static TheoryData<string, NodeSelectorTerm[], bool> MatchFieldsAffinities => new()
    {
        // nodeaffinity.go: a nameless node (CheckNodeAffinity) has no fields, so matchFields never restrict a PV.
        { "matchFields alone: the PV reaches every node", [FieldTerm([NameIs("node-1")])], true },
        { "matchFields with matchExpressions: only the expressions count", [FieldTerm([NameIs("node-1")], In(HostnameLabel, "node-2"))], true },
        { "matchExpressions only: no warning", [Term(In(HostnameLabel, "node-1"))], false },
    };

    [Theory]
    [MemberData(nameof(MatchFieldsAffinities))]
    public void A_PV_whose_node_affinity_uses_matchFields_is_warned_about_as_kube_scheduler_ignores_them(string name, NodeSelectorTerm[] terms, bool warned)
    {
        var state = Cluster();
        state.Volumes.Upsert(Volume("pv-fields").WithCapacity("10Gi").WithClass("local").WithAffinity(terms));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("local"));

        var explanation = Explain(state, Pod("ns", "app").WithClaim("data"));

        Assert.True(warned == explanation.Warnings.Any(w => w.Contains("pv-fields", StringComparison.Ordinal) && w.Contains("matchFields", StringComparison.Ordinal)), name);
    }

    [Fact]
    public void The_matchFields_warning_matches_what_the_decision_does_with_them()
    {
        // The PV's only term says metadata.name In (node-1); kube-scheduler ignores it, so node-2 is feasible too.
        var state = Cluster();
        state.Volumes.Upsert(Volume("pv-fields").WithCapacity("10Gi").WithClass("local").WithAffinity(FieldTerm([NameIs("node-1")])));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("local"));

        var explanation = Explain(state, Pod("ns", "app").WithClaim("data").WithNodeSelector(HostnameLabel, "node-2"));

        Assert.Equal("node-2", explanation.SelectedNode);
        Assert.Contains("1 PV(s) (pv-fields) have node affinity terms with matchFields", Assert.Single(explanation.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void The_bound_claims_PV_is_checked_for_matchFields_too_and_many_PVs_are_counted_not_all_named()
    {
        var state = Cluster();
        state.Volumes.Upsert(Volume("pv-bound").WithCapacity("10Gi").WithClass("local").ClaimedBy("ns", "bound", "u").Phase(VolumePhase.Bound).WithAffinity(FieldTerm([NameIs("node-1")])));
        state.UpsertClaim(Claim("ns", "bound").WithUid("u").Requesting("5Gi").WithClass("local").BoundTo("pv-bound"));
        for (var i = 0; i < 7; i++) state.Volumes.Upsert(Volume($"pv-free-{i}").WithCapacity("10Gi").WithClass("local").WithAffinity(FieldTerm([NameIs("node-2")])));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("local"));

        var warning = Assert.Single(Explain(state, Pod("ns", "app").WithClaim("bound").WithClaim("data")).Warnings);

        Assert.StartsWith("8 PV(s) (pv-bound, pv-free-0, pv-free-1, pv-free-2, pv-free-3 and 3 more)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_claim_whose_selected_node_no_longer_exists_is_warned_about_and_blocks_every_node()
    {
        var state = Cluster();
        state.UpsertStorageClass(StorageClass("csi").WithProvisioner("csi.example.com"));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("csi").SelectedNode("node-gone"));

        var explanation = Explain(state, Pod("ns", "app").WithClaim("data"));

        Assert.Null(explanation.SelectedNode);
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", explanation.Message);
        var warning = Assert.Single(explanation.Warnings);
        Assert.StartsWith("claim ns/data has volume.kubernetes.io/selected-node: node-gone, a node that no longer exists", warning, StringComparison.Ordinal);
        Assert.EndsWith("kubectl annotate pvc -n ns data volume.kubernetes.io/selected-node-", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_selected_node_that_exists_is_no_warning()
    {
        var state = Cluster();
        state.UpsertStorageClass(StorageClass("csi").WithProvisioner("csi.example.com"));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("csi").SelectedNode("node-1"));

        var explanation = Explain(state, Pod("ns", "app").WithClaim("data"));

        Assert.Equal("node-1", explanation.SelectedNode);
        Assert.Empty(explanation.Warnings);
    }

    [Fact]
    public void A_node_rejected_by_a_non_volume_plugin_names_that_plugin_and_its_upstream_reason_and_every_other_plugins_verdict()
    {
        var state = Cluster();
        state.UpsertNode(Node("node-3").WithTaint("dedicated", "db", TaintEffect.NoSchedule));
        state.Volumes.Upsert(Volume("pv-3").WithCapacity("10Gi").WithClass("local").OnNode("node-3"));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("local"));

        var explanation = Explain(state, Pod("ns", "app").WithClaim("data"));

        var node = explanation.Nodes.Single(n => n.Node == "node-3");
        Assert.False(node.Feasible);
        Assert.Equal("TaintToleration", node.Plugin);
        Assert.Equal([Reasons.UntoleratedTaints], node.Reasons);
        var taints = node.Filters.Single(f => f.Plugin == "TaintToleration");
        Assert.Equal(nameof(StatusCode.UnschedulableAndUnresolvable), taints.Code);
        Assert.Equal([Reasons.UntoleratedTaints], taints.Reasons);
        // The cycle stopped at TaintToleration; explain still ran the later filters: VolumeBinding would have passed here.
        Assert.Equal(nameof(StatusCode.Success), node.Filters.Single(f => f.Plugin == "VolumeBinding").Code);
        Assert.Equal(Profiles.Default().Filter.Select(p => p.Name), node.Filters.Select(f => f.Plugin));
        Assert.Empty(node.Scores);
        Assert.Null(node.Score);
    }

    [Fact]
    public void A_node_rejected_by_two_plugins_shows_both_verdicts()
    {
        var state = Cluster();
        state.UpsertNode(Node("node-3").WithTaint("dedicated", "db", TaintEffect.NoSchedule));
        state.Volumes.Upsert(Volume("pv-1").WithCapacity("10Gi").WithClass("local").OnNode("node-1"));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("local"));

        var node = Explain(state, Pod("ns", "app").WithClaim("data")).Nodes.Single(n => n.Node == "node-3");

        Assert.Equal("TaintToleration", node.Plugin);
        var rejecting = node.Filters.Where(f => f.Code != nameof(StatusCode.Success) && f.Code != nameof(StatusCode.Skip)).ToList();
        Assert.Equal(["TaintToleration", "VolumeBinding"], rejecting.Select(f => f.Plugin));
        Assert.Equal([Reasons.BindConflict], rejecting[1].Reasons);
    }

    [Fact]
    public void A_feasible_nodes_weighted_scores_sum_to_its_total_and_are_its_normalized_scores_times_the_weights()
    {
        var state = Cluster();
        state.UpsertNode(Node("node-3").WithTaint("dedicated", "db", TaintEffect.PreferNoSchedule));
        state.Volumes.Upsert(Volume("pv-1").WithCapacity("10Gi").WithClass("local").OnNode("node-1"));
        state.Volumes.Upsert(Volume("pv-3").WithCapacity("20Gi").WithClass("local").OnNode("node-3"));
        state.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("local"));

        var explanation = Explain(state, Pod("ns", "app").WithClaim("data").Requesting(100, "128Mi"));

        var weights = Profiles.Default().Score.ToDictionary(s => s.Plugin.Name, s => s.Weight);
        var feasible = explanation.Nodes.Where(n => n.Feasible).ToList();
        Assert.Equal(["node-1", "node-3"], feasible.Select(n => n.Node));
        foreach (var node in feasible)
        {
            Assert.NotEmpty(node.Scores);
            Assert.Equal(node.Score, node.Scores.Sum(s => s.Weighted));
            Assert.All(node.Scores, s => Assert.Equal(s.Normalized * weights[s.Plugin], s.Weighted));
            Assert.All(node.Filters, f => Assert.Contains(f.Code, new[] { nameof(StatusCode.Success), nameof(StatusCode.Skip) }));
        }
        // PreferNoSchedule costs node-3 TaintToleration's points: 0 of 100, times 3.
        Assert.Equal(0, feasible[1].Scores.Single(s => s.Plugin == "TaintToleration").Weighted);
        Assert.Equal(300, feasible[0].Scores.Single(s => s.Plugin == "TaintToleration").Weighted);
        Assert.Equal("node-1", explanation.SelectedNode);
    }
}
