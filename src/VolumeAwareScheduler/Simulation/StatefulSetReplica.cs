using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Simulation;

/// <summary>
/// One ordinal of a StatefulSet still to schedule: its pod (from the dump when it exists without a node, else the
/// controller's new pod) and the claims to create before it when they do not exist yet (from the claim templates, then
/// the pod's generic ephemeral volumes), each with whether it names no class (the default class then applies).
/// </summary>
internal sealed record StatefulSetReplica(PodInfo Pod, IReadOnlyList<(ClaimInfo Claim, bool ClassUnset)> Claims);
