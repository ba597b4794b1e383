namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>An <c>x-kubernetes-group-version-kind</c> entry.</summary>
internal readonly record struct GroupVersionKind(string Group, string Version, string Kind)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}
