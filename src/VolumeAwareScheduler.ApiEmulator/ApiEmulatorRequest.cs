namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>
/// A request on a resource as the API server's authorizer sees it (k8s.io/apiserver requestinfo.go): verb, API group,
/// resource with its subresource (<c>pods/binding</c>), namespace and name; plus the Authorization header, to tell
/// clients apart (the emulator authenticates no one).
/// </summary>
public sealed record ApiEmulatorRequest(string Verb, string Group, string Resource, string? Namespace, string? Name, string? Authorization);
