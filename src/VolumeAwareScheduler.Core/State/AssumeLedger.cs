using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.State;

/// <summary>
/// Decisions taken but not yet written back. Assuming a pod's volumes marks its chosen PVs as prebound to its
/// claims and its provisioned claims as annotated with the selected node, in the state every later decision
/// reads, exactly as upstream's assume caches do (volumebinding/assume_cache.go). Until the assumption is
/// committed (the API has the writes) or reverted, no other claim can get those PVs.
/// This is where "a PV is never given to two claims" is enforced.
/// </summary>
public sealed class AssumeLedger(ClusterState state)
{
    private readonly Dictionary<ObjectKey, Assumption> _byPod = [];
    private readonly Dictionary<string, ObjectKey> _volumeOwners = new(StringComparer.Ordinal);

    public int Count => _byPod.Count;

    public bool IsAssumed(ObjectKey pod) => _byPod.ContainsKey(pod);

    /// <summary>The claim a PV is assumed for, if any.</summary>
    public ObjectKey? AssumedClaimOf(string volumeName) => _volumeOwners.TryGetValue(volumeName, out var claim) ? claim : null;

    /// <summary>
    /// AssumePodVolumes. Fails, changing nothing, when a chosen PV is no longer free for its claim (taken by another
    /// claim, assumed by another pod, gone) or a pod is assumed twice.
    /// </summary>
    public AssumeResult Assume(ObjectKey pod, string nodeName, PodVolumes volumes)
    {
        if (_byPod.ContainsKey(pod)) return AssumeResult.Fail($"pod {pod} already has assumed volumes");
        foreach (var binding in volumes.StaticBindings)
        {
            var current = state.Volumes.Get(binding.Volume.Name);
            if (current is null) return AssumeResult.Fail($"persistentvolume \"{binding.Volume.Name}\" no longer exists");
            if (_volumeOwners.TryGetValue(current.Name, out var owner) && owner != binding.Claim.Key)
                return AssumeResult.Fail($"persistentvolume \"{current.Name}\" is already assumed for claim {owner}");
            if (current.ClaimRef is not null && !current.IsBoundTo(binding.Claim))
                return AssumeResult.Fail($"persistentvolume \"{current.Name}\" is already bound to claim {current.ClaimRef.Key}");
            if (volumes.StaticBindings.Count(b => b.Volume.Name == current.Name) > 1)
                return AssumeResult.Fail($"persistentvolume \"{current.Name}\" was chosen for two claims of one pod");
            // assume_cache.go Assume: the decision was taken on a version that is no longer current.
            if (current.ResourceVersion != binding.Volume.ResourceVersion)
                return AssumeResult.Fail($"persistentvolume \"{current.Name}\" is out of sync (changed since the decision)");
        }
        foreach (var claim in volumes.DynamicProvisions)
        {
            var current = state.GetClaim(claim.Key);
            if (current is null) return AssumeResult.Fail($"persistentvolumeclaim \"{claim.Key}\" no longer exists");
            if (current.ResourceVersion != claim.ResourceVersion)
                return AssumeResult.Fail($"persistentvolumeclaim \"{claim.Key}\" is out of sync (changed since the decision)");
        }

        var previousVolumes = new List<VolumeInfo>();
        var previousClaims = new List<ClaimInfo>();
        foreach (var binding in volumes.StaticBindings)
        {
            var current = state.Volumes.Get(binding.Volume.Name)!;
            previousVolumes.Add(current);
            state.Volumes.Upsert(current with
            {
                ClaimRef = new ClaimReference(binding.Claim.Key.Namespace, binding.Claim.Key.Name, binding.Claim.Uid),
                BoundByController = true,
            });
            _volumeOwners[current.Name] = binding.Claim.Key;
        }
        foreach (var claim in volumes.DynamicProvisions)
        {
            var current = state.GetClaim(claim.Key) ?? claim;
            previousClaims.Add(current);
            state.UpsertClaim(current with { SelectedNode = nodeName });
        }
        _byPod[pod] = new Assumption(nodeName, volumes, previousVolumes, previousClaims);
        return AssumeResult.Ok;
    }

    /// <summary>RevertAssumedPodVolumes: puts back the PVs and claims as they were before the assumption.</summary>
    public bool Revert(ObjectKey pod)
    {
        if (!_byPod.Remove(pod, out var assumption)) return false;
        foreach (var volume in assumption.PreviousVolumes)
        {
            // Only restore a PV whose assumed state has not since been replaced by newer information.
            var current = state.Volumes.Get(volume.Name);
            if (current is not null && current.ResourceVersion == volume.ResourceVersion) state.Volumes.Upsert(volume);
            _volumeOwners.Remove(volume.Name);
        }
        foreach (var claim in assumption.PreviousClaims)
        {
            var current = state.GetClaim(claim.Key);
            if (current is not null && current.ResourceVersion == claim.ResourceVersion) state.UpsertClaim(claim);
        }
        return true;
    }

    /// <summary>The writes landed: forget the assumption; the state now holds (or will hold) the written objects.</summary>
    public bool Commit(ObjectKey pod)
    {
        if (!_byPod.Remove(pod, out var assumption)) return false;
        foreach (var volume in assumption.PreviousVolumes) _volumeOwners.Remove(volume.Name);
        return true;
    }

    public PodVolumes? Get(ObjectKey pod) => _byPod.TryGetValue(pod, out var a) ? a.Volumes : null;

    private sealed record Assumption(string NodeName, PodVolumes Volumes, List<VolumeInfo> PreviousVolumes, List<ClaimInfo> PreviousClaims);
}

public readonly record struct AssumeResult(bool Succeeded, string? Error)
{
    public static readonly AssumeResult Ok = new(true, null);

    public static AssumeResult Fail(string error) => new(false, error);
}
