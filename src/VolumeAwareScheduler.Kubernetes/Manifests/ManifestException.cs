namespace VolumeAwareScheduler.Kubernetes.Manifests;

/// <summary>A manifest that cannot be read; the message is one sentence naming the file, the document and the problem.</summary>
public sealed class ManifestException(string message) : Exception(message);
