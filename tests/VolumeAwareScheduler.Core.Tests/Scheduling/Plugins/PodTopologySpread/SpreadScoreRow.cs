using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.PodTopologySpread;

/// <summary>
/// A scoring_test.go row: the incoming pod, the existing pods, the candidate nodes, the nodes that failed Filter (in
/// the cluster but not scored), the Services; the normalized scores of the candidates, or null for PreScore's Skip.
/// </summary>
public sealed record SpreadScoreRow(PodInfo Pod, PodInfo[] Pods, NodeInfo[] Nodes, NodeInfo[] Failed, long[]? Want, ServiceInfo[]? Services = null, PodTopologySpreadArgs? Args = null);
