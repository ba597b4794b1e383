using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Simulation;

namespace VolumeAwareScheduler.Hosting;

/// <summary>An assumed placement to write: the pod's volume writes, then the pod's binding to the node.</summary>
public sealed record BindPlan(PodInfo Pod, NodeInfo Node, PodVolumes Volumes);

public readonly record struct BindWriteResult(bool Succeeded, string? Error)
{
    public static readonly BindWriteResult Ok = new(true, null);

    public static BindWriteResult Fail(string error) => new(false, error);
}

/// <summary>
/// Makes an assumed placement real: what VolumeBinding's PreBind and DefaultBinder would do (static PVs get their
/// claimRef, provisioned claims the selected-node annotation, then the pod's Binding). Called outside the store's
/// lock. A failure must leave nothing written (or undo what it wrote): the caller then reverts the assumption.
/// The live writer (API server, resourceVersion preconditions, Binding with the pod's UID) plugs in here.
/// </summary>
public interface IBindingWriter
{
    ValueTask<BindWriteResult> WriteAsync(BindPlan plan, CancellationToken cancellationToken);
}

/// <summary>Without a source there is nothing to write to.</summary>
public sealed class UnavailableBindingWriter : IBindingWriter
{
    public ValueTask<BindWriteResult> WriteAsync(BindPlan plan, CancellationToken cancellationToken) =>
        ValueTask.FromResult(BindWriteResult.Fail(ClusterSource.NotLoadedReason));
}

/// <summary>
/// The manifest's writer: applies the writes to the in-memory state in one write of the store, as the simulator
/// does (a static PV becomes Bound to its claim; a provisioned claim gets a "pvc-&lt;uid&gt;" PV pinned to the node),
/// then records the pod on the node. Everything is checked before anything is written.
/// </summary>
public sealed class InMemoryBindingWriter(ClusterCache cache) : IBindingWriter
{
    public ValueTask<BindWriteResult> WriteAsync(BindPlan plan, CancellationToken cancellationToken)
    {
        var result = cache.Write(plan, static (state, _, p) =>
        {
            foreach (var binding in p.Volumes.StaticBindings)
            {
                if (state.GetClaim(binding.Claim.Key) is null) return BindWriteResult.Fail($"persistentvolumeclaim {binding.Claim.Key} no longer exists");
                if (state.Volumes.Get(binding.Volume.Name) is null) return BindWriteResult.Fail($"persistentvolume \"{binding.Volume.Name}\" no longer exists");
            }
            foreach (var claim in p.Volumes.DynamicProvisions)
            {
                if (state.GetClaim(claim.Key) is null) return BindWriteResult.Fail($"persistentvolumeclaim {claim.Key} no longer exists");
            }
            Simulator.WriteVolumes(state, p.Node, p.Volumes);
            state.UpsertPod(p.Pod with { NodeName = p.Node.Name });
            return BindWriteResult.Ok;
        });
        return ValueTask.FromResult(result);
    }
}
