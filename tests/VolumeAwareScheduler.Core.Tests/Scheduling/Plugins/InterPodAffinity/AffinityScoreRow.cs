using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.InterPodAffinity;

/// <summary>A scoring_test.go row: the incoming pod, the existing pods, the nodes (all feasible); PreScore Skip or the normalized scores.</summary>
public sealed record AffinityScoreRow(PodInfo Pod, PodInfo[] Pods, NodeInfo[] Nodes, long[]? Want, InterPodAffinityArgs? Args = null);
