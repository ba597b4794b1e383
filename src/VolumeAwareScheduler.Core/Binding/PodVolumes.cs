using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Binding;

/// <summary>A proposed binding of a free (or prebound) PV to an unbound claim (binder.go BindingInfo).</summary>
public sealed record BindingInfo(ClaimInfo Claim, VolumeInfo Volume)
{
    /// <summary>Capacity the claim does not use: the best-fit score minimises its sum.</summary>
    public long UnusedBytes => Volume.CapacityBytes - Claim.RequestBytes;
}

/// <summary>What a pod needs on one node: static bindings and claims to provision there (binder.go PodVolumes).</summary>
public sealed record PodVolumes(IReadOnlyList<BindingInfo> StaticBindings, IReadOnlyList<ClaimInfo> DynamicProvisions)
{
    public static readonly PodVolumes Empty = new([], []);

    public bool IsEmpty => StaticBindings.Count == 0 && DynamicProvisions.Count == 0;
}

/// <summary>
/// A pod's claims, split the way GetPodVolumeClaims does: fully bound; unbound with delayed binding (the
/// scheduler's job); unbound immediate (the PV controller's job, which blocks the pod).
/// </summary>
public sealed record PodVolumeClaims(
    IReadOnlyList<ClaimInfo> BoundClaims,
    IReadOnlyList<ClaimInfo> UnboundClaimsDelayBinding,
    IReadOnlyList<ClaimInfo> UnboundClaimsImmediate)
{
    public static readonly PodVolumeClaims None = new([], [], []);

    // The sorted list with the list it was sorted from (a copy made with `with` sorts its own list again), in one
    // object: filters on several threads may race to set it, each with a whole answer.
    private SortedClaims? _delayBindingBySize;

    private sealed record SortedClaims(IReadOnlyList<ClaimInfo> From, ClaimInfo[] Sorted);

    /// <summary>
    /// <see cref="UnboundClaimsDelayBinding"/> by increasing request, equal requests in their order (findMatchingVolumes'
    /// byPVCSize, a stable sort in Go too): sorted once per pod rather than once per node.
    /// </summary>
    public IReadOnlyList<ClaimInfo> UnboundClaimsDelayBindingBySize
    {
        get
        {
            if (Volatile.Read(ref _delayBindingBySize) is { } cached && ReferenceEquals(cached.From, UnboundClaimsDelayBinding)) return cached.Sorted;
            ClaimInfo[] sorted = [.. UnboundClaimsDelayBinding.OrderBy(c => c.RequestBytes)];
            Volatile.Write(ref _delayBindingBySize, new SortedClaims(UnboundClaimsDelayBinding, sorted));
            return sorted;
        }
    }

    public bool HasClaims => BoundClaims.Count + UnboundClaimsDelayBinding.Count + UnboundClaimsImmediate.Count > 0;
}
