using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Cache;

namespace VolumeAwareScheduler.Simulation;

/// <summary>
/// The binding cycle's writes on an in-memory cluster (<c>simulate</c>; <c>serve</c> over a file): PreBind's volume
/// writes land as the PV controller and the provisioner would complete them (<see cref="Simulator.WriteVolumes"/>: a
/// static PV Bound to its claim, a provisioned claim with a "pvc-&lt;uid&gt;" PV pinned to the node), and the Binding
/// records the pod on its node. Each write is checked before anything changes, and completes at once.
/// </summary>
public sealed class InMemoryBindingClient : IBindingClient
{
    private readonly Func<Func<ClusterState, WriteOutcome>, WriteOutcome> _write;

    private InMemoryBindingClient(Func<Func<ClusterState, WriteOutcome>, WriteOutcome> write) => _write = write;

    /// <summary>Writes straight into <paramref name="state"/>, which only the caller's loop changes (simulate).</summary>
    public static InMemoryBindingClient Over(ClusterState state) => new(change => change(state));

    /// <summary>Writes through the store's single writer, into every replica (serve over a file).</summary>
    public static InMemoryBindingClient Over(ClusterCache cache) => new(change => cache.Write(change, static (state, _, c) => c(state)));

    public ValueTask<WriteOutcome> BindPodVolumesAsync(PodInfo pod, string nodeName, PodVolumes volumes, TimeSpan bindTimeout, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_write(state =>
        {
            foreach (var binding in volumes.StaticBindings)
            {
                if (state.GetClaim(binding.Claim.Key) is null) return WriteOutcome.Fail($"persistentvolumeclaim {binding.Claim.Key} no longer exists");
                if (state.Volumes.Get(binding.Volume.Name) is null) return WriteOutcome.Fail($"persistentvolume \"{binding.Volume.Name}\" no longer exists");
            }
            foreach (var claim in volumes.DynamicProvisions)
            {
                if (state.GetClaim(claim.Key) is null) return WriteOutcome.Fail($"persistentvolumeclaim {claim.Key} no longer exists");
            }
            if (state.GetNode(nodeName) is not { } node) return WriteOutcome.Fail($"node \"{nodeName}\" no longer exists");
            Simulator.WriteVolumes(state, node, volumes);
            return WriteOutcome.Ok;
        }));

    public ValueTask<WriteOutcome> BindPodAsync(PodInfo pod, string nodeName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_write(state =>
        {
            state.UpsertPod(pod with { NodeName = nodeName });
            return WriteOutcome.Ok;
        }));
}
