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

    public bool HasClaims => BoundClaims.Count + UnboundClaimsDelayBinding.Count + UnboundClaimsImmediate.Count > 0;
}
