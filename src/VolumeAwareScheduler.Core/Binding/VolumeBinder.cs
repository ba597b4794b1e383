using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Binding;

/// <summary>
/// The decision object of delayed volume binding. Mirrors SchedulerVolumeBinder in
/// pkg/scheduler/framework/plugins/volumebinding/binder.go (Kubernetes v1.37). The lifecycle of one pod:
/// <list type="number">
/// <item>PreFilter: <see cref="GetPodVolumeClaims"/> resolves the pod's claims (persistentVolumeClaim and generic
/// ephemeral volumes), rejects the pod when one is missing, lost, being deleted or not owned, and splits them into
/// bound / unbound-delayed / unbound-immediate. Unbound immediate claims make the pod unschedulable until the PV
/// controller binds them.</item>
/// <item>Filter, once per node and in parallel: <see cref="FindPodVolumes"/> checks that every bound claim's PV
/// reaches the node, picks for each unbound delayed claim (smallest request first) the smallest fitting PV that
/// reaches the node and no other claim of the pod took, and otherwise checks that the class can provision there
/// (provisioner, allowedTopologies, CSIStorageCapacity). The result is the node's PodVolumes or the
/// ConflictReasons that rule the node out.</item>
/// <item>Reserve: the chosen node's PodVolumes are assumed in the <see cref="AssumeLedger"/>.</item>
/// <item>PreBind/bind: the writes (PV claimRef, PVC selected-node), then the pod binding; the assumption is then
/// committed, or reverted on failure.</item>
/// </list>
/// </summary>
public sealed class VolumeBinder(ClusterState state)
{
    public const string PluginName = "VolumeBinding";

    /// <summary>
    /// PreFilter: podHasPVCs + GetPodVolumeClaims (volume_binding.go, binder.go). Returns Skip for a pod without
    /// claims, an UnschedulableAndUnresolvable status for unusable claims, or Success with the split claims.
    /// </summary>
    public (Status Status, PodVolumeClaims Claims) GetPodVolumeClaims(PodInfo pod)
    {
        if (pod.Claims.IsEmpty) return (new Status(StatusCode.Skip, [], PluginName), PodVolumeClaims.None);

        var bound = new List<ClaimInfo>();
        var delayed = new List<ClaimInfo>();
        var immediate = new List<ClaimInfo>();
        foreach (var reference in pod.Claims)
        {
            var claim = state.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName));
            if (claim is null)
            {
                var reason = reference.IsEphemeral ? Reasons.EphemeralClaimNotCreated(reference.ClaimName) : Reasons.ClaimNotFound(reference.ClaimName);
                return (Status.Unresolvable(PluginName, reason), PodVolumeClaims.None);
            }
            if (claim.Phase == ClaimPhase.Lost)
                return (Status.Unresolvable(PluginName, Reasons.ClaimLost(claim.Key.Name, claim.VolumeName)), PodVolumeClaims.None);
            if (claim.IsDeleting)
                return (Status.Unresolvable(PluginName, Reasons.ClaimBeingDeleted(claim.Key.Name)), PodVolumeClaims.None);
            if (reference.IsEphemeral && claim.ControllerPodUid != pod.Uid)
            {
                var reason = Reasons.EphemeralClaimNotOwned(claim.Key.Namespace, claim.Key.Name, pod.Key.Namespace, pod.Key.Name);
                return (Status.Unresolvable(PluginName, reason), PodVolumeClaims.None);
            }

            if (claim.IsFullyBound) bound.Add(claim);
            else if (IsDelayBinding(claim) && claim.VolumeName.Length == 0) delayed.Add(claim);
            else immediate.Add(claim); // immediate mode, or prebound by spec.volumeName: the PV controller's job
        }
        if (immediate.Count > 0) return (Status.Unresolvable(PluginName, Reasons.UnboundImmediateClaims), PodVolumeClaims.None);
        return (Status.Success, new PodVolumeClaims(bound, delayed, immediate));
    }

    /// <summary>
    /// GetEligibleNodes (binder.go): the nodes that every bound claim's local PV names through
    /// <c>kubernetes.io/hostname In</c> (GetLocalPersistentVolumeNodeNames, pkg/volume/util), intersected over the
    /// claims; null when no bound PV names nodes, or when a bound PV is missing (Filter then reports it).
    /// </summary>
    public IReadOnlySet<string>? GetEligibleNodes(IReadOnlyList<ClaimInfo> boundClaims)
    {
        HashSet<string>? eligible = null;
        foreach (var claim in boundClaims)
        {
            var volume = state.Volumes.Get(claim.VolumeName);
            if (volume is null) return null;
            var names = LocalVolumeNodeNames(volume);
            if (names.Count == 0) continue;
            if (eligible is null) eligible = names;
            else eligible.IntersectWith(names);
        }
        return eligible;
    }

    /// <summary>
    /// GetLocalPersistentVolumeNodeNames: per required term, the intersection of its <c>kubernetes.io/hostname In</c>
    /// values; the union over the terms (a term without such an expression adds nothing, as upstream).
    /// </summary>
    public static HashSet<string> LocalVolumeNodeNames(VolumeInfo volume)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (volume.NodeAffinity is not { } affinity) return result;
        foreach (var term in affinity.Terms)
        {
            HashSet<string>? nodes = null;
            foreach (var expression in term.MatchExpressions)
            {
                if (expression.Key != HostnameLabel || expression.Operator != SelectorOperator.In) continue;
                if (nodes is null) nodes = new HashSet<string>(expression.Values, StringComparer.Ordinal);
                else nodes.IntersectWith(expression.Values);
            }
            if (nodes is not null) result.UnionWith(nodes);
        }
        return result;
    }

    /// <summary>v1.LabelHostname.</summary>
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>IsDelayBindingMode (component-helpers/storage/volume/helpers.go): the claim's class binds on first consumer.</summary>
    public bool IsDelayBinding(ClaimInfo claim) =>
        claim.StorageClassName.Length > 0
        && state.GetStorageClass(claim.StorageClassName)?.BindingMode == VolumeBindingMode.WaitForFirstConsumer;

    /// <summary>
    /// The first half of Filter for a whole cycle: each unbound delayed claim's best PV on every node, without
    /// exclusions, from one all-nodes index query per claim (<see cref="Index.IVolumeIndex.FindMatchingVolumes"/>).
    /// <see cref="FindPodVolumes(PodVolumeClaims, NodeInfo, ClaimMatches?, int)"/> then reads it per node instead of
    /// asking the index. Null when there is nothing to match, or when a claim already has a selected node (every other
    /// node is then rejected before matching).
    /// </summary>
    /// <param name="allocate">Where the per-node answers come from (a cycle's pooled arrays); null: new arrays.</param>
    public ClaimMatches? PrepareMatches(PodVolumeClaims claims, IReadOnlyList<NodeInfo> nodes, Func<int, VolumeInfo?[]>? allocate = null)
    {
        var delayed = claims.UnboundClaimsDelayBinding;
        if (delayed.Count == 0 || nodes.Count == 0) return null;
        foreach (var claim in delayed)
        {
            if (claim.SelectedNode is not null) return null;
        }
        var distinct = new List<ClaimInfo>(delayed.Count);
        foreach (var claim in delayed)
        {
            if (!distinct.Contains(claim, ReferenceEqualityComparer.Instance)) distinct.Add(claim);
        }
        var volumes = new VolumeInfo?[distinct.Count][];
        for (var c = 0; c < distinct.Count; c++)
        {
            volumes[c] = allocate?.Invoke(nodes.Count) ?? new VolumeInfo?[nodes.Count];
            state.Volumes.FindMatchingVolumes(distinct[c], nodes, excluded: null, volumes[c].AsSpan(0, nodes.Count));
        }
        return new ClaimMatches(nodes, [.. distinct], volumes);
    }

    /// <summary>
    /// The nodes of <paramref name="matches"/> that can pass FindPodVolumes when no unbound delayed claim's class can
    /// provision (each names a class without a provisioner, as local PVs do): those where every such claim has a PV.
    /// On any other node a claim finds no PV (excluding the pod's other choices cannot create one: see
    /// <see cref="FindMatchingVolume"/>) and its class cannot provision, so FindPodVolumes rejects it, always with
    /// the same unbound reason and the node's bound-claim reasons. Null when a claim's class can provision (or is
    /// unknown): any node may then pass. The positions go into <paramref name="allocate"/>'s array, ascending.
    /// </summary>
    public int[]? CandidateNodes(PodVolumeClaims claims, ClaimMatches matches, Func<int, int[]> allocate, out int count)
    {
        count = 0;
        foreach (var claim in claims.UnboundClaimsDelayBinding)
        {
            if (claim.SelectedNode is not null || state.GetStorageClass(claim.StorageClassName) is not { SupportsProvisioning: false }) return null;
        }
        var nodes = matches.Nodes.Count;
        var candidates = allocate(nodes);
        var answers = matches.Answers;
        for (var i = 0; i < nodes; i++)
        {
            var everyClaim = true;
            for (var c = 0; c < answers.Length && everyClaim; c++) everyClaim = answers[c][i] is not null;
            if (everyClaim) candidates[count++] = i;
        }
        return candidates;
    }

    /// <summary>
    /// The rejection FindPodVolumes gives a node outside <see cref="CandidateNodes"/> when the pod has no bound claim
    /// (the bound claims' reasons vary by node; without them it is one status).
    /// </summary>
    public static Status RejectionWithoutMatch => FindResult.Rejected(boundSatisfied: true, unboundSatisfied: false, sufficientStorage: true, boundPVsFound: true).ToRejectedStatus();

    /// <summary>FindPodVolumes for one node: the node's PodVolumes, or the reasons it cannot serve the pod's claims.</summary>
    public FindResult FindPodVolumes(PodVolumeClaims claims, NodeInfo node) => FindPodVolumes(claims, node, matches: null, nodeIndex: -1);

    /// <summary>
    /// FindPodVolumes for the node at <paramref name="nodeIndex"/> of the cycle's node list, reading the claims' best
    /// PVs from <paramref name="matches"/> (<see cref="PrepareMatches"/>) where they answer; the same result as
    /// <see cref="FindPodVolumes(PodVolumeClaims, NodeInfo)"/>.
    /// </summary>
    /// <param name="record">
    /// Build the node's PodVolumes. Without it a feasible node's answer is <see cref="FindResult.FeasibleNotRecorded"/>
    /// (same verdict, nothing allocated for the node on the common paths): for callers that read only the status.
    /// </param>
    public FindResult FindPodVolumes(PodVolumeClaims claims, NodeInfo node, ClaimMatches? matches, int nodeIndex, bool record = true)
    {
        var boundSatisfied = true;
        var boundPVsFound = true;
        var unboundSatisfied = true;
        var sufficientStorage = true;
        List<BindingInfo>? staticBindings = null;
        List<ClaimInfo>? dynamicProvisions = null;

        // Bound claims: their PV must exist and reach the node (checkBoundClaims).
        var bound = claims.BoundClaims;
        for (var i = 0; i < bound.Count; i++)
        {
            var volume = state.Volumes.Get(bound[i].VolumeName);
            if (volume is null)
            {
                boundPVsFound = false;
                break;
            }
            if (!SelectorMatching.VolumeFitsNode(volume, node))
            {
                boundSatisfied = false;
                break;
            }
        }

        // As upstream, unbound claims are checked even when a bound one failed: both reasons are reported.
        var delayed = claims.UnboundClaimsDelayBinding;
        if (delayed.Count > 0)
        {
            var toProvision = new SmallList<ClaimInfo>();
            var withoutSelectedNode = 0;
            for (var i = 0; i < delayed.Count; i++)
            {
                var claim = delayed[i];
                if (claim.SelectedNode is { } selected)
                {
                    if (selected != node.Name)
                    {
                        // Fast path: provisioning already started for another node.
                        return FindResult.Rejected(boundSatisfied, unboundSatisfied: false, sufficientStorage, boundPVsFound);
                    }
                    toProvision.Add(claim);
                }
                else
                {
                    withoutSelectedNode++;
                }
            }
            if (withoutSelectedNode > 0)
            {
                // Usually every claim is to match: the pod's own list, sorted once, then serves without a copy per node.
                // (Filtering the sorted list keeps the order a stable sort of the filtered list would give.)
                var bySize = claims.UnboundClaimsDelayBindingBySize;
                IReadOnlyList<ClaimInfo> toMatch = toProvision.Count == 0 ? bySize : [.. bySize.Where(c => c.SelectedNode is null)];
                unboundSatisfied = FindMatchingVolumes(toMatch, node, ref staticBindings, ref toProvision, matches, nodeIndex, record);
                // A claim left without a PV whose class cannot provision (every such claim's class known) rejects the
                // node as checkVolumeProvisions would, without building the provisioning list.
                if (!unboundSatisfied && toProvision.Count == 0) return FindResult.Rejected(boundSatisfied, unboundSatisfied: false, sufficientStorage, boundPVsFound);
            }
            if (toProvision.Count > 0)
            {
                if (record) dynamicProvisions = new List<ClaimInfo>(toProvision.Count);
                var provisionError = CheckVolumeProvisions(ref toProvision, node, dynamicProvisions, out unboundSatisfied, out sufficientStorage);
                if (provisionError is not null) return FindResult.Failed(provisionError);
            }
        }

        if (!(boundSatisfied && unboundSatisfied && sufficientStorage && boundPVsFound))
            return FindResult.Rejected(boundSatisfied, unboundSatisfied, sufficientStorage, boundPVsFound);
        if (!record) return FindResult.FeasibleNotRecorded;
        if (staticBindings is null && (dynamicProvisions is null || dynamicProvisions.Count == 0)) return FindResult.NoVolumes;
        return FindResult.Feasible(new PodVolumes(
            staticBindings is null ? [] : staticBindings,
            dynamicProvisions is null || dynamicProvisions.Count == 0 ? [] : dynamicProvisions));
    }

    /// <summary>
    /// findMatchingVolumes: claims by increasing request, each gets the smallest fitting PV not already chosen for
    /// this pod; a claim without a PV goes on to provisioning.
    /// </summary>
    /// <param name="ordered">The claims by increasing request (byPVCSize).</param>
    /// <returns>
    /// Whether every claim got a PV. When one did not and cannot be provisioned (its class is known and has no
    /// provisioner), false with <paramref name="toProvision"/> left as it was given: checkVolumeProvisions would only
    /// say the same.
    /// </returns>
    /// <param name="record">Build <paramref name="bindings"/>; without it the choices are only tracked, on the stack for up to four claims.</param>
    private bool FindMatchingVolumes(IReadOnlyList<ClaimInfo> ordered, NodeInfo node, ref List<BindingInfo>? bindings, ref SmallList<ClaimInfo> toProvision,
        ClaimMatches? matches, int nodeIndex, bool record)
    {
        var picked = new PickedVolumes();
        var allMatched = true;
        for (var k = 0; k < ordered.Count; k++)
        {
            var claim = ordered[k];
            var volume = FindMatchingVolume(claim, node, ref picked, matches, nodeIndex);
            if (volume is null)
            {
                if (toProvision.Count == 0 && CannotProvision(ordered, k)) return false;
                toProvision.Add(claim);
                allMatched = false;
                continue;
            }
            if (k < ordered.Count - 1) picked.Add(volume); // only later claims read it
            if (record) (bindings ??= new List<BindingInfo>(ordered.Count)).Add(new BindingInfo(claim, volume));
        }
        return allMatched;
    }

    /// <summary>
    /// Whether checkVolumeProvisions, given the claims from <paramref name="first"/> on that find no PV, would reject the
    /// node without an error: the first of them names a known class that has no provisioner (it stops there, and
    /// no earlier claim is on the list to fail first).
    /// </summary>
    private bool CannotProvision(IReadOnlyList<ClaimInfo> claims, int first) =>
        claims[first].StorageClassName.Length > 0 && state.GetStorageClass(claims[first].StorageClassName) is { SupportsProvisioning: false };

    /// <summary>
    /// The claim's PV on this node with the pod's earlier choices excluded. The cycle's precomputed answer (no
    /// exclusions) stands when the exclusions cannot change it: a PV no earlier claim took is still the smallest fit,
    /// and excluding PVs cannot create a match, except by excluding a PV prebound to this very claim (which decides
    /// alone when present). Otherwise, and without a precomputed answer, the index is asked for this node.
    /// </summary>
    private VolumeInfo? FindMatchingVolume(ClaimInfo claim, NodeInfo node, ref PickedVolumes picked, ClaimMatches? matches, int nodeIndex)
    {
        if (matches is not null && matches.TryGet(claim, node, nodeIndex, out var precomputed))
        {
            var stands = precomputed is not null ? !picked.HasName(precomputed.Name) : !picked.HasBoundTo(claim);
            if (stands) return precomputed;
        }
        return state.Volumes.FindMatchingVolume(claim, node, picked.Names());
    }

    /// <summary>The PVs the pod's earlier claims took on this node (no allocation for up to four).</summary>
    private struct PickedVolumes
    {
        private SmallList<VolumeInfo> _volumes;

        public void Add(VolumeInfo volume) => _volumes.Add(volume);

        public readonly bool HasName(string name)
        {
            for (var i = 0; i < _volumes.Count; i++)
            {
                if (string.Equals(_volumes[i].Name, name, StringComparison.Ordinal)) return true;
            }
            return false;
        }

        /// <summary>Whether a PV taken is bound (claimRef) to <paramref name="claim"/>: excluding it may change the claim's answer.</summary>
        public readonly bool HasBoundTo(ClaimInfo claim)
        {
            for (var i = 0; i < _volumes.Count; i++)
            {
                if (_volumes[i].IsBoundTo(claim)) return true;
            }
            return false;
        }

        /// <summary>The names as the index's exclusion set; null when none was taken.</summary>
        public readonly HashSet<string>? Names()
        {
            if (_volumes.Count == 0) return null;
            var names = new HashSet<string>(_volumes.Count, StringComparer.Ordinal);
            for (var i = 0; i < _volumes.Count; i++) names.Add(_volumes[i].Name);
            return names;
        }
    }

    /// <summary>
    /// checkVolumeProvisions: every remaining claim must be provisionable on this node. Note that, as upstream,
    /// its answer replaces findMatchingVolumes' "unbound satisfied".
    /// <para>
    /// Beyond upstream: the claims are checked against the pool together. Upstream checks each claim against a
    /// CSIStorageCapacity alone, so two 60Gi claims fit a 100Gi pool and the second provisioning fails after the
    /// first succeeded, pinning the pod to the node (kubernetes/kubernetes#94217). Here a capacity object that a
    /// claim of this pod was placed on offers the next claim only what is left of its capacity. One claim is decided
    /// exactly as upstream decides it.
    /// </para>
    /// </summary>
    /// <param name="provisions">Receives the claims to provision; null when only the verdict is wanted.</param>
    private string? CheckVolumeProvisions(ref SmallList<ClaimInfo> claims, NodeInfo node, List<ClaimInfo>? provisions,
        out bool unboundSatisfied, out bool sufficientStorage)
    {
        unboundSatisfied = false;
        sufficientStorage = true;
        // What the pod's claims took of each capacity object: the first placement in locals, a map once a later claim reads it.
        Dictionary<ObjectKey, long>? placed = null;
        (ObjectKey Key, long Taken)? first = null;
        for (var k = 0; k < claims.Count; k++)
        {
            var claim = claims[k];
            if (claim.StorageClassName.Length == 0) return $"no class for claim \"{claim.Key}\"";
            var storageClass = state.GetStorageClass(claim.StorageClassName);
            if (storageClass is null) return $"failed to find storage class \"{claim.StorageClassName}\"";
            if (!storageClass.SupportsProvisioning) return null;
            if (!SelectorMatching.MatchesTopology(storageClass.AllowedTopologies, node.Labels)) return null;
            if (first is { } taken && placed is null) placed = new Dictionary<ObjectKey, long> { [taken.Key] = taken.Taken };
            var (sufficient, capacity) = EnoughCapacity(storageClass, claim, node, placed);
            if (!sufficient)
            {
                unboundSatisfied = true;
                sufficientStorage = false;
                provisions?.Clear();
                return null;
            }
            if (claims.Count > 1 && capacity is not null)
            {
                if (placed is not null) placed[capacity.Key] = placed.GetValueOrDefault(capacity.Key) + claim.RequestBytes;
                else first = (capacity.Key, claim.RequestBytes);
            }
            provisions?.Add(claim);
        }
        unboundSatisfied = true;
        return null;
    }

    /// <summary>What a capacity object still offers once this pod's earlier claims are placed on it (all of it when none is).</summary>
    private static long LeftFor(CsiStorageCapacityInfo capacity, IReadOnlyDictionary<ObjectKey, long>? placed) =>
        placed is not null && placed.TryGetValue(capacity.Key, out var taken) && capacity.CapacityBytes is { } total ? total - taken : long.MaxValue;

    /// <summary>
    /// hasEnoughCapacity: only for CSI drivers with storageCapacity: true. Some CSIStorageCapacity of the class
    /// whose nodeTopology selects the node must offer maximumVolumeSize (else capacity) ≥ the request.
    /// </summary>
    public bool HasEnoughCapacity(StorageClassInfo storageClass, ClaimInfo claim, NodeInfo node) =>
        EnoughCapacity(storageClass, claim, node) is not { Sufficient: false };

    /// <summary>
    /// hasEnoughCapacity with the capacity object it found: Sufficient with no capacity when the claim has no request
    /// or the class's driver does not track capacity; Sufficient with the first CSIStorageCapacity that fits; or not
    /// Sufficient. VolumeBinding's Score reads the capacity of dynamic provisions from it.
    /// </summary>
    /// <param name="placed">What this pod's earlier claims already take of each capacity object (checkVolumeProvisions).</param>
    public (bool Sufficient, CsiStorageCapacityInfo? Capacity) EnoughCapacity(StorageClassInfo storageClass, ClaimInfo claim, NodeInfo node,
        IReadOnlyDictionary<ObjectKey, long>? placed = null)
    {
        if (!claim.HasStorageRequest) return (true, null);
        var driver = state.GetCsiDriver(storageClass.Provisioner);
        if (driver is null || !driver.StorageCapacity) return (true, null);
        foreach (var capacity in state.CapacitiesOn(storageClass.Name, node))
        {
            if (capacity.LimitBytes is { } limit && limit >= claim.RequestBytes
                && capacity.NodeTopology is { } topology && SelectorMatching.Matches(topology, node.Labels)
                && LeftFor(capacity, placed) >= claim.RequestBytes)
            {
                return (true, capacity);
            }
        }
        return (false, null);
    }
}

/// <summary>FindPodVolumes' answer for one node: feasible with its PodVolumes, rejected with reasons, or an error.</summary>
public readonly record struct FindResult(PodVolumes? Volumes, IReadOnlyList<string> Reasons, string? Error)
{
    /// <summary>For a rejection made by <see cref="Rejected(bool, bool, bool, bool)"/>: which reasons, as bits; else 0.</summary>
    private int Mask { get; init; }

    /// <summary>Feasible without anything to bind or provision (every claim already bound).</summary>
    public static readonly FindResult NoVolumes = new(new PodVolumes([], []), [], null);

    /// <summary>Feasible, the PodVolumes not built (FindPodVolumes without recording): only the verdict is known.</summary>
    public static readonly FindResult FeasibleNotRecorded = new(new PodVolumes([], []), [], null);

    // The rejections, one shared instance per combination of reasons (a cycle rejects most nodes the same way).
    private static readonly FindResult[] RejectedByMask = [.. Enumerable.Range(0, 16).Select(mask => new FindResult(null, ReasonsOf(mask), null) { Mask = mask })];
    private static readonly Status[] StatusByMask =
        [.. RejectedByMask.Select(r => new Status(StatusCode.UnschedulableAndUnresolvable, [.. r.Reasons], VolumeBinder.PluginName))];

    public bool IsFeasible => Volumes is not null;

    public static FindResult Feasible(PodVolumes volumes) => new(volumes, [], null);

    public static FindResult Rejected(IReadOnlyList<string> reasons) => new(null, reasons, null);

    /// <summary>ConflictReasons in upstream's order: node affinity, bind, storage, missing PV.</summary>
    internal static FindResult Rejected(bool boundSatisfied, bool unboundSatisfied, bool sufficientStorage, bool boundPVsFound) =>
        RejectedByMask[(boundSatisfied ? 0 : 1) | (unboundSatisfied ? 0 : 2) | (sufficientStorage ? 0 : 4) | (boundPVsFound ? 0 : 8)];

    public static FindResult Failed(string error) => new(null, [], error);

    /// <summary>The Filter status of a rejection (UnschedulableAndUnresolvable with its reasons); shared for the common ones.</summary>
    public Status ToRejectedStatus()
    {
        if (Mask > 0) return StatusByMask[Mask];
        return new Status(StatusCode.UnschedulableAndUnresolvable, [.. Reasons], VolumeBinder.PluginName);
    }

    private static string[] ReasonsOf(int mask)
    {
        var reasons = new List<string>(2);
        if ((mask & 1) != 0) reasons.Add(Scheduling.Reasons.NodeConflict);
        if ((mask & 2) != 0) reasons.Add(Scheduling.Reasons.BindConflict);
        if ((mask & 4) != 0) reasons.Add(Scheduling.Reasons.NotEnoughSpace);
        if ((mask & 8) != 0) reasons.Add(Scheduling.Reasons.PVNotExist);
        return [.. reasons];
    }
}

/// <summary>
/// Each unbound delayed claim's best PV (no exclusions) on every node of one scheduling cycle, computed once by
/// <see cref="VolumeBinder.PrepareMatches"/>. Valid only until the index next changes; read by any number of threads.
/// </summary>
public sealed class ClaimMatches
{
    private readonly ClaimInfo[] _claims;
    private readonly VolumeInfo?[][] _volumes;

    /// <summary>Each distinct claim's answers by node position (arrays may be longer than the node list).</summary>
    internal VolumeInfo?[][] Answers => _volumes;

    internal ClaimMatches(IReadOnlyList<NodeInfo> nodes, ClaimInfo[] claims, VolumeInfo?[][] volumes)
    {
        Nodes = nodes;
        _claims = claims;
        _volumes = volumes;
    }

    /// <summary>The nodes, by position, the answers are for.</summary>
    public IReadOnlyList<NodeInfo> Nodes { get; }

    /// <summary>The claim's precomputed PV (null: none) for the node at <paramref name="nodeIndex"/>; false when not precomputed.</summary>
    internal bool TryGet(ClaimInfo claim, NodeInfo node, int nodeIndex, out VolumeInfo? volume)
    {
        volume = null;
        if ((uint)nodeIndex >= (uint)Nodes.Count || !ReferenceEquals(Nodes[nodeIndex], node)) return false;
        for (var c = 0; c < _claims.Length; c++)
        {
            if (!ReferenceEquals(_claims[c], claim)) continue;
            volume = _volumes[c][nodeIndex];
            return true;
        }
        return false;
    }
}
