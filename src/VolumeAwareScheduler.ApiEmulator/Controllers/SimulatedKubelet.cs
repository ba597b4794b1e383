using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;
using static VolumeAwareScheduler.ApiEmulator.Controllers.VolumeHelpers;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// A kubelet for every node in the store, reduced to what clients observe of one: node heartbeats, pods going
/// Running, graceful deletion finished. No containers run.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>A node that appears is registered: its conditions are posted Ready (<see cref="KubeletNodeStatus"/>) unless
/// it already reports a Ready condition, and its Lease <c>kube-node-lease/&lt;node&gt;</c> is created, owned by the
/// node. The lease is renewed every <see cref="KubeletSettings.LeaseRenewInterval"/> and the conditions re-posted
/// every <see cref="KubeletSettings.StatusReportInterval"/> (pkg/kubelet/nodelease, kubelet_node_status.go).</item>
/// <item>A pod bound to a registered node is admitted: phase Pending, containers waiting in ContainerCreating, hostIP,
/// startTime and qosClass (<see cref="KubeletPodStatus.Admitted"/>). After <see cref="KubeletSettings.PodStartupDelay"/>
/// it runs: phase Running, every container running and ready, the Ready condition True, a podIP from the node's range.</item>
/// <item>A pod on a node given a deletion timestamp (the API's graceful delete: the time of the delete plus the grace
/// period) is removed at that timestamp, with a delete of grace period 0 and the pod's uid as precondition, as the
/// status manager's final delete does. A later delete that shortens the period moves the timestamp, and the removal.
/// (Upstream counts the period from when the kubelet sees the delete; here both run in one process.)</item>
/// <item>A node that goes away takes its lease with it (the garbage collector's work for the owner reference).</item>
/// </list>
/// Every timed step re-reads its object and does nothing when it changed meanwhile (other uid, deleted, already done).
/// Pods that finished (Succeeded or Failed) are left alone; pods on unknown nodes wait for the node.
/// </remarks>
internal sealed class SimulatedKubelet(ControllerStore api, TimeProvider time, KubeletSettings settings) : ITimedController
{
    public const string ControllerName = "kubelet";
    public const string NodeLeaseNamespace = "kube-node-lease";

    private readonly Dictionary<string, NodeRecord> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _starts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _removals = new(StringComparer.Ordinal);
    private readonly PriorityQueue<KubeletWork, (DateTimeOffset Due, long Sequence)> _work = new();
    private long _sequence;
    private int _registered;

    public string Name => ControllerName;

    public DateTimeOffset? NextDue => _work.TryPeek(out _, out var priority) ? priority.Due : null;

    public void Handle(StoreEvent change)
    {
        switch (change.Object.Kind.Plural)
        {
            case "nodes" when change.Type == StoreEventType.Deleted:
                Forget(change.Object.ToJsonObject());
                break;
            case "nodes":
                SyncNode(change.Object.ToJsonObject());
                break;
            case "pods" when change.Type == StoreEventType.Deleted:
                _starts.Remove(change.Object.Uid);
                _removals.Remove(change.Object.Uid);
                break;
            case "pods":
                SyncPod(change.Object.ToJsonObject());
                break;
        }
    }

    public void Tick(DateTimeOffset now)
    {
        while (_work.TryPeek(out var work, out var priority) && priority.Due <= now)
        {
            _work.Dequeue();
            switch (work.Kind)
            {
                case KubeletWorkKind.StartPod when _starts.TryGetValue(work.Uid, out var due) && due == priority.Due:
                    _starts.Remove(work.Uid);
                    StartPod(work);
                    break;
                case KubeletWorkKind.RemovePod when _removals.TryGetValue(work.Uid, out var due) && due == priority.Due:
                    _removals.Remove(work.Uid);
                    RemovePod(work);
                    break;
                case KubeletWorkKind.RenewLease when IsCurrent(work):
                    Schedule(work, now + settings.LeaseRenewInterval);
                    RenewLease(work.Name, work.Uid);
                    break;
                case KubeletWorkKind.ReportNodeStatus when IsCurrent(work):
                    Schedule(work, now + settings.StatusReportInterval);
                    if (api.Get("nodes", null, work.Name) is { } node && Uid(node) == work.Uid)
                    {
                        PostNodeStatus(node);
                    }

                    break;
            }
        }
    }

    private void SyncNode(JsonObject node)
    {
        var name = Name(node);
        var uid = Uid(node);
        if (_nodes.TryGetValue(name, out var known) && known.Uid == uid)
        {
            if (!KubeletNodeStatus.HasReadyCondition(node))
            {
                // Someone replaced the status without conditions: post them again, as the next status sync would.
                PostNodeStatus(node);
            }

            return;
        }

        // Timed work is scheduled before the writes, so whoever sees a write can count on what follows it.
        _nodes[name] = new NodeRecord(uid, ++_registered);
        var now = time.GetUtcNow();
        Schedule(new KubeletWork(KubeletWorkKind.RenewLease, "", name, uid), now + settings.LeaseRenewInterval);
        Schedule(new KubeletWork(KubeletWorkKind.ReportNodeStatus, "", name, uid), now + settings.StatusReportInterval);
        if (!KubeletNodeStatus.HasReadyCondition(node))
        {
            PostNodeStatus(node);
        }

        RenewLease(name, uid);

        // Pods bound before the node appeared are this kubelet's from now on.
        foreach (var pod in api.List("pods").Where(p => Json.GetString(p, "spec.nodeName") == name))
        {
            SyncPod(pod);
        }
    }

    private void Forget(JsonObject node)
    {
        var name = Name(node);
        if (!_nodes.Remove(name))
        {
            return;
        }

        if (api.Get("leases", NodeLeaseNamespace, name) is { } lease
            && (Json.GetArray(lease, "metadata.ownerReferences") ?? []).OfType<JsonObject>().Any(o => Json.GetString(o, "uid") == Uid(node)))
        {
            api.Delete("leases", lease);
        }
    }

    private void SyncPod(JsonObject pod)
    {
        var nodeName = Json.GetString(pod, "spec.nodeName");
        if (string.IsNullOrEmpty(nodeName) || !_nodes.ContainsKey(nodeName))
        {
            return;
        }

        var uid = Uid(pod);
        var now = time.GetUtcNow();
        if (IsDeleting(pod))
        {
            // Removed at its deletionTimestamp: the API set it to the delete's time plus the grace period, and moves it
            // earlier when a later delete shortens the period.
            _starts.Remove(uid);
            var due = GracefulDeletion.ParseTime(Json.GetString(pod, "metadata.deletionTimestamp")) ?? now;
            if (!_removals.TryGetValue(uid, out var scheduled) || due < scheduled)
            {
                _removals[uid] = due;
                Schedule(new KubeletWork(KubeletWorkKind.RemovePod, Namespace(pod), Name(pod), uid), due);
            }

            return;
        }

        if (Json.GetString(pod, "status.phase") is "Running" or "Succeeded" or "Failed" || _starts.ContainsKey(uid))
        {
            return;
        }

        var work = new KubeletWork(KubeletWorkKind.StartPod, Namespace(pod), Name(pod), uid);
        if (Json.GetString(pod, "status.startTime") is not null)
        {
            // Admitted earlier, but its start was lost to a conflicting write: start it now.
            _starts[uid] = now;
            Schedule(work, now);
            return;
        }

        // Admit. The start is scheduled first (see SyncNode); the write's own event comes back here and finds it.
        _starts[uid] = now + settings.PodStartupDelay;
        Schedule(work, _starts[uid]);
        pod["status"] = KubeletPodStatus.Admitted(pod, Timestamp(now), HostIp(nodeName));
        if (api.Update("pods", pod) is null)
        {
            // Lost to another write, whose event brings the pod back here.
            _starts.Remove(uid);
        }
    }

    private void StartPod(KubeletWork work)
    {
        if (api.Get("pods", work.Namespace, work.Name) is not { } pod
            || Uid(pod) != work.Uid
            || IsDeleting(pod)
            || Json.GetString(pod, "status.phase") is "Running" or "Succeeded" or "Failed"
            || Json.GetString(pod, "spec.nodeName") is not { } nodeName
            || !_nodes.TryGetValue(nodeName, out var node))
        {
            return;
        }

        var podIp = Json.GetString(pod, "status.podIP") ?? node.NextPodIp();
        pod["status"] = KubeletPodStatus.Running(pod, Timestamp(time.GetUtcNow()), HostIp(nodeName), podIp);

        // A conflicting write brings the pod back through SyncPod, which starts it again.
        api.Update("pods", pod);
    }

    private void RemovePod(KubeletWork work)
    {
        if (api.Get("pods", work.Namespace, work.Name) is { } pod && Uid(pod) == work.Uid)
        {
            api.Delete("pods", pod);
        }
    }

    private void RenewLease(string nodeName, string nodeUid)
    {
        var renewTime = MicroTime(time.GetUtcNow());
        if (api.Get("leases", NodeLeaseNamespace, nodeName) is { } lease)
        {
            Json.Ensure(lease, "spec")["renewTime"] = renewTime;
            lease["spec"]!["holderIdentity"] = nodeName;
            api.Update("leases", lease);
            return;
        }

        api.Create("leases", new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject
            {
                ["name"] = nodeName,
                ["namespace"] = NodeLeaseNamespace,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Node",
                    ["name"] = nodeName,
                    ["uid"] = nodeUid,
                }),
            },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = nodeName,
                ["leaseDurationSeconds"] = KubeletSettings.LeaseDurationSeconds,
                ["renewTime"] = renewTime,
            },
        });
    }

    private void PostNodeStatus(JsonObject node)
    {
        KubeletNodeStatus.Post(node, Timestamp(time.GetUtcNow()), HostIp(Name(node), node));
        api.Update("nodes", node);
    }

    private bool IsCurrent(KubeletWork work) => _nodes.TryGetValue(work.Name, out var node) && node.Uid == work.Uid;

    private void Schedule(KubeletWork work, DateTimeOffset due) => _work.Enqueue(work, (due, ++_sequence));

    private string HostIp(string nodeName, JsonObject? node = null)
    {
        node ??= api.Get("nodes", null, nodeName);
        return (node is null ? null : KubeletNodeStatus.InternalIp(node)) ?? _nodes[nodeName].HostIp;
    }

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>metav1.MicroTime, as a Lease's renewTime is written.</summary>
    private static string MicroTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
