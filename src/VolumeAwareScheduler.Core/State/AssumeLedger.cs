using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.State;

/// <summary>
/// Decisions taken but not yet written back, as upstream's assume cache keeps them (pkg/scheduler/util/assumecache/
/// assume_cache.go, objInfo): per PV and per claim, the API object and the assumed object side by side. The state every
/// later decision reads holds the assumed object (the chosen PV prebound to its claim, the provisioned claim annotated
/// with the selected node), so no other claim can get that PV; the API object is kept beside it, never overwritten.
/// A revert drops the entry and puts the API object back, unless a newer API object has replaced the assumed one
/// meanwhile (it then stands, as upstream's informer update replaces latestObj). A commit drops the entry.
/// This is where "a PV is never given to two claims" is enforced.
/// </summary>
public sealed class AssumeLedger(ClusterState state)
{
    private readonly Dictionary<ObjectKey, Assumption> _byPod = [];
    private readonly Dictionary<string, Assumed<VolumeInfo>> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, Assumed<ClaimInfo>> _claims = [];

    public int Count => _byPod.Count;

    public bool IsAssumed(ObjectKey pod) => _byPod.ContainsKey(pod);

    /// <summary>The claim a PV is assumed for, if any.</summary>
    public ObjectKey? AssumedClaimOf(string volumeName) => _volumes.TryGetValue(volumeName, out var entry) ? entry.Latest.ClaimRef!.Key : null;

    /// <summary>The API object of an assumed PV (GetAPIObj); null when the PV is not assumed.</summary>
    public VolumeInfo? ApiVolume(string volumeName) => _volumes.TryGetValue(volumeName, out var entry) ? entry.Api : null;

    /// <summary>The API object of an assumed claim (GetAPIObj); null when the claim is not assumed.</summary>
    public ClaimInfo? ApiClaim(ObjectKey claim) => _claims.TryGetValue(claim, out var entry) ? entry.Api : null;

    /// <summary>
    /// Whether an object the API delivers is the one already held beside an assumed object (a relist or a resync
    /// delivering it again): it must not replace the assumption. A newer version does (assume_cache.go update).
    /// </summary>
    public bool HoldsApiVersionOf(VolumeInfo volume) =>
        _volumes.TryGetValue(volume.Name, out var entry) && entry.Api.ResourceVersion == volume.ResourceVersion;

    /// <inheritdoc cref="HoldsApiVersionOf(VolumeInfo)"/>
    public bool HoldsApiVersionOf(ClaimInfo claim) =>
        _claims.TryGetValue(claim.Key, out var entry) && entry.Api.ResourceVersion == claim.ResourceVersion;

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
            if (AssumedClaimOf(current.Name) is { } owner && owner != binding.Claim.Key)
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

        foreach (var binding in volumes.StaticBindings)
        {
            var api = _volumes.TryGetValue(binding.Volume.Name, out var earlier) ? earlier.Api : state.Volumes.Get(binding.Volume.Name)!;
            var assumed = state.Volumes.Get(binding.Volume.Name)! with
            {
                ClaimRef = new ClaimReference(binding.Claim.Key.Namespace, binding.Claim.Key.Name, binding.Claim.Uid),
                BoundByController = true,
            };
            _volumes[assumed.Name] = new Assumed<VolumeInfo>(api, assumed, pod);
            state.Volumes.Upsert(assumed);
        }
        foreach (var claim in volumes.DynamicProvisions)
        {
            var api = _claims.TryGetValue(claim.Key, out var earlier) ? earlier.Api : state.GetClaim(claim.Key)!;
            var assumed = state.GetClaim(claim.Key)! with { SelectedNode = nodeName };
            _claims[claim.Key] = new Assumed<ClaimInfo>(api, assumed, pod);
            state.UpsertClaim(assumed);
        }
        _byPod[pod] = new Assumption(nodeName, volumes);
        return AssumeResult.Ok;
    }

    /// <summary>RevertAssumedPodVolumes: the pod's entries dropped, the API objects back where the assumed ones still stand.</summary>
    public bool Revert(ObjectKey pod)
    {
        if (!_byPod.Remove(pod, out var assumption)) return false;
        foreach (var binding in assumption.Volumes.StaticBindings)
        {
            if (!Drop(_volumes, binding.Volume.Name, pod, out var entry)) continue;
            if (ReferenceEquals(state.Volumes.Get(entry.Api.Name), entry.Latest)) state.Volumes.Upsert(entry.Api);
        }
        foreach (var claim in assumption.Volumes.DynamicProvisions)
        {
            if (!Drop(_claims, claim.Key, pod, out var entry)) continue;
            if (ReferenceEquals(state.GetClaim(claim.Key), entry.Latest)) state.UpsertClaim(entry.Api);
        }
        return true;
    }

    /// <summary>The writes landed: the entries are dropped; the state holds (or will hold) the written objects.</summary>
    public bool Commit(ObjectKey pod)
    {
        if (!_byPod.Remove(pod, out var assumption)) return false;
        foreach (var binding in assumption.Volumes.StaticBindings) Drop(_volumes, binding.Volume.Name, pod, out _);
        foreach (var claim in assumption.Volumes.DynamicProvisions) Drop(_claims, claim.Key, pod, out _);
        return true;
    }

    public PodVolumes? Get(ObjectKey pod) => _byPod.TryGetValue(pod, out var a) ? a.Volumes : null;

    /// <summary>Removes the pod's own entry for <paramref name="key"/> (another pod's entry stays).</summary>
    private static bool Drop<TKey, T>(Dictionary<TKey, Assumed<T>> entries, TKey key, ObjectKey pod, out Assumed<T> entry)
        where TKey : notnull
    {
        if (entries.TryGetValue(key, out entry!) && entry.Pod == pod) return entries.Remove(key);
        return false;
    }

    private sealed record Assumption(string NodeName, PodVolumes Volumes);

    /// <summary>One assumed object beside the API object it stands in for, and the pod that assumed it.</summary>
    private sealed record Assumed<T>(T Api, T Latest, ObjectKey Pod);
}

public readonly record struct AssumeResult(bool Succeeded, string? Error)
{
    public static readonly AssumeResult Ok = new(true, null);

    public static AssumeResult Fail(string error) => new(false, error);
}
