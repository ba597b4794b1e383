using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Simulation;

namespace VolumeAwareScheduler.Tests.Simulation;

/// <summary>
/// A volume `simulate` provisions for a CSI class is a CSI volume of that driver, as external-provisioner writes it, so
/// NodeVolumeLimits counts it against the node's CSINode limit for the pods after it (as `run` does against the real PV).
/// </summary>
public sealed class SimulateProvisionedCsiVolumeTests
{
    private const string Cluster = """
        apiVersion: v1
        kind: Node
        metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
        status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
        ---
        apiVersion: storage.k8s.io/v1
        kind: CSINode
        metadata: {name: node-1}
        spec: {drivers: [{name: csi.example.com, nodeID: node-1, allocatable: {count: 1}}]}
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: csi}
        provisioner: csi.example.com
        volumeBindingMode: WaitForFirstConsumer
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data-1, namespace: default}
        spec: {storageClassName: csi, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data-2, namespace: default}
        spec: {storageClassName: csi, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: first, namespace: default}
        spec:
          containers: [{name: c, image: x}]
          volumes: [{name: d, persistentVolumeClaim: {claimName: data-1}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: second, namespace: default}
        spec:
          containers: [{name: c, image: x}]
          volumes: [{name: d, persistentVolumeClaim: {claimName: data-2}}]
        """;

    [Fact]
    public void A_provisioned_CSI_volume_counts_against_the_nodes_CSINode_limit()
    {
        var simulator = new Simulator();

        var report = simulator.Run(ManifestReader.Read(Cluster, "cluster.yaml"), "cluster.yaml");

        var first = report.Pods.Single(p => p.Pod == "default/first");
        Assert.Equal("node-1", first.Node);
        var provisioned = simulator.State.Volumes.Get(simulator.State.GetClaim(new("default", "data-1"))!.VolumeName)!;
        Assert.Equal("csi.example.com", provisioned.CsiDriver);
        var second = report.Pods.Single(p => p.Pod == "default/second");
        Assert.Null(second.Node);
        Assert.Equal("0/1 nodes are available: 1 node(s) exceed max volume count. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.", second.Message);
    }
}
