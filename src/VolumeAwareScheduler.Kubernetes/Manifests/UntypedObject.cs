namespace VolumeAwareScheduler.Kubernetes.Manifests;

/// <summary>An object of a kind <see cref="ManifestReader"/> does not type (ConfigMap, Deployment, Role...): what it is and its name.</summary>
public sealed record UntypedObject(string ApiVersion, string Kind, string? Namespace, string? Name);
