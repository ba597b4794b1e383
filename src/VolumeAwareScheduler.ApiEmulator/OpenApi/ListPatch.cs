namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>
/// How a list field merges under a strategic merge patch and server-side apply: the <c>patchStrategy</c>,
/// <c>patchMergeKey</c>, <c>listType</c> and <c>listMapKey</c> tags of its Go field, written into OpenAPI as the
/// <c>x-kubernetes-patch-*</c> and <c>x-kubernetes-list-*</c> extensions.
/// </summary>
internal sealed record ListPatch(string Strategy, string? MergeKey, string ListType, IReadOnlyList<string> MapKeys);
