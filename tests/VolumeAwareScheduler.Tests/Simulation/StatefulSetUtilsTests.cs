using k8s.Models;
using VolumeAwareScheduler.Simulation;

namespace VolumeAwareScheduler.Tests.Simulation;

/// <summary>The StatefulSet controller's naming and membership rules (pkg/controller/statefulset/stateful_set_utils.go).</summary>
public sealed class StatefulSetUtilsTests
{
    public static TheoryData<string, string, int> PodNames() => new()
    {
        { "web-0", "web", 0 },
        { "web-12", "web", 12 },
        { "my-web-3", "my-web", 3 },
        { "web-01", "web", 1 },
        { "web", "", -1 },
        { "web-", "", -1 },
        { "web-a", "", -1 },
        // strconv.ParseInt(…, 10, 32) fails: the parent is kept, the ordinal is -1.
        { "web-99999999999", "web", -1 },
    };

    [Theory]
    [MemberData(nameof(PodNames))]
    public void Parent_and_ordinal_come_from_the_last_dash_and_digits(string podName, string parent, int ordinal)
    {
        Assert.Equal((parent, ordinal), StatefulSetUtils.ParentNameAndOrdinal(podName));
    }

    private const string SetUid = "3f1e9b7a-0000-4c2d-8e00-00000000aaaa";

    private static V1StatefulSet Set(string? uid = SetUid) => new()
    {
        Metadata = new V1ObjectMeta { Name = "kafka", NamespaceProperty = "streaming", Uid = uid },
        Spec = new V1StatefulSetSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "kafka" } },
            ServiceName = "kafka-headless",
            Template = new V1PodTemplateSpec { Spec = new V1PodSpec() },
        },
    };

    private static V1Pod Pod(string name, string ns = "streaming", V1OwnerReference? owner = null, string app = "kafka") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["app"] = app },
            OwnerReferences = owner is null ? null : [owner],
        },
        Spec = new V1PodSpec(),
    };

    private static V1OwnerReference Owner(string kind = "StatefulSet", string name = "kafka", string? uid = SetUid, bool controller = true) =>
        new() { ApiVersion = kind == "StatefulSet" ? "apps/v1" : "batch/v1", Kind = kind, Name = name, Uid = uid, Controller = controller };

    public static TheoryData<string, V1StatefulSet, V1Pod, bool> Membership() => new()
    {
        { "controlled by the set's uid", Set(), Pod("kafka-0", owner: Owner()), true },
        { "controlled by an earlier set of the same name (another uid)", Set(), Pod("kafka-0", owner: Owner(uid: "0000")), false },
        { "controlled by the set's name when the dump has no uids", Set(uid: null), Pod("kafka-0", owner: Owner(uid: null)), true },
        { "controlled by another controller", Set(), Pod("kafka-0", owner: Owner(kind: "Job", name: "kafka", uid: "job-uid")), false },
        { "orphan matching the selector is adopted", Set(), Pod("kafka-1"), true },
        { "orphan not matching the selector", Set(), Pod("kafka-1", app: "other"), false },
        { "owner reference that is not a controller counts as an orphan", Set(), Pod("kafka-1", owner: Owner(kind: "Job", uid: "job-uid", controller: false)), true },
        { "name of another set with a longer name", Set(), Pod("kafka-ui-0", owner: Owner()), false },
        { "name without an ordinal", Set(), Pod("kafka", owner: Owner()), false },
        { "another namespace", Set(), Pod("kafka-0", ns: "other", owner: Owner()), false },
    };

    [Theory]
    [MemberData(nameof(Membership))]
    public void Pods_belong_to_the_set_by_controller_reference_or_adoption_and_by_name(string name, V1StatefulSet set, V1Pod pod, bool member)
    {
        Assert.True(StatefulSetUtils.IsMemberOf(set, pod) == member, name);
    }

    // Upstream TestGetPersistentVolumeClaims (stateful_set_utils_test.go), its four steps as cases.
    public static TheoryData<string, Dictionary<string, string>?, Dictionary<string, string>?, Dictionary<string, string>?> ClaimLabels() => new()
    {
        { "nil inherits statefulset labels", null, null, null },
        { "nil inherits statefulset labels (selector with labels)", new() { ["test"] = "test" }, null, new() { ["test"] = "test" } },
        { "non-nil with non-overlapping labels merge pvc and statefulset labels", new() { ["name"] = "foo" }, new() { ["test"] = "test" }, new() { ["test"] = "test", ["name"] = "foo" } },
        { "non-nil with overlapping labels merge pvc and statefulset labels and prefer statefulset labels", new() { ["test"] = "foo" }, new() { ["test"] = "test" }, new() { ["test"] = "foo" } },
    };

    [Theory]
    [MemberData(nameof(ClaimLabels))]
    public void Claim_labels_are_the_templates_with_the_selectors_matchLabels_over_them(
        string name, Dictionary<string, string>? selectorLabels, Dictionary<string, string>? templateLabels, Dictionary<string, string>? expected)
    {
        var set = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "foo", NamespaceProperty = "default" },
            Spec = new V1StatefulSetSpec { Selector = new V1LabelSelector { MatchLabels = selectorLabels } },
        };
        var template = new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "datadir", Labels = templateLabels }, Spec = new V1PersistentVolumeClaimSpec() };

        var claim = StatefulSetUtils.NewClaim(set, template, 0);

        Assert.Equal("datadir-foo-0", claim.Metadata.Name);
        Assert.True(expected is null ? claim.Metadata.Labels is null : expected.OrderBy(l => l.Key).SequenceEqual(claim.Metadata.Labels.OrderBy(l => l.Key)), name);
    }

    [Fact]
    public void Claim_keeps_the_templates_annotations_and_spec_in_the_sets_namespace()
    {
        var set = Set();
        var template = new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta
            {
                Name = "data",
                Annotations = new Dictionary<string, string> { ["volume.beta.kubernetes.io/storage-class"] = "fast" },
            },
            Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"], StorageClassName = "standard" },
            Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" },
        };

        var claim = StatefulSetUtils.NewClaim(set, template, 2);

        Assert.Equal(("data-kafka-2", "streaming"), (claim.Metadata.Name, claim.Metadata.NamespaceProperty));
        Assert.Equal("fast", claim.Metadata.Annotations["volume.beta.kubernetes.io/storage-class"]);
        Assert.Equal("standard", claim.Spec.StorageClassName);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal("kafka", claim.Metadata.Labels["app"]);
        Assert.Null(claim.Status);
        Assert.Equal("data", template.Metadata.Name); // the template itself is not changed
    }

    [Fact]
    public void New_pod_has_the_controllers_identity_and_one_volume_per_claim_template()
    {
        var set = Set();
        set.Spec.Ordinals = new V1StatefulSetOrdinals { Start = 1 };
        set.Spec.Template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "kafka" }, Annotations = new Dictionary<string, string> { ["a"] = "b" } },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "kafka", Image = "apache/kafka:4.1.0" }],
                Volumes =
                [
                    new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() },
                    new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = "kafka" } },
                ],
            },
        };
        set.Spec.VolumeClaimTemplates = [new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data" }, Spec = new V1PersistentVolumeClaimSpec() }];

        var pod = StatefulSetUtils.NewPod(set, 3);

        Assert.Equal(("kafka-3", "streaming"), (pod.Metadata.Name, pod.Metadata.NamespaceProperty));
        Assert.Equal("kafka-3", pod.Metadata.Labels[StatefulSetUtils.PodNameLabel]);
        Assert.Equal("3", pod.Metadata.Labels[StatefulSetUtils.PodIndexLabel]);
        Assert.Equal("kafka", pod.Metadata.Labels["app"]);
        Assert.Equal("b", pod.Metadata.Annotations["a"]);
        Assert.Equal(("kafka-3", "kafka-headless"), (pod.Spec.Hostname, pod.Spec.Subdomain));
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("StatefulSet", "kafka", SetUid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
        Assert.Equal(["data", "config"], pod.Spec.Volumes.Select(v => v.Name));
        Assert.Equal("data-kafka-3", pod.Spec.Volumes[0].PersistentVolumeClaim.ClaimName);
        Assert.Null(pod.Spec.Volumes[0].EmptyDir);
        Assert.Equal(2, set.Spec.Template.Spec.Volumes.Count); // the template itself is not changed
        Assert.False(set.Spec.Template.Metadata.Labels.ContainsKey(StatefulSetUtils.PodNameLabel));
    }

    public static TheoryData<int?, int?, int> Ordinals() => new()
    {
        { null, null, 0 },
        { 1, null, 1 },
        { null, 3, 0 },
        { 5, 2, 5 },
    };

    [Theory]
    [MemberData(nameof(Ordinals))]
    public void Ordinals_start_at_spec_ordinals_start_or_zero(int? start, int? replicas, int expectedStart)
    {
        var set = Set();
        set.Spec.Ordinals = start is null ? null : new V1StatefulSetOrdinals { Start = start };
        set.Spec.Replicas = replicas;

        Assert.Equal(expectedStart, StatefulSetUtils.StartOrdinal(set));
        Assert.Equal(replicas ?? 1, StatefulSetUtils.Replicas(set));
    }
}
