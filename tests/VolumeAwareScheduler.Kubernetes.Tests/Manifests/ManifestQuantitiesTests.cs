using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Manifests;

namespace VolumeAwareScheduler.Kubernetes.Tests.Manifests;

/// <summary>Quantities in a dump are read as their text, wherever they sit, without KubernetesClient's YAML arithmetic.</summary>
public sealed class ManifestQuantitiesTests
{
    private const string Dump = """
        apiVersion: v1
        kind: Node
        metadata: {name: node-1}
        status:
          allocatable: {cpu: "4", memory: 8Gi, pods: 1e1000000000}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pv-1}
        spec:
          capacity: {storage: 1e-1000000000}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: app}
        spec:
          overhead: {cpu: 250m}
          containers:
          - name: c
            resources:
              requests: {cpu: -1e+308, memory: '9999999999999999999999Ei'}
              limits: {cpu: ~}
          volumes:
          - name: scratch
            emptyDir: {sizeLimit: 1e1000000000}
        ---
        apiVersion: storage.k8s.io/v1
        kind: CSIStorageCapacity
        metadata: {name: cap, namespace: default}
        storageClassName: local
        capacity: 100Gi
        maximumVolumeSize: "1e1000000000"
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              containers:
              - name: c
                resources: {requests: {cpu: 1e1000000000}}
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              resources: {requests: {storage: 1e1000000000}}
        """;

    [Fact]
    public async Task Every_quantity_is_kept_as_its_text_and_read_in_bounded_time()
    {
        // The reader's first use pays for YAML's start-up; the bound is for the quantities only.
        ManifestReader.Read("apiVersion: v1\nkind: Node\nmetadata: {name: warm}\nstatus: {allocatable: {cpu: '1'}}\n", "warm.yaml");
        var objects = await Task.Run(() => ManifestReader.Read(Dump, "dump.yaml")).WaitAsync(TimeSpan.FromSeconds(30));

        var node = Assert.IsType<V1Node>(objects[0].Model);
        Assert.Equal("4", Text(node.Status.Allocatable["cpu"]));
        Assert.Equal("8Gi", Text(node.Status.Allocatable["memory"]));
        Assert.Equal("1e1000000000", Text(node.Status.Allocatable["pods"]));
        Assert.Equal("1e-1000000000", Text(Assert.IsType<V1PersistentVolume>(objects[1].Model).Spec.Capacity["storage"]));

        var pod = Assert.IsType<V1Pod>(objects[2].Model);
        Assert.Equal("250m", Text(pod.Spec.Overhead["cpu"]));
        Assert.Equal("-1e+308", Text(pod.Spec.Containers[0].Resources.Requests["cpu"]));
        Assert.Equal("9999999999999999999999Ei", Text(pod.Spec.Containers[0].Resources.Requests["memory"]));
        Assert.Null(pod.Spec.Containers[0].Resources.Limits["cpu"]); // YAML null: a zero quantity, as Go reads it
        Assert.Equal("1e1000000000", Text(pod.Spec.Volumes[0].EmptyDir.SizeLimit));

        var capacity = Assert.IsType<V1CSIStorageCapacity>(objects[3].Model);
        Assert.Equal("100Gi", Text(capacity.Capacity));
        Assert.Equal("1e1000000000", Text(capacity.MaximumVolumeSize));

        var set = Assert.IsType<V1StatefulSet>(objects[4].Model);
        Assert.Equal("1e1000000000", Text(set.Spec.Template.Spec.Containers[0].Resources.Requests["cpu"]));
        Assert.Equal("1e1000000000", Text(set.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests["storage"]));
    }

    [Fact]
    public void A_quantity_the_conversion_refuses_names_its_field()
    {
        var objects = ManifestReader.Read(Dump, "dump.yaml");

        var error = Assert.Throws<ConversionException>(() => Converter.ToPod(Assert.IsType<V1Pod>(objects[2].Model)));
        Assert.Equal("spec.containers[0].resources.requests.cpu \"-1e+308\" must be greater than or equal to 0", error.Message);
        error = Assert.Throws<ConversionException>(() => Converter.ToNode(Assert.IsType<V1Node>(objects[0].Model)));
        Assert.StartsWith("status.allocatable.pods \"1e1000000000\" is out of range", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, Converter.ToVolume(Assert.IsType<V1PersistentVolume>(objects[1].Model)).CapacityBytes);
    }

    private static string Text(ResourceQuantity quantity) => Assert.IsType<WireQuantity>(quantity).Text;
}
