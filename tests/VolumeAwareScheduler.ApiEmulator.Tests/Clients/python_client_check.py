#!/usr/bin/env python3
"""A third-party check of the API emulator's protocol with the official Python client (Debian's python3-kubernetes).

Usage: python_client_check.py http://127.0.0.1:PORT

Creates, lists (label and field selectors), watches (from a resourceVersion, until a condition), patches
(strategic merge, JSON patch, merge patch), replaces with a stale resourceVersion (409), reads a missing object (404)
and deletes gracefully. Prints one "ok: ..." line per check and "all checks passed" at the end; exits 1 on the first
failure, naming it.
"""

import sys

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

WATCH_SECONDS = 20


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", flush=True)
        sys.exit(1)
    print(f"ok: {message}", flush=True)


def wait_for(list_call, description, predicate, **kwargs):
    """Lists, then watches from the list's resourceVersion until an object satisfies predicate; returns that object."""
    listed = list_call(**kwargs)
    for item in listed.items:
        if predicate(item):
            return item
    stream = watch.Watch()
    for event in stream.stream(list_call, resource_version=listed.metadata.resource_version,
                               timeout_seconds=WATCH_SECONDS, **kwargs):
        if event["type"] != "DELETED" and predicate(event["object"]):
            stream.stop()
            return event["object"]
    check(False, f"watch saw {description} within {WATCH_SECONDS}s")
    return None


def wait_deleted(list_call, name, **kwargs):
    listed = list_call(**kwargs)
    if all(item.metadata.name != name for item in listed.items):
        return True
    stream = watch.Watch()
    for event in stream.stream(list_call, resource_version=listed.metadata.resource_version,
                               timeout_seconds=WATCH_SECONDS, **kwargs):
        if event["type"] == "DELETED" and event["object"].metadata.name == name:
            stream.stop()
            return True
    return False


def is_ready(pod):
    return pod.status is not None and pod.status.phase == "Running" and any(
        c.type == "Ready" and c.status == "True" for c in (pod.status.conditions or []))


def main(host):
    configuration = client.Configuration()
    configuration.host = host.rstrip("/")
    api = client.ApiClient(configuration)
    core = client.CoreV1Api(api)
    storage = client.StorageV1Api(api)
    coordination = client.CoordinationV1Api(api)

    # Create: a node, a class, a volume, a claim, pods.
    node = core.create_node(client.V1Node(metadata=client.V1ObjectMeta(
        name="py-node-1", labels={"kubernetes.io/hostname": "py-node-1"})))
    check(node.metadata.uid and node.metadata.resource_version, "create node: uid and resourceVersion assigned")
    storage.create_storage_class(client.V1StorageClass(
        metadata=client.V1ObjectMeta(name="py-local"), provisioner="kubernetes.io/no-provisioner",
        volume_binding_mode="WaitForFirstConsumer"))
    core.create_persistent_volume(client.V1PersistentVolume(
        metadata=client.V1ObjectMeta(name="py-pv-1"),
        spec=client.V1PersistentVolumeSpec(
            capacity={"storage": "10Gi"}, access_modes=["ReadWriteOnce"], storage_class_name="py-local",
            local=client.V1LocalVolumeSource(path="/mnt/disks/1"),
            node_affinity=client.V1VolumeNodeAffinity(required=client.V1NodeSelector(node_selector_terms=[
                client.V1NodeSelectorTerm(match_expressions=[client.V1NodeSelectorRequirement(
                    key="kubernetes.io/hostname", operator="In", values=["py-node-1"])])])))))
    claim = core.create_namespaced_persistent_volume_claim("default", client.V1PersistentVolumeClaim(
        metadata=client.V1ObjectMeta(name="py-data"),
        spec=client.V1PersistentVolumeClaimSpec(
            access_modes=["ReadWriteOnce"], storage_class_name="py-local",
            # V1VolumeResourceRequirements since client 29 (Kubernetes 1.29); Debian 13's client (22) has the older name.
            resources=getattr(client, "V1VolumeResourceRequirements", client.V1ResourceRequirements)(requests={"storage": "5Gi"}))))
    check(claim.metadata.namespace == "default", "create claim in namespace default")

    def pod(name, labels):
        return client.V1Pod(
            metadata=client.V1ObjectMeta(name=name, labels=labels),
            spec=client.V1PodSpec(containers=[client.V1Container(
                name="app", image="registry.k8s.io/pause:3.10",
                resources=client.V1ResourceRequirements(requests={"cpu": "100m", "memory": "64Mi"}))]))

    core.create_namespaced_pod("default", pod("py-web", {"app": "web", "tier": "front"}))
    core.create_namespaced_pod("default", pod("py-batch", {"app": "batch"}))
    try:
        core.create_namespaced_pod("default", pod("py-web", {"app": "web"}))
        check(False, "a second create of the same pod is refused")
    except ApiException as e:
        check(e.status == 409, f"a second create of the same pod is 409 AlreadyExists (got {e.status})")

    # List with selectors.
    web = core.list_namespaced_pod("default", label_selector="app in (web),tier")
    check([p.metadata.name for p in web.items] == ["py-web"], "list pods with a set-based label selector")
    unscheduled = core.list_pod_for_all_namespaces(field_selector="spec.nodeName=")
    check({"py-web", "py-batch"} <= {p.metadata.name for p in unscheduled.items}, "list unscheduled pods with a field selector")

    # Bind through the pods/binding subresource, as schedulers do (the response is a Status, not a Binding, so it is
    # not decoded). The client's create_namespaced_binding posts to the legacy "bindings" collection instead.
    core.create_namespaced_pod_binding("py-web", "default", client.V1Binding(
        metadata=client.V1ObjectMeta(name="py-web"),
        target=client.V1ObjectReference(kind="Node", name="py-node-1")), _preload_content=False)
    bound = core.read_namespaced_pod("py-web", "default")
    check(bound.spec.node_name == "py-node-1", "bind a pod with pods/binding")

    # Watch: the simulated kubelet takes the bound pod to Running and Ready.
    ready = wait_for(core.list_namespaced_pod, "py-web Running and Ready", is_ready,
                     namespace="default", field_selector="metadata.name=py-web")
    check(ready.status.pod_ip and ready.status.host_ip and ready.status.qos_class == "Burstable",
          "watch from a resourceVersion until the pod is Running and Ready (podIP, hostIP, qosClass)")
    on_node = core.list_pod_for_all_namespaces(
        field_selector="spec.nodeName=py-node-1,status.phase!=Failed,status.phase!=Succeeded")
    check([p.metadata.name for p in on_node.items] == ["py-web"], "list a node's unfinished pods (kubectl describe node's selector)")
    nodes = core.list_node(label_selector="kubernetes.io/hostname=py-node-1")
    conditions = {c.type: c.status for c in nodes.items[0].status.conditions or []}
    check(conditions.get("Ready") == "True" and conditions.get("MemoryPressure") == "False", "the node reports Ready")
    lease = coordination.read_namespaced_lease("py-node-1", "kube-node-lease")
    check(lease.spec.holder_identity == "py-node-1" and lease.spec.renew_time is not None, "the node's lease in kube-node-lease")

    # Patch: strategic merge (a dict), JSON patch (a list), merge patch.
    patched = core.patch_namespaced_pod("py-web", "default", {"metadata": {"labels": {"patched": "strategic"}}})
    check(patched.metadata.labels == {"app": "web", "tier": "front", "patched": "strategic"}, "strategic merge patch of pod labels")
    patched = core.patch_node("py-node-1", [{"op": "add", "path": "/metadata/labels/zone", "value": "a"}])
    check(patched.metadata.labels.get("zone") == "a", "JSON patch of node labels")
    api.set_default_header("Content-Type", "application/merge-patch+json")
    try:
        patched = core.patch_namespaced_persistent_volume_claim("py-data", "default", {"metadata": {"annotations": {"note": "merge"}}})
    finally:
        api.default_headers.pop("Content-Type", None)
    check((patched.metadata.annotations or {}).get("note") == "merge", "merge patch of claim annotations")

    # Optimistic concurrency and errors.
    stale = core.read_namespaced_pod("py-batch", "default")
    core.patch_namespaced_pod("py-batch", "default", {"metadata": {"labels": {"v": "2"}}})
    try:
        core.replace_namespaced_pod("py-batch", "default", stale)
        check(False, "a replace with a stale resourceVersion is refused")
    except ApiException as e:
        check(e.status == 409, f"a replace with a stale resourceVersion is 409 Conflict (got {e.status})")
    try:
        core.read_namespaced_pod("missing", "default")
        check(False, "reading a missing pod fails")
    except ApiException as e:
        check(e.status == 404, f"reading a missing pod is 404 NotFound (got {e.status})")

    # Graceful delete: the pod stays, marked, for its grace period; then the kubelet removes it.
    deleted = core.delete_namespaced_pod("py-web", "default", grace_period_seconds=1)
    check(deleted.metadata.deletion_timestamp is not None and deleted.metadata.deletion_grace_period_seconds == 1,
          "a graceful delete marks the pod (deletionTimestamp, deletionGracePeriodSeconds)")
    check(wait_deleted(core.list_namespaced_pod, "py-web", namespace="default"), "watch sees the pod DELETED after its grace period")
    core.delete_namespaced_pod("py-batch", "default")
    check(all(p.metadata.name != "py-batch" for p in core.list_namespaced_pod("default").items),
          "an unscheduled pod is deleted at once")

    print("all checks passed", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} http://127.0.0.1:PORT", file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
