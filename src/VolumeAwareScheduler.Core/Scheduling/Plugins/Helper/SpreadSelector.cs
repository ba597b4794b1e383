using System.Collections.Frozen;
using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

/// <summary>Mirrors pkg/scheduler/framework/plugins/helper/spread.go (DefaultSelector, GetPodServices).</summary>
public static class SpreadSelector
{
    /// <summary>
    /// DefaultSelector: the selectors of the pod's Services (those of its namespace whose selector matches it; a
    /// Service without selector selects nothing) merged, then its controller's: a v1 ReplicationController's selector
    /// is merged into the labels, an apps/v1 ReplicaSet's or StatefulSet's requirements are added. Empty when nothing
    /// selects the pod.
    /// </summary>
    public static LabelSelector DefaultSelector(PodInfo pod, ClusterState cluster)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in cluster.ServicesIn(pod.Key.Namespace))
        {
            if (service.Selector is not { } selector || !IsSubset(selector, pod.Labels)) continue;
            // Services, RCs, RSs and SSs that match the pod cannot have conflicting labels: merging is safe.
            foreach (var (key, value) in selector) labels[key] = value;
        }
        var requirements = ImmutableArray<SelectorRequirement>.Empty;
        if (pod.Controller is { } owner)
        {
            var key = new ObjectKey(pod.Key.Namespace, owner.Name);
            switch (owner.ApiVersion, owner.Kind)
            {
                case ("v1", "ReplicationController"):
                    if (cluster.GetReplicationController(key)?.Selector is { } rc)
                    {
                        foreach (var (k, v) in rc) labels[k] = v;
                    }
                    break;
                case ("apps/v1", "ReplicaSet"):
                    if (cluster.GetReplicaSet(key)?.Selector is { } rs) requirements = RequirementsOf(rs);
                    break;
                case ("apps/v1", "StatefulSet"):
                    if (cluster.GetStatefulSet(key)?.Selector is { } ss) requirements = RequirementsOf(ss);
                    break;
            }
        }
        return new LabelSelector(labels.ToFrozenDictionary(StringComparer.Ordinal), requirements);
    }

    /// <summary>A label selector's requirements: its matchLabels as "key in (value)", then its matchExpressions.</summary>
    private static ImmutableArray<SelectorRequirement> RequirementsOf(LabelSelector selector) =>
        [.. selector.MatchLabels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new SelectorRequirement(p.Key, SelectorOperator.In, [p.Value])),
            .. selector.MatchExpressions.IsDefault ? [] : selector.MatchExpressions];

    private static bool IsSubset(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        return true;
    }
}
