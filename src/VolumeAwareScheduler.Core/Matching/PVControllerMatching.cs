using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Matching;

/// <summary>
/// The PV controller's choice for a claim, with no node in view (pkg/controller/volume/persistentvolume/index.go
/// findByClaim): PVs are grouped by their access-mode set; the sets that contain the claim's modes are searched from
/// the fewest modes up (smallest satisfying set first), and within a set FindMatchingVolume picks the smallest fit.
/// For a delayed (WaitForFirstConsumer) claim only a PV prebound to it can be chosen here.
/// </summary>
public static class PVControllerMatching
{
    public static VolumeInfo? FindBestMatchForClaim(ClaimInfo claim, IEnumerable<VolumeInfo> volumes, bool delayBinding)
    {
        var bySet = volumes
            .Where(v => v.AccessModes.ContainsAll(claim.AccessModes))
            .GroupBy(v => v.AccessModes)
            // Upstream sorts by the number of modes only; ties are taken in a fixed order here.
            .OrderBy(g => g.Key.Count())
            .ThenBy(g => (int)g.Key);
        foreach (var group in bySet)
        {
            var ordered = group.OrderBy(v => v.Name, StringComparer.Ordinal);
            var match = VolumeMatching.FindMatchingVolume(claim, ordered, node: null, excluded: null, delayBinding);
            if (match is not null) return match;
        }
        return null;
    }

    /// <summary>
    /// checkVolumeSatisfyClaim (pv_controller.go) for a claim that names its PV in spec.volumeName: the PV must not be
    /// being deleted, and must be big enough, of the same class, VolumeAttributesClass (since v1.34), volumeMode and
    /// access modes. Returns null when it is, else the reason, in upstream's words and order.
    /// </summary>
    public static string? CheckVolumeSatisfiesClaim(VolumeInfo volume, ClaimInfo claim)
    {
        if (volume.IsDeleting) return $"the volume is marked for deletion \"{volume.Name}\"";
        if (volume.CapacityBytes < claim.RequestBytes) return "requested PV is too small";
        if (volume.StorageClassName != claim.StorageClassName) return "storageClassName does not match";
        if (volume.VolumeAttributesClassName != claim.VolumeAttributesClassName) return "volumeAttributesClassName does not match";
        if (volume.VolumeMode != claim.VolumeMode) return "incompatible volumeMode";
        if (!volume.AccessModes.ContainsAll(claim.AccessModes)) return "incompatible accessMode";
        return null;
    }
}
