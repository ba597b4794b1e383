using System.Buffers;
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
    private List<Action>? _returns;

    /// <summary>The cluster as this cycle sees it (one snapshot for the whole cycle).</summary>
    public ClusterState Cluster { get; } = cluster;

    /// <summary>The nodes this cycle evaluates, in order.</summary>
    public IReadOnlyList<NodeInfo> Nodes { get; } = nodes;

    /// <summary>Where Reserve records its assumptions, set by the framework's Reserve and Unreserve; null before.</summary>
    public AssumeLedger? Ledger { get; internal set; }

    /// <summary>The framework running this cycle (upstream's framework Handle): PostFilter reruns filters through it.</summary>
    public SchedulingFramework? Framework { get; init; }

    /// <summary>
    /// Set by the framework when it filters only the nodes a PreFilter plugin names (<see cref="CandidateNodes"/>);
    /// a plugin offers them only then, so that the framework's other callers keep the plain path.
    /// </summary>
    public bool AcceptsCandidateNodes { get; init; }

    /// <summary>
    /// The caller reads only the nodes' statuses (the extender's filter): plugins may skip recording what Score and
    /// Reserve would read (VolumeBinding's PodVolumes).
    /// </summary>
    public bool StatusesOnly { get; init; }

    /// <summary>The nodes a PreFilter plugin promised are the only ones that can pass its Filter; null: no promise.</summary>
    public CandidateNodes? Candidates { get; private set; }

    /// <summary>
    /// PreFilter: <paramref name="candidates"/> are the only nodes that can pass this plugin's Filter. A second plugin's
    /// promise narrows the first's (their intersection, with no shared rejection).
    /// </summary>
    public void NarrowToCandidates(CandidateNodes candidates)
    {
        if (Candidates is not { } first)
        {
            Candidates = candidates;
            return;
        }
        var both = Rent<int>(Math.Min(first.Count, candidates.Count));
        var count = 0;
        for (var i = 0; i < first.Count; i++)
        {
            if (candidates.Contains(first.Indices[i])) both[count++] = first.Indices[i];
        }
        Candidates = new CandidateNodes(first.Plugin, both, count, sharedRejection: null);
    }

    /// <summary>
    /// A cleared array of at least <paramref name="length"/> for this cycle's data: from the shared pool when the caller
    /// reads only statuses (the extender's filter, which disposes the <see cref="SchedulingResult"/> and so gives it
    /// back), else a new one of that length (a scheduling cycle's result lives on through Reserve). Rented by PreFilter,
    /// which runs on one thread.
    /// </summary>
    public T[] Rent<T>(int length)
    {
        if (!StatusesOnly) return new T[length];
        var array = ArrayPool<T>.Shared.Rent(Math.Max(1, length));
        Array.Clear(array, 0, Math.Max(1, length));
        (_returns ??= []).Add(() => ArrayPool<T>.Shared.Return(array, clearArray: System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>()));
        return array;
    }

    /// <summary>Gives back every array <see cref="Rent{T}"/> handed out; nothing may read them afterwards.</summary>
    internal void ReturnRented()
    {
        if (_returns is null) return;
        foreach (var giveBack in _returns) giveBack();
        _returns = null;
    }

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
