using k8s.Models;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>
/// What the pods of a scheduler-alone run ask for besides their claim: nothing (plain WaitForFirstConsumer), or one of
/// the inter-pod rules of scheduler_perf's workloads (test/integration/scheduler_perf/config/templates: pod anti-affinity
/// on the hostname, required or preferred; zone topology spreading), always with the pod's own local PV claim.
/// </summary>
/// <param name="Name">The shape's name in reports and on the command line.</param>
/// <param name="Description">What the pods ask for, in a report's words.</param>
/// <param name="UpstreamWorkload">The scheduler_perf workload of that shape (no volumes there), if any.</param>
/// <param name="UpstreamThreshold">Its pods/s threshold at 5,000 nodes (kubernetes-v1.37 performance-config.yaml).</param>
/// <param name="OnePerNode">Each pod needs a node of its own: no more pods than nodes.</param>
public sealed record PodShape(string Name, string Description, string? UpstreamWorkload, double? UpstreamThreshold, bool OnePerNode)
{
    /// <summary>The label every pod of a run carries; the inter-pod rules select on it.</summary>
    public const string AppLabel = "app";
    public const string AppValue = "web";

    public static PodShape Plain { get; } = new("plain", "one local PV claim (WaitForFirstConsumer)", "SchedulingInTreePVs", 290, OnePerNode: false);

    public static PodShape RequiredAntiAffinity { get; } = new("anti-affinity", "required pod anti-affinity on kubernetes.io/hostname", "SchedulingPodAntiAffinity", 60, OnePerNode: true);

    public static PodShape ZoneSpread { get; } = new("zone-spread", "zone topology spread over 3 zones, maxSkew 1, DoNotSchedule", "TopologySpreading", 460, OnePerNode: false);

    public static PodShape PreferredAntiAffinity { get; } = new("preferred-anti-affinity", "preferred pod anti-affinity on kubernetes.io/hostname (weight 1)", "SchedulingPreferredPodAntiAffinity", 90, OnePerNode: false);

    /// <summary>The shapes run beside the plain one, in report order.</summary>
    public static IReadOnlyList<PodShape> InterPod { get; } = [RequiredAntiAffinity, ZoneSpread, PreferredAntiAffinity];

    /// <summary>The pod of this shape: <see cref="E2eScenario.Pod"/> plus the shape's affinity or spread constraint.</summary>
    public V1Pod Pod(string name, string claim)
    {
        var pod = E2eScenario.Pod(name, claim);
        var selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [AppLabel] = AppValue } };
        var hostnameTerm = new V1PodAffinityTerm { LabelSelector = selector, TopologyKey = E2eScenario.HostnameLabel };
        if (this == RequiredAntiAffinity)
        {
            pod.Spec.Affinity = new V1Affinity { PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [hostnameTerm] } };
        }
        else if (this == PreferredAntiAffinity)
        {
            pod.Spec.Affinity = new V1Affinity
            {
                PodAntiAffinity = new V1PodAntiAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [new V1WeightedPodAffinityTerm { Weight = 1, PodAffinityTerm = hostnameTerm }] },
            };
        }
        else if (this == ZoneSpread)
        {
            pod.Spec.TopologySpreadConstraints =
            [
                new V1TopologySpreadConstraint { MaxSkew = 1, TopologyKey = E2eScenario.ZoneLabel, WhenUnsatisfiable = "DoNotSchedule", LabelSelector = selector },
            ];
        }
        return pod;
    }
}
