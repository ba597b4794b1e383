using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>
/// What a pod spec converts to for the node-local plugins: effective requests as component-helpers PodRequests
/// computes them (the pod shapes of noderesources/fit_test.go, Kubernetes v1.37), the non-zero requests scoring uses
/// (schedutil GetNonzeroRequests), scalar resources, host ports (schedutil GetHostPorts), scheduling gates and images.
/// </summary>
public sealed class PodResourceRequestsTests
{
    private static PodInfo Convert(string spec) =>
        Converter.ToPod(KubernetesYaml.Deserialize<V1Pod>("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n" + spec));

    public static TheoryData<string, string, long, long> Requests => new()
    {
        {
            "too many resources fails due to highest init container cpu",
            "  containers: [{name: c, resources: {requests: {cpu: 1m, memory: \"1\"}}}]\n" +
            "  initContainers: [{name: i1, resources: {requests: {cpu: 3m, memory: \"1\"}}}, {name: i2, resources: {requests: {cpu: 2m, memory: \"1\"}}}]",
            3, 1
        },
        {
            "init container fits because it's the max, not sum, of containers and init containers",
            "  containers: [{name: c, resources: {requests: {cpu: 1m, memory: \"1\"}}}]\n" +
            "  initContainers: [{name: i1, resources: {requests: {cpu: 1m, memory: \"1\"}}}, {name: i2, resources: {requests: {cpu: 1m, memory: \"1\"}}}]",
            1, 1
        },
        {
            "requests + overhead does not fit for memory",
            "  containers: [{name: c, resources: {requests: {cpu: 1m, memory: \"1\"}}}]\n  overhead: {cpu: 1m, memory: \"15\"}",
            2, 16
        },
        {
            "restartable init containers run beside the containers",
            "  containers: [{name: c, resources: {requests: {cpu: 1m}}}]\n  initContainers: [{name: s, restartPolicy: Always, resources: {requests: {cpu: 2m}}}]",
            3, 0
        },
        {
            "an init container after a sidecar counts with it",
            "  containers: [{name: c, resources: {requests: {cpu: 1m}}}]\n" +
            "  initContainers: [{name: s, restartPolicy: Always, resources: {requests: {cpu: 2m}}}, {name: i, resources: {requests: {cpu: 4m}}}]",
            6, 0
        },
        {
            "pod-level cpu resource not fit",
            "  containers: [{name: c, resources: {requests: {cpu: 1m, memory: \"1\"}}}]\n  resources: {requests: {cpu: 7m, memory: \"2\"}}",
            7, 2
        },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Effective_requests(string name, string spec, long milliCpu, long memory)
    {
        _ = name;
        var pod = Convert(spec);

        Assert.Equal(new Resources(milliCpu, memory, 0, 1), pod.Requests);
    }

    [Fact]
    public void Containers_without_cpu_or_memory_requests_count_the_defaults_for_scoring_but_an_explicit_zero_stays_zero()
    {
        var pod = Convert("  containers: [{name: a}, {name: b, resources: {requests: {cpu: \"0\"}}}]");

        Assert.Equal(new Resources(0, 0, 0, 1), pod.Requests);
        Assert.Equal(new Resources(100, 2 * 200L * 1024 * 1024, 0, 1), pod.NonZeroRequests);
    }

    [Fact]
    public void Scalar_resources_add_up_and_pod_level_hugepages_replace_the_containers()
    {
        var pod = Convert(
            "  containers: [{name: a, resources: {requests: {nvidia.com/gpu: \"1\", hugepages-2Mi: 2Mi}}}, {name: b, resources: {requests: {nvidia.com/gpu: \"2\"}}}]\n" +
            "  resources: {requests: {hugepages-2Mi: 4Mi}}");

        Assert.Equal(3, pod.ScalarRequests["nvidia.com/gpu"]);
        Assert.Equal(4L * 1024 * 1024, pod.ScalarRequests["hugepages-2Mi"]);
    }

    [Fact]
    public void Host_ports_come_from_containers_and_sidecars_with_defaults_filled_in()
    {
        var pod = Convert(
            "  initContainers:\n" +
            "  - {name: once, ports: [{containerPort: 1, hostPort: 9001}]}\n" +
            "  - {name: sidecar, restartPolicy: Always, ports: [{containerPort: 2, hostPort: 9002, protocol: UDP, hostIP: 10.0.0.1}]}\n" +
            "  containers: [{name: c, image: nginx, ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 81}]}]");

        Assert.Equal([new HostPort("10.0.0.1", "UDP", 9002), new HostPort("0.0.0.0", "TCP", 8080)], pod.HostPorts.ToArray());
    }

    [Fact]
    public void Scheduling_gates_and_images_are_kept_in_order()
    {
        var pod = Convert(
            "  schedulingGates: [{name: example.com/a}, {name: example.com/b}]\n" +
            "  initContainers: [{name: i, image: busybox}]\n  containers: [{name: c, image: gcr.io/app:v1}]");

        Assert.Equal(["example.com/a", "example.com/b"], pod.SchedulingGates.ToArray());
        Assert.Equal(["busybox", "gcr.io/app:v1"], pod.Images.ToArray());
    }

    [Fact]
    public void Node_reports_scalar_resources_and_its_images_by_every_name()
    {
        var node = Converter.ToNode(KubernetesYaml.Deserialize<V1Node>(
            "apiVersion: v1\nkind: Node\nmetadata: {name: n}\nstatus:\n" +
            "  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\", nvidia.com/gpu: \"8\", hugepages-1Gi: 2Gi}\n" +
            "  images: [{names: [\"gcr.io/app@sha256:abc\", \"gcr.io/app:v1\"], sizeBytes: 123}]"));

        Assert.Equal(8, node.AllocatableScalars["nvidia.com/gpu"]);
        Assert.Equal(2L << 30, node.AllocatableScalars["hugepages-1Gi"]);
        Assert.False(node.AllocatableScalars.ContainsKey("cpu"));
        Assert.Equal(123, node.Images["gcr.io/app:v1"]);
        Assert.Equal(123, node.Images["gcr.io/app@sha256:abc"]);
    }
}
