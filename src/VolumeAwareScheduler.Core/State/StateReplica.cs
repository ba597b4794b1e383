namespace VolumeAwareScheduler.Core.State;

/// <summary>
/// One replica of a store's state: the cluster as the API serves it and the assume ledger beside it. The store keeps
/// two (<see cref="LeftRight{T}"/>); every change runs on both, so both hold the same objects and the same assumptions.
/// </summary>
public sealed class StateReplica
{
    public StateReplica(ClusterState state)
    {
        State = state;
        Ledger = new AssumeLedger(state);
    }

    public ClusterState State { get; }

    public AssumeLedger Ledger { get; }
}
