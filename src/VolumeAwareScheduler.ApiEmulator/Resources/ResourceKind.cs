namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// Describes one served resource the way the API's discovery documents do: where it lives
/// (group/version, plural), what it is (kind, singular, short names), its scope, and which
/// field selectors and subresources it supports.
/// </summary>
internal sealed record ResourceKind
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    /// <summary>Plural resource name as used in URLs, e.g. <c>persistentvolumes</c>.</summary>
    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required string Kind { get; init; }

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Subresources such as <c>status</c> or <c>binding</c>.</summary>
    public IReadOnlyList<string> Subresources { get; init; } = [];

    /// <summary>
    /// Field selector labels beyond <c>metadata.name</c> and <c>metadata.namespace</c>, each with the
    /// JSON path (dot-separated) and the value used when the field is absent.
    /// </summary>
    public IReadOnlyList<SelectableField> ExtraFields { get; init; } = [];

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>Resource name qualified by group as the API prints it in messages: <c>storageclasses.storage.k8s.io</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public bool HasStatus => Subresources.Contains("status");

    public static readonly IReadOnlyList<string> AllVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}

/// <summary>A field-selector label and where its value comes from in the object.</summary>
internal sealed record SelectableField(string Label, string Path, string DefaultValue = "");
