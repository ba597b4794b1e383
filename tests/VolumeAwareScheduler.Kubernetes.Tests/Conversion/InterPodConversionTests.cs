using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>
/// What InterPodAffinity and PodTopologySpread read, converted at the boundary: pod labels and controller, affinity
/// terms (with matchLabelKeys/mismatchLabelKeys merged as the API server does), spread constraints, namespaces and the
/// selectors of Services, ReplicationControllers, ReplicaSets and StatefulSets.
/// </summary>
public sealed class InterPodConversionTests
{
    private static V1Pod Pod(V1Affinity? affinity = null, IList<V1TopologySpreadConstraint>? spread = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "web-0",
            NamespaceProperty = "shop",
            Labels = new Dictionary<string, string> { ["app"] = "web", ["pod-template-hash"] = "5d4f" },
            OwnerReferences =
            [
                new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "not-a-controller", Uid = "u0" },
                new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web-5d4f", Uid = "u1", Controller = true },
            ],
        },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c" }], Affinity = affinity, TopologySpreadConstraints = spread },
    };

    private static V1LabelSelector App(string value) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = value } };

    [Fact]
    public void Labels_and_the_controlling_owner_are_kept()
    {
        var pod = Converter.ToPod(Pod());
        Assert.Equal("web", pod.Labels["app"]);
        Assert.Equal(new ControllerReference("apps/v1", "ReplicaSet", "web-5d4f"), pod.Controller);
    }

    [Fact]
    public void Affinity_terms_keep_namespaces_and_namespaceSelector_and_merge_label_keys()
    {
        var term = new V1PodAffinityTerm
        {
            LabelSelector = App("web"),
            TopologyKey = "kubernetes.io/hostname",
            Namespaces = ["shop", "shop-canary"],
            NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["team"] = "shop" } },
            MatchLabelKeys = ["pod-template-hash", "absent"],
            MismatchLabelKeys = ["app"],
        };
        var pod = Converter.ToPod(Pod(new V1Affinity
        {
            PodAffinity = new V1PodAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [new V1WeightedPodAffinityTerm { Weight = 40, PodAffinityTerm = term }] },
            PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [term] },
        }));

        var anti = Assert.Single(pod.RequiredPodAntiAffinity);
        Assert.Equal("app=web,pod-template-hash in (5d4f),app notin (web)", anti.LabelSelector!.ToString());
        Assert.Equal(["shop", "shop-canary"], anti.Namespaces.ToArray());
        Assert.Equal("team=shop", anti.NamespaceSelector!.ToString());
        Assert.Equal("kubernetes.io/hostname", anti.TopologyKey);
        var preferred = Assert.Single(pod.PreferredPodAffinity);
        Assert.Equal(40, preferred.Weight);
        Assert.Equal(anti.LabelSelector.ToString(), preferred.Term.LabelSelector!.ToString());
        Assert.Empty(pod.RequiredPodAffinity);
        Assert.True(pod.HasPodAffinityTerms);
    }

    [Fact]
    public void Spread_constraints_keep_what_the_plugin_defaults_unset()
    {
        var pod = Converter.ToPod(Pod(spread:
        [
            new V1TopologySpreadConstraint { MaxSkew = 1, TopologyKey = "topology.kubernetes.io/zone", WhenUnsatisfiable = "DoNotSchedule", LabelSelector = App("web"), MinDomains = 3, NodeTaintsPolicy = "Honor", MatchLabelKeys = ["pod-template-hash"] },
            new V1TopologySpreadConstraint { MaxSkew = 2, TopologyKey = "kubernetes.io/hostname", WhenUnsatisfiable = "ScheduleAnyway" },
        ]));
        Assert.Equal(2, pod.TopologySpreadConstraints.Length);
        var zone = pod.TopologySpreadConstraints[0];
        Assert.Equal((1, UnsatisfiableConstraintAction.DoNotSchedule, 3, (NodeInclusionPolicy?)null, NodeInclusionPolicy.Honor), (zone.MaxSkew, zone.WhenUnsatisfiable, zone.MinDomains!.Value, zone.NodeAffinityPolicy, zone.NodeTaintsPolicy!.Value));
        Assert.Equal(["pod-template-hash"], zone.MatchLabelKeys.ToArray());
        var host = pod.TopologySpreadConstraints[1];
        Assert.Equal((UnsatisfiableConstraintAction.ScheduleAnyway, (int?)null, (LabelSelector?)null), (host.WhenUnsatisfiable, host.MinDomains, host.LabelSelector));
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "whenUnsatisfiable", "spec.topologySpreadConstraints[0].whenUnsatisfiable \"Sometimes\" is not DoNotSchedule or ScheduleAnyway" },
        { "maxSkew", "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero" },
        { "nodeTaintsPolicy", "spec.topologySpreadConstraints[0].nodeTaintsPolicy \"Always\" is not Honor or Ignore" },
        { "topologyKey", "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_fields_are_conversion_errors_naming_the_field(string field, string message)
    {
        var spread = new V1TopologySpreadConstraint { MaxSkew = 1, TopologyKey = "zone", WhenUnsatisfiable = "DoNotSchedule" };
        V1Affinity? affinity = null;
        switch (field)
        {
            case "whenUnsatisfiable": spread.WhenUnsatisfiable = "Sometimes"; break;
            case "maxSkew": spread.MaxSkew = 0; break;
            case "nodeTaintsPolicy": spread.NodeTaintsPolicy = "Always"; break;
            case "topologyKey": affinity = new V1Affinity { PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [new V1PodAffinityTerm { LabelSelector = App("web") }] } }; break;
        }
        var error = Assert.Throws<ConversionException>(() => Converter.ToPod(Pod(affinity, [spread])));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Namespaces_and_workload_selectors_are_converted()
    {
        Assert.Equal("team=shop", new LabelSelector(Converter.ToNamespace(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop", Labels = new Dictionary<string, string> { ["team"] = "shop" } } }).Labels, []).ToString());
        var service = Converter.ToService(new V1Service { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" } } });
        Assert.Equal((new ObjectKey("shop", "web"), "web"), (service.Key, service.Selector!["app"]));
        Assert.Null(Converter.ToService(new V1Service { Metadata = new V1ObjectMeta { Name = "external" }, Spec = new V1ServiceSpec { Type = "ExternalName" } }).Selector);
        Assert.Equal("app=web", Converter.ToReplicaSet(new V1ReplicaSet { Metadata = new V1ObjectMeta { Name = "web-5d4f" }, Spec = new V1ReplicaSetSpec { Selector = App("web") } }).Selector!.ToString());
        Assert.Equal("app=db", Converter.ToStatefulSet(new V1StatefulSet { Metadata = new V1ObjectMeta { Name = "db" }, Spec = new V1StatefulSetSpec { Selector = App("db") } }).Selector!.ToString());
        Assert.Equal("legacy", Converter.ToReplicationController(new V1ReplicationController { Metadata = new V1ObjectMeta { Name = "legacy" }, Spec = new V1ReplicationControllerSpec { Selector = new Dictionary<string, string> { ["app"] = "legacy" } } }).Selector!["app"]);
    }
}
