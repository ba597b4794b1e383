using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// What one scheduling cycle shares between its plugins (framework/cycle_state.go): the snapshot the cycle reads, the
/// nodes it filters (Filter's node index refers to this list) and each plugin's PreFilter/PreScore data under the
/// plugin's key. Written by PreFilter and PreScore, which run on one thread; read by Filter and Score, which may run
/// on many.
/// </summary>
public sealed class CycleState(ClusterState cluster, IReadOnlyList<NodeInfo> nodes)
{
    private readonly Dictionary<string, object> _data = new(16, StringComparer.Ordinal); // a profile's plugins write about ten
    private HashSet<string>? _skipFilter;
    private HashSet<string>? _skipScore;
    private HashSet<string>? _skipPreBind;

    /// <summary>The cluster as this cycle sees it (one snapshot for the whole cycle).</summary>
    public ClusterState Cluster { get; } = cluster;

    /// <summary>The nodes this cycle evaluates, in order.</summary>
    public IReadOnlyList<NodeInfo> Nodes { get; } = nodes;

    /// <summary>Where Reserve records its assumptions, set by the framework's Reserve and Unreserve; null before.</summary>
    public AssumeLedger? Ledger { get; internal set; }

    /// <summary>The framework running this cycle (upstream's framework Handle): PostFilter reruns filters through it.</summary>
    public SchedulingFramework? Framework { get; init; }

    public void Write(string key, object value) => _data[key] = value;

    public T? Read<T>(string key) where T : class => _data.TryGetValue(key, out var value) ? value as T : null;

    /// <summary>Plugins whose PreFilter answered Skip: their Filter does not run in this cycle.</summary>
    public bool SkipsFilter(string plugin) => _skipFilter?.Contains(plugin) == true;

    /// <summary>Plugins whose PreScore answered Skip: their Score does not run in this cycle.</summary>
    public bool SkipsScore(string plugin) => _skipScore?.Contains(plugin) == true;

    /// <summary>Plugins whose PreBindPreFlight answered Skip: their PreBind does not run in this cycle (GetSkipPreBindPlugins).</summary>
    public bool SkipsPreBind(string plugin) => _skipPreBind?.Contains(plugin) == true;

    /// <summary>SetSkipPreBindPlugins: replaces the set.</summary>
    internal void SetSkipPreBind(HashSet<string>? plugins) => _skipPreBind = plugins;

    internal void SkipFilter(string plugin) => (_skipFilter ??= new HashSet<string>(StringComparer.Ordinal)).Add(plugin);

    internal void SkipScore(string plugin) => (_skipScore ??= new HashSet<string>(StringComparer.Ordinal)).Add(plugin);
}
