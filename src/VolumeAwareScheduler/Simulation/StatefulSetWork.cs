namespace VolumeAwareScheduler.Simulation;

/// <summary>A StatefulSet's ordinals still to schedule, in order; with OrderedReady the first that cannot be placed stops the rest.</summary>
internal sealed record StatefulSetWork(IReadOnlyList<StatefulSetReplica> Replicas, bool OrderedReady);
