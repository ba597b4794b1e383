namespace VolumeAwareScheduler.Core.Model;

/// <summary>The ownerReference marked controller: true (metav1.GetControllerOf), e.g. apps/v1 ReplicaSet "web-5d4f".</summary>
public sealed record ControllerReference(string ApiVersion, string Kind, string Name);
