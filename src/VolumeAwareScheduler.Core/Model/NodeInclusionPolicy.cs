namespace VolumeAwareScheduler.Core.Model;

/// <summary>nodeAffinityPolicy / nodeTaintsPolicy of a topology spread constraint: whether a node the pod could not go to counts.</summary>
public enum NodeInclusionPolicy : byte
{
    Ignore,
    Honor,
}
