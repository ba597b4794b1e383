using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Matching;

/// <summary>Why a PV was not chosen for a claim; used by explain output.</summary>
public enum VolumeRejection : byte
{
    None,
    Excluded,
    ClaimedByOther,
    TooSmall,
    VolumeModeMismatch,
    VolumeAttributesClassMismatch,
    BeingDeleted,
    NodeAffinityMismatch,
    NotAvailable,
    SelectorMismatch,
    StorageClassMismatch,
    AccessModesMismatch,
    PreBoundElsewhere,
    LargerThanChosen,
}

/// <summary>
/// Claim ↔ volume matching. Mirrors FindMatchingVolume in component-helpers/storage/volume/pv_helpers.go
/// (Kubernetes v1.37): the same checks in the same order, so a prebound PV wins over every free PV and
/// a prebound PV whose node affinity fails means "no match at all" for that node. Since v1.34 (VolumeAttributesClass
/// GA, the vacEnabled path) a PV whose volumeAttributesClassName differs from the claim's is skipped before anything
/// else about it counts, a PV prebound to the claim included: that one then does not decide, and another PV may match.
/// </summary>
public static class VolumeMatching
{
    /// <summary>
    /// Checks one PV against a claim, in upstream's order. Returns None when the PV is a candidate; for a PV
    /// bound to this claim <paramref name="boundToClaim"/> is set and affinity decides alone.
    /// </summary>
    public static VolumeRejection Check(ClaimInfo claim, VolumeInfo volume, NodeInfo? node, IReadOnlySet<string>? excluded,
        bool delayBinding, out bool boundToClaim)
    {
        boundToClaim = false;
        if (excluded is not null && excluded.Contains(volume.Name)) return VolumeRejection.Excluded;
        if (volume.ClaimRef is not null && !volume.IsBoundTo(claim)) return VolumeRejection.ClaimedByOther;
        if (volume.CapacityBytes < claim.RequestBytes) return VolumeRejection.TooSmall;
        if (volume.VolumeMode != claim.VolumeMode) return VolumeRejection.VolumeModeMismatch;
        if (volume.VolumeAttributesClassName != claim.VolumeAttributesClassName) return VolumeRejection.VolumeAttributesClassMismatch;
        if (volume.IsDeleting) return VolumeRejection.BeingDeleted;

        var affinityValid = node is null || SelectorMatching.VolumeFitsNode(volume, node);
        if (volume.IsBoundTo(claim))
        {
            boundToClaim = true;
            return affinityValid ? VolumeRejection.None : VolumeRejection.NodeAffinityMismatch;
        }
        if (node is null && delayBinding) return VolumeRejection.NotAvailable; // the scheduler binds these, not the PV controller
        if (volume.Phase != VolumePhase.Available) return VolumeRejection.NotAvailable;
        if (claim.Selector is not null && !SelectorMatching.Matches(claim.Selector, volume.Labels)) return VolumeRejection.SelectorMismatch;
        if (volume.StorageClassName != claim.StorageClassName) return VolumeRejection.StorageClassMismatch;
        if (!affinityValid) return VolumeRejection.NodeAffinityMismatch;
        if (node is not null && !volume.AccessModes.ContainsAll(claim.AccessModes)) return VolumeRejection.AccessModesMismatch;
        return VolumeRejection.None;
    }

    /// <summary>
    /// FindMatchingVolume over <paramref name="volumes"/> (which must be in a stable order: we iterate by name, so the
    /// smallest PV wins and equal capacities go to the first name — upstream's order is its informer's, which is unordered).
    /// </summary>
    public static VolumeInfo? FindMatchingVolume(ClaimInfo claim, IEnumerable<VolumeInfo> volumes, NodeInfo? node,
        IReadOnlySet<string>? excluded, bool delayBinding)
    {
        VolumeInfo? smallest = null;
        foreach (var volume in volumes)
        {
            var rejection = Check(claim, volume, node, excluded, delayBinding, out var boundToClaim);
            if (boundToClaim)
            {
                // A PV prebound to this claim is the answer, or there is none on this node.
                return rejection == VolumeRejection.None ? volume : null;
            }
            if (rejection != VolumeRejection.None) continue;
            if (smallest is null || smallest.CapacityBytes > volume.CapacityBytes) smallest = volume;
        }
        return smallest;
    }

    /// <summary>Orders candidates as the smallest-fit rule prefers them: capacity, then name.</summary>
    public static int CompareBySize(VolumeInfo a, VolumeInfo b)
    {
        var byCapacity = a.CapacityBytes.CompareTo(b.CapacityBytes);
        return byCapacity != 0 ? byCapacity : string.CompareOrdinal(a.Name, b.Name);
    }
}
