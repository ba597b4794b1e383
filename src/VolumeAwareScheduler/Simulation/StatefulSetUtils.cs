using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Simulation;

/// <summary>
/// The StatefulSet controller's naming and membership rules, after pkg/controller/statefulset/stateful_set_utils.go
/// (getParentNameAndOrdinal, getStartOrdinal, getPodName, getPersistentVolumeClaimName, isMemberOf,
/// getPersistentVolumeClaims, newStatefulSetPod) and stateful_set.go getPodsForStatefulSet (ClaimPods).
/// </summary>
public static partial class StatefulSetUtils
{
    /// <summary>apps.StatefulSetPodNameLabel.</summary>
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";

    /// <summary>apps.PodIndexLabel (feature PodIndexLabel, on by default since v1.28).</summary>
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    [GeneratedRegex("^(.*)-([0-9]+)$")]
    private static partial Regex StatefulPodRegex();

    /// <summary>
    /// The parent set's name and the ordinal in a pod's name: "web-2" is ("web", 2). A name without a numeric suffix has
    /// parent "" and ordinal -1; a suffix beyond int32 keeps its parent and has ordinal -1, as upstream's ParseInt(…, 32).
    /// </summary>
    public static (string Parent, int Ordinal) ParentNameAndOrdinal(string podName)
    {
        var match = StatefulPodRegex().Match(podName);
        if (!match.Success) return ("", -1);
        var ordinal = int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1;
        return (match.Groups[1].Value, ordinal);
    }

    /// <summary>spec.ordinals.start, or 0 (StatefulSetStartOrdinal is GA).</summary>
    public static int StartOrdinal(V1StatefulSet set) => set.Spec?.Ordinals?.Start ?? 0;

    /// <summary>spec.replicas, defaulted to 1 as the API server does.</summary>
    public static int Replicas(V1StatefulSet set) => set.Spec?.Replicas ?? 1;

    public static string PodName(V1StatefulSet set, int ordinal) =>
        string.Create(CultureInfo.InvariantCulture, $"{set.Metadata.Name}-{ordinal}");

    public static string ClaimName(V1StatefulSet set, V1PersistentVolumeClaim template, int ordinal) =>
        string.Create(CultureInfo.InvariantCulture, $"{template.Metadata?.Name}-{set.Metadata.Name}-{ordinal}");

    /// <summary>
    /// Whether the controller counts <paramref name="pod"/> as one of <paramref name="set"/>'s: same namespace, a name
    /// "&lt;set&gt;-&lt;digits&gt;" (isMemberOf), and either controlled by the set (by uid when both have one, else by kind
    /// and name) or an orphan whose labels match the set's selector (which the controller adopts). A pod controlled by
    /// anything else is not the set's.
    /// </summary>
    public static bool IsMemberOf(V1StatefulSet set, V1Pod pod)
    {
        if (NamespaceOf(set.Metadata) != NamespaceOf(pod.Metadata)) return false;
        if (ParentNameAndOrdinal(pod.Metadata?.Name ?? "").Parent != set.Metadata.Name) return false;
        var controller = pod.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        if (controller is not null)
        {
            if (!string.IsNullOrEmpty(set.Metadata.Uid) && !string.IsNullOrEmpty(controller.Uid)) return controller.Uid == set.Metadata.Uid;
            return controller.Kind == "StatefulSet" && controller.Name == set.Metadata.Name;
        }
        if (set.Spec?.Selector is not { } selector) return false;
        var labels = new Dictionary<string, string>(pod.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        return SelectorMatching.Matches(Converter.ToLabelSelector(selector, "spec.selector"), labels);
    }

    /// <summary>
    /// The claim the controller creates for a template at an ordinal (getPersistentVolumeClaims): a copy of the template,
    /// its labels, annotations and spec included, named "&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;" in the set's namespace,
    /// with the set's selector matchLabels added over the template's labels.
    /// </summary>
    public static V1PersistentVolumeClaim NewClaim(V1StatefulSet set, V1PersistentVolumeClaim template, int ordinal)
    {
        var claim = KubernetesJson.Deserialize<V1PersistentVolumeClaim>(KubernetesJson.Serialize(template));
        claim.ApiVersion = "v1";
        claim.Kind = "PersistentVolumeClaim";
        claim.Metadata ??= new V1ObjectMeta();
        claim.Metadata.Name = ClaimName(set, template, ordinal);
        claim.Metadata.NamespaceProperty = NamespaceOf(set.Metadata);
        if (set.Spec?.Selector?.MatchLabels is { Count: > 0 } matchLabels)
        {
            claim.Metadata.Labels ??= new Dictionary<string, string>();
            foreach (var (key, value) in matchLabels) claim.Metadata.Labels[key] = value;
        }
        claim.Status = null;
        return claim;
    }

    /// <summary>
    /// The pod the controller creates at an ordinal (newStatefulSetPod): the template's labels, annotations and spec,
    /// owned by the set, with its identity (name, pod-name and pod-index labels, hostname, subdomain) and one volume per
    /// claim template pointing at that ordinal's claim, replacing a template volume of the same name (updateStorage).
    /// </summary>
    public static V1Pod NewPod(V1StatefulSet set, int ordinal)
    {
        var template = set.Spec?.Template ?? new V1PodTemplateSpec();
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = template.Metadata is null ? new V1ObjectMeta() : KubernetesJson.Deserialize<V1ObjectMeta>(KubernetesJson.Serialize(template.Metadata)),
            Spec = template.Spec is null ? new V1PodSpec() : KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec)),
        };
        var name = PodName(set, ordinal);
        pod.Metadata.Name = name;
        pod.Metadata.GenerateName = null;
        pod.Metadata.NamespaceProperty = NamespaceOf(set.Metadata);
        pod.Metadata.Labels ??= new Dictionary<string, string>();
        pod.Metadata.Labels[PodNameLabel] = name;
        pod.Metadata.Labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
        pod.Metadata.OwnerReferences =
        [
            new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = set.Metadata.Name, Uid = set.Metadata.Uid, Controller = true, BlockOwnerDeletion = true },
        ];
        pod.Spec.Hostname = name;
        if (!string.IsNullOrEmpty(set.Spec?.ServiceName)) pod.Spec.Subdomain = set.Spec.ServiceName;
        var claimTemplates = set.Spec?.VolumeClaimTemplates ?? [];
        var volumes = claimTemplates
            .Select(t => new V1Volume { Name = t.Metadata?.Name, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(set, t, ordinal) } })
            .ToList();
        volumes.AddRange((pod.Spec.Volumes ?? []).Where(v => !claimTemplates.Any(t => t.Metadata?.Name == v.Name)));
        pod.Spec.Volumes = volumes;
        return pod;
    }

    private static string NamespaceOf(V1ObjectMeta? metadata) =>
        string.IsNullOrEmpty(metadata?.NamespaceProperty) ? "default" : metadata.NamespaceProperty;
}
