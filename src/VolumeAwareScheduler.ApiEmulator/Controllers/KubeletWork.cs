namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// One timed item of the simulated kubelet: a pod (namespace, name, uid) or a node (name, uid). Items are never
/// removed from the queue; one whose object changed since is recognised as stale when it comes due.
/// </summary>
internal readonly record struct KubeletWork(KubeletWorkKind Kind, string Namespace, string Name, string Uid);
