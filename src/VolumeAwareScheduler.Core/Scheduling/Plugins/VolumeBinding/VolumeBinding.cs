using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/volumebinding/volume_binding.go: a thin façade over
/// <see cref="VolumeBinder"/>, which holds the decisions.
/// <list type="bullet">
/// <item>PreFilter: GetPodVolumeClaims (Skip for a pod without claims; missing, lost, deleted or unowned claims and
/// unbound immediate claims reject the pod), each delayed claim's best PV on every node of the cycle from one index
/// query, and GetEligibleNodes as a PreFilterResult for bound local PVs. Beyond upstream: when no delayed claim's class
/// can provision, only the nodes where every such claim has a PV can pass, and PreFilter names them to the framework
/// (<see cref="CandidateNodes"/>: no answer changes, the other nodes are just not filtered until read).</item>
/// <item>Filter: FindPodVolumes on the node; the node's PodVolumes are kept for Score and Reserve (unless the caller
/// reads only statuses).</item>
/// <item>Score: per storage class, the requested share of the chosen PVs' capacity (or of the CSIStorageCapacity
/// that provisioning would use) mapped through <see cref="VolumeBindingArgs.Shape"/>, averaged over classes.</item>
/// <item>Reserve: AssumePodVolumes in the cycle's <see cref="State.AssumeLedger"/>; Unreserve reverts it.</item>
/// <item>PreBindPreFlight: Skip when the node's volumes are all bound (nothing to write), else Success.</item>
/// <item>PreBind: BindPodVolumes through the framework's <see cref="IBindingClient"/>: the PV claimRefs and
/// selected-node annotations, then the wait for the PV controller, up to <see cref="VolumeBindingArgs.BindTimeoutSeconds"/>;
/// a failure (conflict, refusal, timeout) is an Error, and the binding cycle reverts the assumption.</item>
/// </list>
/// </summary>
public sealed class VolumeBinding(VolumeBindingArgs args) : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin, IReservePlugin, IPreBindPlugin
{
    public const string PluginName = "VolumeBinding";

    /// <summary>The shape in framework units: scores 0–10 of the args times MaxNodeScore / MaxCustomPriorityScore.</summary>
    private readonly FunctionShapePoint[] _shape = [.. args.Shape.Select(p => p with { Score = p.Score * (NodeScore.MaxNodeScore / 10) })];

    public VolumeBinding() : this(new VolumeBindingArgs())
    {
    }

    public string Name => PluginName;

    public VolumeBindingArgs Args { get; } = args;

    public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
    {
        result = null;
        var binder = new VolumeBinder(state.Cluster);
        var (status, claims) = binder.GetPodVolumeClaims(pod);
        if (!status.IsSuccess) return status;
        var matches = binder.PrepareMatches(claims, state.Nodes, state.Rent<VolumeInfo?>);
        state.Write(PluginName, new StateData(binder, claims, matches, state.StatusesOnly ? [] : state.Rent<PodVolumes?>(state.Nodes.Count)));
        if (state.AcceptsCandidateNodes && matches is not null && binder.CandidateNodes(claims, matches, state.Rent<int>, out var count) is { } candidates)
        {
            // Without bound claims every other node is rejected alike; with them, by its own bound-claim reasons too.
            var shared = claims.BoundClaims.Count == 0 ? VolumeBinder.RejectionWithoutMatch : null;
            state.NarrowToCandidates(new CandidateNodes(PluginName, candidates, count, shared));
        }
        if (binder.GetEligibleNodes(claims.BoundClaims) is { } eligible) result = new PreFilterResult(eligible);
        return Status.Success;
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        if (state.Read<StateData>(PluginName) is not { } data) return Status.Error(PluginName, "reading \"VolumeBinding\" from cycle state: not found");
        var found = data.Binder.FindPodVolumes(data.Claims, node, data.Matches, nodeIndex, record: !state.StatusesOnly);
        if (found.Error is not null) return Status.Error(PluginName, found.Error);
        if (!found.IsFeasible) return found.ToRejectedStatus();
        if ((uint)nodeIndex < (uint)data.PodVolumesByNode.Length) data.PodVolumesByNode[nodeIndex] = found.Volumes;
        return Status.Success;
    }

    /// <summary>The PodVolumes Filter chose for the node at <paramref name="nodeIndex"/> of the cycle, if any.</summary>
    public static PodVolumes? PodVolumesOn(CycleState state, int nodeIndex) =>
        state.Read<StateData>(PluginName) is { } data && (uint)nodeIndex < (uint)data.PodVolumesByNode.Length ? data.PodVolumesByNode[nodeIndex] : null;

    /// <summary>The pod's claims as PreFilter split them; null when the pod has none (PreFilter answered Skip).</summary>
    public static PodVolumeClaims? ClaimsOf(CycleState state) => state.Read<StateData>(PluginName)?.Claims;

    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible) =>
        state.Read<StateData>(PluginName) is null ? Status.Skip(PluginName) : Status.Success;

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        status = Status.Success;
        if (state.Read<StateData>(PluginName) is not { } data || PodVolumesOn(state, nodeIndex) is not { } volumes) return 0;
        // Per storage class (a pod's claims rarely span more than one or two: a short list, not a dictionary per node).
        var classes = new ClassUsage[Math.Max(volumes.StaticBindings.Count, volumes.DynamicProvisions.Count)];
        var count = 0;
        if (volumes.StaticBindings.Count > 0)
        {
            foreach (var binding in volumes.StaticBindings)
            {
                var i = Find(classes, count, binding.Volume.StorageClassName);
                if (i < 0) classes[i = count++] = new ClassUsage(binding.Volume.StorageClassName, 0, 0);
                classes[i] = classes[i] with { Requested = classes[i].Requested + binding.Claim.RequestBytes, Capacity = classes[i].Capacity + binding.Volume.CapacityBytes };
            }
        }
        else
        {
            foreach (var claim in volumes.DynamicProvisions)
            {
                if (state.Cluster.GetStorageClass(claim.StorageClassName) is not { } storageClass) continue;
                if (data.Binder.EnoughCapacity(storageClass, claim, node).Capacity is not { CapacityBytes: { } capacity }) continue;
                // The capacity is the node's for the class, not a sum: two claims on one pool share it.
                var i = Find(classes, count, claim.StorageClassName);
                if (i < 0) classes[i = count++] = new ClassUsage(claim.StorageClassName, 0, 0);
                classes[i] = classes[i] with { Requested = classes[i].Requested + claim.RequestBytes, Capacity = capacity };
            }
        }
        if (count == 0) return 0;
        long sum = 0;
        for (var i = 0; i < count; i++)
        {
            var (_, requested, capacity) = classes[i];
            var utilization = capacity == 0 || requested > capacity ? 100 : (long)((Int128)requested * 100 / capacity);
            sum += FunctionShape.Evaluate(_shape, utilization);
        }
        return (long)Math.Round((double)sum / count, MidpointRounding.AwayFromZero);
    }

    private static int Find(ClassUsage[] classes, int count, string storageClass)
    {
        for (var i = 0; i < count; i++)
        {
            if (string.Equals(classes[i].StorageClass, storageClass, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    public Status Reserve(CycleState state, PodInfo pod, string nodeName)
    {
        if (state.Read<StateData>(PluginName) is null) return Status.Success;
        var volumes = VolumesFor(state, nodeName);
        if (volumes is null || volumes.IsEmpty) return Status.Success;
        if (state.Ledger is not { } ledger) return Status.Error(PluginName, "no assume ledger in this cycle");
        var assumed = ledger.Assume(pod.Key, nodeName, volumes);
        return assumed.Succeeded ? Status.Success : Status.Error(PluginName, assumed.Error!);
    }

    public void Unreserve(CycleState state, PodInfo pod, string nodeName) => state.Ledger?.Revert(pod.Key);

    /// <summary>PreBindPreFlight (volume_binding.go): Skip when the pod has no volumes to bind on the node (allBound).</summary>
    public Status PreBindPreFlight(CycleState state, PodInfo pod, string nodeName) =>
        VolumesToBind(state, nodeName) is null ? Status.Skip(PluginName) : Status.Success;

    /// <summary>PreBind (volume_binding.go): BindPodVolumes, which writes, then waits for the PV controller.</summary>
    public async ValueTask<Status> PreBindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken)
    {
        if (VolumesToBind(state, nodeName) is not { } volumes) return Status.Success; // no need to bind volumes
        if (state.Framework?.Client is not { } client) return Status.Error(PluginName, "no API client to bind the pod's volumes with");
        var written = await client.BindPodVolumesAsync(pod, nodeName, volumes, TimeSpan.FromSeconds(Args.BindTimeoutSeconds), cancellationToken).ConfigureAwait(false);
        return written.Succeeded ? Status.Success : Status.Error(PluginName, written.Error!);
    }

    /// <summary>The node's volumes when some are to be bound or provisioned; null when all are bound (or the pod has none).</summary>
    private static PodVolumes? VolumesToBind(CycleState state, string nodeName) =>
        state.Read<StateData>(PluginName) is not null && VolumesFor(state, nodeName) is { IsEmpty: false } volumes ? volumes : null;

    private static PodVolumes? VolumesFor(CycleState state, string nodeName)
    {
        // The framework passes the selected node's own name: found by reference without comparing thousands of names.
        var nodes = state.Nodes;
        for (var i = 0; i < nodes.Count; i++)
        {
            if (ReferenceEquals(nodes[i].Name, nodeName)) return PodVolumesOn(state, i);
        }
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].Name == nodeName) return PodVolumesOn(state, i);
        }
        return null;
    }

    private readonly record struct ClassUsage(string StorageClass, long Requested, long Capacity);

    private sealed record StateData(VolumeBinder Binder, PodVolumeClaims Claims, ClaimMatches? Matches, PodVolumes?[] PodVolumesByNode);
}
