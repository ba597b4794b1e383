using System.Reflection;

namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>One field of a model definition, with the strategic-merge metadata of its list when it has any.</summary>
/// <param name="Member">The model property it was read from, for its description.</param>
internal sealed record ModelProperty(string Name, SchemaType Type, PropertyInfo? Member, ListPatch? Patch);
