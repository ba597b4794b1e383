using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// The orphaned-pod part of the pod garbage collector (pkg/controller/podgc/gc_controller.go gcOrphaned): when a node
/// is deleted, its name is quarantined for <c>quarantine</c> (upstream: 40 s); if the node has not come back by then,
/// every pod still bound to it is deleted at once (grace period 0), since no kubelet is left to finish a graceful
/// delete. Owners then act as they would in a cluster: the StatefulSet controller creates the pod again, pending.
/// </summary>
/// <remarks>
/// Upstream also marks the pod Failed with a DisruptionTarget condition (reason DeletionByPodGC) before deleting it; the
/// emulator deletes directly. Pods of terminated phases and pods bound to nodes that never existed are not collected.
/// </remarks>
internal sealed class PodGarbageCollector(ControllerStore api, TimeSpan quarantine) : ITimedController
{
    public const string ControllerName = "pod-garbage-collector";

    private readonly PriorityQueue<string, DateTimeOffset> _deletedNodes = new();

    public string Name => ControllerName;

    public DateTimeOffset? NextDue => _deletedNodes.TryPeek(out _, out var due) ? due : null;

    public void Handle(StoreEvent change)
    {
        if (change.Object.Kind.Plural == "nodes" && change.Type == StoreEventType.Deleted)
        {
            _deletedNodes.Enqueue(change.Object.Name, api.Now + quarantine);
        }
    }

    public void Tick(DateTimeOffset now)
    {
        while (_deletedNodes.TryPeek(out var node, out var due) && due <= now)
        {
            _deletedNodes.Dequeue();
            if (api.Get("nodes", null, node) is not null)
            {
                continue; // it came back
            }

            foreach (var pod in api.List("pods").Where(p => Json.GetString(p, "spec.nodeName") == node).ToList())
            {
                api.Delete("pods", pod);
            }
        }
    }
}
