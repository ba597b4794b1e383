using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.InterPodAffinity;

/// <summary>A filtering_test.go row: the incoming pod, the existing pods, the nodes; PreFilter Skip or one Filter status per node.</summary>
public sealed record AffinityFilterRow(PodInfo Pod, PodInfo[] Pods, NodeInfo[] Nodes, bool WantSkip = false, (StatusCode Code, string Reason)?[]? WantFilter = null);
