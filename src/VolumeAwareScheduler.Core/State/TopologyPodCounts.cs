using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.State;

/// <summary>
/// Per value of one topology key, over the nodes that carry every key of a set: how many nodes have that value (the
/// domains) and how many pods of one namespace a label selector matches, terminating pods left out, are assigned to
/// them. PodTopologySpread's PreFilter (calPreFilterState) recounts this over every node each cycle; the cluster state
/// keeps it up to date as pods and nodes change instead (<see cref="ClusterState.MatchingPodsByDomain"/>). Written only
/// by the state's writer; read by any number of readers between writes.
/// </summary>
internal sealed class TopologyPodCounts
{
    private readonly string _namespace;
    private readonly LabelSelector _selector;
    private readonly bool _selectsNothing;
    private readonly string[] _keys;
    private readonly string _key;
    private readonly Dictionary<string, int> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pods = new(StringComparer.Ordinal);

    /// <summary>Counts over the nodes and pods of <paramref name="cluster"/> as it is now.</summary>
    public TopologyPodCounts(ClusterState cluster, string ns, LabelSelector selector, string[] keys, string key)
    {
        _namespace = ns;
        _selector = selector;
        _selectsNothing = selector.MatchLabels.Count == 0 && selector.MatchExpressions.IsDefaultOrEmpty;
        _keys = keys;
        _key = key;
        foreach (var node in cluster.Nodes) AddNode(node, cluster.PodsOn(node.Name));
    }

    /// <summary>Every domain (a value of the key on some node carrying all keys) with its matching pods, 0 included; a new dictionary.</summary>
    public Dictionary<string, int> Snapshot()
    {
        var counts = new Dictionary<string, int>(_nodes.Count, StringComparer.Ordinal);
        foreach (var value in _nodes.Keys) counts[value] = _pods.GetValueOrDefault(value);
        return counts;
    }

    /// <summary>
    /// The value of the key on <paramref name="node"/> when it carries every key, else null. With no keys every node
    /// has a domain: "" when it lacks the key (PodTopologySpread's scoring with the system default constraints).
    /// </summary>
    public string? DomainOf(NodeInfo? node)
    {
        if (node is null) return null;
        if (_keys.Length == 0) return node.Labels.GetValueOrDefault(_key, "");
        foreach (var key in _keys)
        {
            if (!node.Labels.ContainsKey(key)) return null;
        }
        return node.Labels[_key];
    }

    /// <summary>countPodsMatchSelector's rule for one pod: of the namespace, not terminating, matched by a selector that is not empty.</summary>
    public bool Counts(PodInfo pod) =>
        !_selectsNothing && !pod.IsDeleting && pod.Key.Namespace == _namespace && SelectorMatching.Matches(_selector, pod.Labels);

    /// <summary>How many of <paramref name="pods"/> are counted.</summary>
    public int CountOf(IEnumerable<PodInfo> pods)
    {
        if (_selectsNothing) return 0;
        var count = 0;
        foreach (var pod in pods)
        {
            if (Counts(pod)) count++;
        }
        return count;
    }

    /// <summary>A pod assigned to <paramref name="node"/> (null: a node the state does not have) came (+1) or went (-1).</summary>
    public void OnPod(PodInfo pod, NodeInfo? node, int delta)
    {
        if (DomainOf(node) is { } value && Counts(pod)) Add(_pods, value, delta);
    }

    /// <summary>A node came with the pods already assigned to it.</summary>
    public void AddNode(NodeInfo node, IEnumerable<PodInfo> pods)
    {
        if (DomainOf(node) is not { } value) return;
        Add(_nodes, value, 1);
        Add(_pods, value, CountOf(pods));
    }

    /// <summary>A node went (or is about to be replaced) with the pods assigned to it.</summary>
    public void RemoveNode(NodeInfo node, IEnumerable<PodInfo> pods)
    {
        if (DomainOf(node) is not { } value) return;
        Add(_nodes, value, -1);
        Add(_pods, value, -CountOf(pods));
    }

    private static void Add(Dictionary<string, int> counts, string value, int delta)
    {
        if (delta == 0) return;
        var left = counts.GetValueOrDefault(value) + delta;
        if (left == 0) counts.Remove(value);
        else counts[value] = left;
    }
}
