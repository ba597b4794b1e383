namespace VolumeAwareScheduler.Core.Model;

/// <summary>
/// PersistentVolume access modes as a bit set. The order of the bits is the order in which
/// Kubernetes prints a set (GetAccessModesAsString in pkg/apis/core/v1/helper): RWO, ROX, RWX, RWOP.
/// </summary>
[Flags]
public enum AccessModes : byte
{
    None = 0,
    ReadWriteOnce = 1,
    ReadOnlyMany = 2,
    ReadWriteMany = 4,
    ReadWriteOncePod = 8,
}

public static class AccessModesExtensions
{
    /// <summary>True when <paramref name="offered"/> contains every mode of <paramref name="requested"/> (util.ContainsAllAccessModes).</summary>
    public static bool ContainsAll(this AccessModes offered, AccessModes requested) => (offered & requested) == requested;

    public static int Count(this AccessModes modes) => System.Numerics.BitOperations.PopCount((uint)modes);

    public static AccessModes Parse(string mode) => mode switch
    {
        "ReadWriteOnce" => AccessModes.ReadWriteOnce,
        "ReadOnlyMany" => AccessModes.ReadOnlyMany,
        "ReadWriteMany" => AccessModes.ReadWriteMany,
        "ReadWriteOncePod" => AccessModes.ReadWriteOncePod,
        _ => throw new FormatException($"unknown access mode \"{mode}\" (expected ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod)"),
    };

    /// <summary>The short form Kubernetes prints, e.g. "RWO,ROX".</summary>
    public static string ToShortString(this AccessModes modes)
    {
        var parts = new List<string>(4);
        if (modes.HasFlag(AccessModes.ReadWriteOnce)) parts.Add("RWO");
        if (modes.HasFlag(AccessModes.ReadOnlyMany)) parts.Add("ROX");
        if (modes.HasFlag(AccessModes.ReadWriteMany)) parts.Add("RWX");
        if (modes.HasFlag(AccessModes.ReadWriteOncePod)) parts.Add("RWOP");
        return string.Join(',', parts);
    }
}

/// <summary>PersistentVolume volumeMode; Kubernetes defaults a missing mode to Filesystem.</summary>
public enum VolumeMode : byte
{
    Filesystem = 0,
    Block = 1,
}
