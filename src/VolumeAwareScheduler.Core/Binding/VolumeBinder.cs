using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Binding;

/// <summary>
/// The decision object of delayed volume binding. Mirrors SchedulerVolumeBinder in
/// pkg/scheduler/framework/plugins/volumebinding/binder.go (Kubernetes v1.33). The lifecycle of one pod:
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

    /// <summary>IsDelayBindingMode (component-helpers/storage/volume/helpers.go): the claim's class binds on first consumer.</summary>
    public bool IsDelayBinding(ClaimInfo claim) =>
        claim.StorageClassName.Length > 0
        && state.GetStorageClass(claim.StorageClassName)?.BindingMode == VolumeBindingMode.WaitForFirstConsumer;

    /// <summary>FindPodVolumes for one node: the node's PodVolumes, or the reasons it cannot serve the pod's claims.</summary>
    public FindResult FindPodVolumes(PodVolumeClaims claims, NodeInfo node)
    {
        var boundSatisfied = true;
        var boundPVsFound = true;
        var unboundSatisfied = true;
        var sufficientStorage = true;
        var staticBindings = new List<BindingInfo>();
        var dynamicProvisions = new List<ClaimInfo>();

        // Bound claims: their PV must exist and reach the node (checkBoundClaims).
        foreach (var claim in claims.BoundClaims)
        {
            var volume = state.Volumes.Get(claim.VolumeName);
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
        if (claims.UnboundClaimsDelayBinding.Count > 0)
        {
            var toMatch = new List<ClaimInfo>();
            var toProvision = new List<ClaimInfo>();
            foreach (var claim in claims.UnboundClaimsDelayBinding)
            {
                if (claim.SelectedNode is { } selected)
                {
                    if (selected != node.Name)
                    {
                        // Fast path: provisioning already started for another node.
                        return FindResult.Rejected(Collect(boundSatisfied, unboundSatisfied: false, sufficientStorage, boundPVsFound));
                    }
                    toProvision.Add(claim);
                }
                else
                {
                    toMatch.Add(claim);
                }
            }

            if (toMatch.Count > 0)
            {
                unboundSatisfied = FindMatchingVolumes(toMatch, node, staticBindings, toProvision);
            }
            if (toProvision.Count > 0)
            {
                var provisionError = CheckVolumeProvisions(toProvision, node, dynamicProvisions, out unboundSatisfied, out sufficientStorage);
                if (provisionError is not null) return FindResult.Failed(provisionError);
            }
        }

        var reasons = Collect(boundSatisfied, unboundSatisfied, sufficientStorage, boundPVsFound);
        return reasons.Count > 0 ? FindResult.Rejected(reasons) : FindResult.Feasible(new PodVolumes(staticBindings, dynamicProvisions));
    }

    private static List<string> Collect(bool boundSatisfied, bool unboundSatisfied, bool sufficientStorage, bool boundPVsFound)
    {
        var reasons = new List<string>(2);
        if (!boundSatisfied) reasons.Add(Reasons.NodeConflict);
        if (!unboundSatisfied) reasons.Add(Reasons.BindConflict);
        if (!sufficientStorage) reasons.Add(Reasons.NotEnoughSpace);
        if (!boundPVsFound) reasons.Add(Reasons.PVNotExist);
        return reasons;
    }

    /// <summary>
    /// findMatchingVolumes: claims by increasing request, each gets the smallest fitting PV not already chosen for
    /// this pod; a claim without a PV goes on to provisioning.
    /// </summary>
    private bool FindMatchingVolumes(List<ClaimInfo> claims, NodeInfo node, List<BindingInfo> bindings, List<ClaimInfo> toProvision)
    {
        var ordered = claims.Count == 1 ? claims : [.. claims.OrderBy(c => c.RequestBytes)]; // byPVCSize: a stable sort in Go too
        HashSet<string>? chosen = null;
        var allMatched = true;
        foreach (var claim in ordered)
        {
            var volume = state.Volumes.FindMatchingVolume(claim, node, chosen);
            if (volume is null)
            {
                toProvision.Add(claim);
                allMatched = false;
                continue;
            }
            (chosen ??= new HashSet<string>(StringComparer.Ordinal)).Add(volume.Name);
            bindings.Add(new BindingInfo(claim, volume));
        }
        return allMatched;
    }

    /// <summary>
    /// checkVolumeProvisions: every remaining claim must be provisionable on this node. Note that, as upstream,
    /// its answer replaces findMatchingVolumes' "unbound satisfied".
    /// </summary>
    private string? CheckVolumeProvisions(List<ClaimInfo> claims, NodeInfo node, List<ClaimInfo> provisions,
        out bool unboundSatisfied, out bool sufficientStorage)
    {
        unboundSatisfied = false;
        sufficientStorage = true;
        foreach (var claim in claims)
        {
            if (claim.StorageClassName.Length == 0) return $"no class for claim \"{claim.Key}\"";
            var storageClass = state.GetStorageClass(claim.StorageClassName);
            if (storageClass is null) return $"failed to find storage class \"{claim.StorageClassName}\"";
            if (!storageClass.SupportsProvisioning) return null;
            if (!SelectorMatching.MatchesTopology(storageClass.AllowedTopologies, node.Labels)) return null;
            if (!HasEnoughCapacity(storageClass, claim, node))
            {
                unboundSatisfied = true;
                sufficientStorage = false;
                provisions.Clear();
                return null;
            }
            provisions.Add(claim);
        }
        unboundSatisfied = true;
        return null;
    }

    /// <summary>
    /// hasEnoughCapacity: only for CSI drivers with storageCapacity: true. Some CSIStorageCapacity of the class
    /// whose nodeTopology selects the node must offer maximumVolumeSize (else capacity) ≥ the request.
    /// </summary>
    public bool HasEnoughCapacity(StorageClassInfo storageClass, ClaimInfo claim, NodeInfo node)
    {
        if (!claim.HasStorageRequest) return true;
        var driver = state.GetCsiDriver(storageClass.Provisioner);
        if (driver is null || !driver.StorageCapacity) return true;
        foreach (var capacity in state.CapacitiesFor(storageClass.Name, node))
        {
            if (capacity.LimitBytes is { } limit && limit >= claim.RequestBytes
                && capacity.NodeTopology is { } topology && SelectorMatching.Matches(topology, node.Labels))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The free CSIStorageCapacity a node can reach for a class (largest limit), for scoring; 0 when none applies.</summary>
    public long AvailableCapacity(StorageClassInfo storageClass, NodeInfo node)
    {
        long best = 0;
        foreach (var capacity in state.CapacitiesFor(storageClass.Name, node))
        {
            if (capacity.LimitBytes is { } limit && limit > best
                && capacity.NodeTopology is { } topology && SelectorMatching.Matches(topology, node.Labels))
            {
                best = limit;
            }
        }
        return best;
    }
}

/// <summary>FindPodVolumes' answer for one node: feasible with its PodVolumes, rejected with reasons, or an error.</summary>
public sealed record FindResult(PodVolumes? Volumes, IReadOnlyList<string> Reasons, string? Error)
{
    public bool IsFeasible => Volumes is not null;

    public static FindResult Feasible(PodVolumes volumes) => new(volumes, [], null);

    public static FindResult Rejected(IReadOnlyList<string> reasons) => new(null, reasons, null);

    public static FindResult Failed(string error) => new(null, [], error);
}
