namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>
/// One audited request: the RBAC verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>,
/// <c>patch</c>, <c>delete</c>, <c>deletecollection</c>), the API group ("" for core), the resource with its
/// subresource (<c>pods/binding</c>), and the namespace and name when the request names them.
/// </summary>
public sealed record ApiAuditRecord(string Verb, string Group, string Resource, string? Namespace, string? Name, string UserAgent)
{
    /// <summary>"group/resource:verb", the way an RBAC rule grants it.</summary>
    public string Rule => $"{Group}/{Resource}:{Verb}";
}
