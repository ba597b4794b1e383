using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Informers;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Kubernetes.Tests.Cache;

/// <summary>The store's writer: informer events and assumptions meet as upstream's assume cache makes them meet.</summary>
public sealed class ClusterCacheTests
{
    private static readonly ObjectKey Pod = new("default", "app");
    private static readonly ObjectKey ClaimKey = new("default", "data");

    private static V1PersistentVolume Volume(string resourceVersion, Action<V1PersistentVolume>? change = null)
    {
        var volume = Objects.LocalVolume("pv-1", "node-1");
        volume.Metadata.ResourceVersion = resourceVersion;
        change?.Invoke(volume);
        return volume;
    }

    private static void Apply(ClusterCache cache, InformerEventType type, params IKubernetesObject<V1ObjectMeta>[] objects) =>
        cache.Apply(new InformerEvent(objects[0] is V1PersistentVolume ? ResourceKind.PersistentVolume : ResourceKind.PersistentVolumeClaim, type, objects));

    /// <summary>A cache with pv-1 (resourceVersion 1) and an unbound claim, and pv-1 assumed for the claim.</summary>
    private static ClusterCache Assumed()
    {
        var cache = new ClusterCache();
        var claim = Objects.Claim("data");
        claim.Metadata.Uid = "claim-uid";
        Apply(cache, InformerEventType.Upsert, claim);
        Apply(cache, InformerEventType.Upsert, Volume("1"));
        var assumed = cache.Write(0, static (state, ledger, _) =>
            ledger.Assume(Pod, "node-1", new PodVolumes([new BindingInfo(state.GetClaim(ClaimKey)!, state.Volumes.Get("pv-1")!)], [])));
        Assert.True(assumed.Succeeded, assumed.Error);
        return cache;
    }

    private static ObjectKey? ClaimRefOfPv(ClusterCache cache) => cache.Read(static s => s.Volumes.Get("pv-1")?.ClaimRef?.Key);

    [Fact]
    public void The_api_object_delivered_again_leaves_the_assumption_standing()
    {
        var cache = Assumed();

        Apply(cache, InformerEventType.Replace, Volume("1")); // a relist: the same version as the ledger holds

        Assert.Equal(ClaimKey, ClaimRefOfPv(cache));
        Assert.Equal("1", cache.ReadWithLedger(0, static (_, ledger, _) => ledger.ApiVolume("pv-1")?.ResourceVersion));
    }

    [Fact]
    public void A_newer_api_object_replaces_the_assumption_and_a_revert_leaves_it()
    {
        var cache = Assumed();

        Apply(cache, InformerEventType.Upsert, Volume("2", v => v.Metadata.Labels = new Dictionary<string, string> { ["changed"] = "yes" }));
        var reverted = cache.Write(0, static (_, ledger, _) => ledger.Revert(Pod));

        Assert.True(reverted);
        Assert.Null(ClaimRefOfPv(cache));
        Assert.Equal("2", cache.Read(static s => s.Volumes.Get("pv-1")!.ResourceVersion));
    }

    [Fact]
    public void A_revert_puts_the_api_object_back_and_a_commit_keeps_what_the_api_wrote()
    {
        var reverted = Assumed();
        reverted.Write(0, static (_, ledger, _) => ledger.Revert(Pod));
        Assert.Null(ClaimRefOfPv(reverted));
        Assert.Equal(0, reverted.ReadWithLedger(0, static (_, ledger, _) => ledger.Count));

        var committed = Assumed();
        Apply(committed, InformerEventType.Upsert, Volume("2", v => v.Spec.ClaimRef = new V1ObjectReference { NamespaceProperty = "default", Name = "data", Uid = "claim-uid" }));
        committed.Write(0, static (_, ledger, _) => ledger.Commit(Pod));
        Assert.Equal(ClaimKey, ClaimRefOfPv(committed));
        Assert.Null(committed.ReadWithLedger(0, static (_, ledger, _) => ledger.ApiVolume("pv-1")));
    }

    [Fact]
    public void A_pod_assumed_on_a_node_stays_there_when_its_unbound_version_is_updated()
    {
        var cache = new ClusterCache();
        var pod = Objects.Pod("app", "data");
        pod.Metadata.Uid = "pod-uid";
        cache.Apply(new InformerEvent(ResourceKind.Pod, InformerEventType.Upsert, [pod]));
        cache.Write(0, static (state, _, _) =>
        {
            state.UpsertPod(state.GetPod(Pod)! with { NodeName = "node-1" }); // what Reserve does while the pod binds
            return 0;
        });

        pod.Status = new V1PodStatus { NominatedNodeName = "node-1" }; // KEP-5278's nomination, patched before the volume writes
        cache.Apply(new InformerEvent(ResourceKind.Pod, InformerEventType.Upsert, [pod]));

        Assert.Equal("node-1", cache.Read(static s => s.GetPod(Pod)!.NodeName));
        Assert.False(cache.Read(static s => s.HasNominatedPods));
    }

    [Fact]
    public void Readers_see_each_write_as_a_new_generation()
    {
        var cache = new ClusterCache();
        var before = cache.Version;

        Apply(cache, InformerEventType.Upsert, Volume("1"));

        Assert.Equal(before + 1, cache.Version);
        Assert.Equal(1, cache.Read(static s => s.Volumes.Count));
    }
}
