namespace VolumeAwareScheduler.Core.Configuration;

/// <summary>What a <see cref="ConfigNode"/> holds, as YAML's core schema (and JSON) would resolve it.</summary>
public enum ConfigNodeKind : byte
{
    Null,
    Map,
    List,
    String,
    Integer,
    Float,
    Bool,
}
