using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.PodTopologySpread;

/// <summary>A filtering_test.go row: the incoming pod, the nodes, the existing pods, and the Filter status code of each node.</summary>
public sealed record SpreadFilterRow(PodInfo Pod, NodeInfo[] Nodes, PodInfo[] Pods, StatusCode[] Want);
